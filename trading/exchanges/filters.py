"""Binance ``exchangeInfo`` filters → :class:`SymbolRules`, for every Binance connector (spot,
USDⓈ-M futures, Alpha): they publish one symbol shape with the same filter types.

Each connector keeps only what its venue does differently — which notional filter counts and what
its quote step is — and passes it in as extra fields; the rest is read here, once.
See Binance's "Filters" page: https://developers.binance.com/docs/binance-spot-api-docs/filters
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trading.exchanges.types import SymbolRules, dec

PRICE_FILTER = "PRICE_FILTER"
LOT_SIZE = "LOT_SIZE"
MARKET_LOT_SIZE = "MARKET_LOT_SIZE"
MIN_NOTIONAL = "MIN_NOTIONAL"
NOTIONAL = "NOTIONAL"

Filter = Mapping[str, Any]


def filters_of(symbol: Mapping[str, Any]) -> dict[str, Filter]:
    """A symbol's filters by ``filterType``."""
    return {f.get("filterType"): f for f in symbol.get("filters", [])}


def first_filter(filters: Mapping[str, Filter], *types: str) -> Filter:
    """The first of ``types`` the symbol carries (``{}`` if none): venues renamed filters over
    time (spot ``MIN_NOTIONAL`` → ``NOTIONAL``) and each connector says which name wins."""
    return next((filters[t] for t in types if filters.get(t)), {})


def symbol_rules(
    symbol: Mapping[str, Any],
    filters: Mapping[str, Filter],
    *,
    venue: str | None = None,
    market_lot: bool = True,
    **extra: Any,
) -> SymbolRules:
    """Rules from the symbol's names, status, ``PRICE_FILTER``, ``LOT_SIZE`` and (with
    ``market_lot``) ``MARKET_LOT_SIZE``; ``extra`` holds the venue's own fields (notional, quote
    step). ``venue`` names the connector in the ``ProtocolError`` of a malformed number."""
    price, lot = filters.get(PRICE_FILTER, {}), filters.get(LOT_SIZE, {})
    fields: dict[str, Any] = {
        "tick_size": dec(price.get("tickSize"), venue=venue),
        "step_size": dec(lot.get("stepSize"), venue=venue),
        "min_qty": dec(lot.get("minQty"), venue=venue),
        "max_qty": dec(lot.get("maxQty"), venue=venue),
    }
    if market_lot:
        market = filters.get(MARKET_LOT_SIZE, {})
        fields["market_step_size"] = dec(market.get("stepSize"), venue=venue)
        fields["market_min_qty"] = dec(market.get("minQty"), venue=venue)
        fields["market_max_qty"] = dec(market.get("maxQty"), venue=venue)
    return SymbolRules(
        symbol=str(symbol["symbol"]),
        base=str(symbol.get("baseAsset", "")),
        quote=str(symbol.get("quoteAsset", "")),
        trading=symbol.get("status", "TRADING") == "TRADING",
        raw=symbol,
        **fields,
        **extra,
    )

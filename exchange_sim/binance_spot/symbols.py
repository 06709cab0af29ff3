"""Binance spot symbols with their real filter set, and the ``exchangeInfo`` document.

Filter values follow the live BTCUSDT / ETHUSDT / BNBUSDT / SOLUSDT entries (tick 0.01, steps
1e-5 / 1e-4 / 1e-3, NOTIONAL min 5 USDT applied to MARKET orders).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ORDER_TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT",
               "TAKE_PROFIT_LIMIT"]  # fmt: skip
STP_MODES = ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT"]


@dataclass(frozen=True)
class SpotSymbol:
    """One trading pair and the filters the engine enforces."""

    symbol: str
    base: str
    quote: str
    tick: Decimal
    step: Decimal
    min_qty: Decimal
    max_qty: Decimal
    market_max_qty: Decimal
    min_notional: Decimal = Decimal("5")
    max_notional: Decimal = Decimal("9000000")
    min_price: Decimal = Decimal("0.01")
    max_price: Decimal = Decimal("1000000")


SYMBOLS: dict[str, SpotSymbol] = {
    s.symbol: s
    for s in (
        SpotSymbol("BTCUSDT", "BTC", "USDT", Decimal("0.01"), Decimal("0.00001"),
                   Decimal("0.00001"), Decimal("9000"), Decimal("76.6")),
        SpotSymbol("ETHUSDT", "ETH", "USDT", Decimal("0.01"), Decimal("0.0001"),
                   Decimal("0.0001"), Decimal("9000"), Decimal("2000")),
        SpotSymbol("BNBUSDT", "BNB", "USDT", Decimal("0.01"), Decimal("0.001"),
                   Decimal("0.001"), Decimal("9000"), Decimal("5000")),
        SpotSymbol("SOLUSDT", "SOL", "USDT", Decimal("0.01"), Decimal("0.001"),
                   Decimal("0.001"), Decimal("9000"), Decimal("20000")),
    )
}  # fmt: skip


def _f8(value: Decimal) -> str:
    return f"{value:.8f}"


def filters(s: SpotSymbol) -> list[dict[str, Any]]:
    return [
        {"filterType": "PRICE_FILTER", "minPrice": _f8(s.min_price),
         "maxPrice": _f8(s.max_price), "tickSize": _f8(s.tick)},
        {"filterType": "LOT_SIZE", "minQty": _f8(s.min_qty), "maxQty": _f8(s.max_qty),
         "stepSize": _f8(s.step)},
        {"filterType": "ICEBERG_PARTS", "limit": 10},
        {"filterType": "MARKET_LOT_SIZE", "minQty": "0.00000000",
         "maxQty": _f8(s.market_max_qty), "stepSize": "0.00000000"},
        {"filterType": "TRAILING_DELTA", "minTrailingAboveDelta": 10,
         "maxTrailingAboveDelta": 2000, "minTrailingBelowDelta": 10, "maxTrailingBelowDelta": 2000},
        {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "5", "bidMultiplierDown": "0.2",
         "askMultiplierUp": "5", "askMultiplierDown": "0.2", "avgPriceMins": 5},
        {"filterType": "NOTIONAL", "minNotional": _f8(s.min_notional), "applyMinToMarket": True,
         "maxNotional": _f8(s.max_notional), "applyMaxToMarket": False, "avgPriceMins": 5},
        {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
        {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
    ]  # fmt: skip


def symbol_info(s: SpotSymbol) -> dict[str, Any]:
    return {
        "symbol": s.symbol,
        "status": "TRADING",
        "baseAsset": s.base,
        "baseAssetPrecision": 8,
        "quoteAsset": s.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": ORDER_TYPES,
        "icebergAllowed": True,
        "ocoAllowed": True,
        "otoAllowed": True,
        "opoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": True,
        "cancelReplaceAllowed": True,
        "amendAllowed": True,
        "pegInstructionsAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": True,
        "filters": filters(s),
        "permissions": [],
        "permissionSets": [["SPOT", "MARGIN"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": STP_MODES,
    }


RATE_LIMITS = [
    {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
    {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
    {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
    {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000},
]


def exchange_info(server_time: int, names: list[str] | None = None) -> dict[str, Any]:
    chosen = [SYMBOLS[n] for n in names] if names else list(SYMBOLS.values())
    return {
        "timezone": "UTC",
        "serverTime": server_time,
        "rateLimits": RATE_LIMITS,
        "exchangeFilters": [],
        "symbols": [symbol_info(s) for s in chosen],
    }

"""Alpha replies and stream frames → dataclasses (docs/protocols.md §4). The web envelope and its
error codes are shared with event contracts (:mod:`trading.exchanges.binance_web.mapping`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from functools import partial
from typing import Any

from trading.exchanges import filters as bf
from trading.exchanges import types
from trading.exchanges.binance_alpha import constants as c
from trading.exchanges.binance_alpha.models import (
    AggTrade,
    AlphaBalance,
    AlphaOrder,
    AlphaOrderUpdate,
    AlphaToken,
    AlphaTrade,
    OtoPlaced,
    TokenVolume,
    UserVolume,
)
from trading.exchanges.binance_web.mapping import VENUE as WEB_VENUE
from trading.exchanges.errors import ProtocolError
from trading.exchanges.types import OrderStatus, Side, SymbolRules, ms_to_datetime

_STATUS = {s.value: s for s in OrderStatus}


# Alpha numbers arrive in the web envelope: a malformed one is that envelope's ProtocolError.
dec = partial(types.dec, venue=WEB_VENUE)


def _opt_id(value: Any) -> str | None:
    return None if value in (None, "", "-1", -1) else str(value)


def parse_token(raw: Mapping[str, Any]) -> AlphaToken:
    return AlphaToken(
        alpha_id=str(raw["alphaId"]),
        symbol=str(raw.get("symbol", "")),
        name=str(raw.get("name", "")),
        chain_id=str(raw.get("chainId", "")),
        contract_address=str(raw.get("contractAddress", "")),
        decimals=int(raw.get("decimals") or 0),
        trade_decimal=int(raw.get("tradeDecimal") or 0),
        mul_point=dec(raw.get("mulPoint"), Decimal(1)),
        price=dec(raw.get("price")),
        tradable=not (raw.get("offline") or raw.get("offsell")),
        chain_name=str(raw.get("chainName", "")),
        offline=bool(raw.get("offline")),
        offsell=bool(raw.get("offsell")),
        online_airdrop=bool(raw.get("onlineAirdrop")),
        online_tge=bool(raw.get("onlineTge")),
        stock_state=bool(raw.get("stockState")),
        listing_time=ms_to_datetime(raw.get("listingTime") or None),
        raw=raw,
    )


def parse_symbol_rules(raw: Mapping[str, Any]) -> SymbolRules:
    """An Alpha ``get-exchange-info`` symbol (PRICE_FILTER, LOT_SIZE, MIN_NOTIONAL.minNotional)."""
    filters = bf.filters_of(raw)
    notional = bf.first_filter(filters, bf.MIN_NOTIONAL, bf.NOTIONAL)
    return bf.symbol_rules(
        raw,
        filters,
        venue=WEB_VENUE,
        market_lot=False,
        min_notional=dec(notional.get("minNotional")),
        quote_step=Decimal(1).scaleb(-int(raw.get("quotePrecision") or c.PAYMENT_AMOUNT_DP)),
    )


def parse_oto_placed(data: Any) -> OtoPlaced:
    if not isinstance(data, Mapping) or "workingOrderId" not in data:
        raise ProtocolError(f"unexpected OTO reply {str(data)[:200]}", venue=c.VENUE)
    return OtoPlaced(str(data["workingOrderId"]), str(data["pendingOrderId"]))


def parse_order(raw: Mapping[str, Any]) -> AlphaOrder:
    return AlphaOrder(
        order_id=str(raw["orderId"]),
        symbol=str(raw.get("symbol") or f"{raw.get('baseAsset', '')}{raw.get('quoteAsset', '')}"),
        status=str(raw.get("status", "")),
        side=Side(raw["side"]),
        price=dec(raw.get("price")),
        orig_qty=dec(raw.get("origQty")),
        executed_qty=dec(raw.get("executedQty")),
        cum_quote=dec(raw.get("cumQuote")),
        avg_price=dec(raw.get("avgPrice")),
        order_list_id=_opt_id(raw.get("orderListId")),
        contingency_position=raw.get("contingencyOrderPosition"),
        base_asset=str(raw.get("baseAsset", "")),
        quote_asset=str(raw.get("quoteAsset", "")),
        created_at=ms_to_datetime(raw.get("time")),
        updated_at=ms_to_datetime(raw.get("updateTime")),
        raw=raw,
    )


def parse_orders(data: Any) -> list[AlphaOrder]:
    """A list of rows, or a page object wrapping one."""
    if isinstance(data, Mapping):
        data = next(
            (data[k] for k in ("list", "rows", "data") if isinstance(data.get(k), list)), []
        )
    return [parse_order(r) for r in data or []]


def parse_user_volume(data: Mapping[str, Any]) -> UserVolume:
    tokens = tuple(
        TokenVolume(str(t.get("tokenName", "")), dec(t.get("volume")))
        for t in data.get("tradeVolumeInfoList") or []
    )
    return UserVolume(dec(data.get("totalVolume")), tokens)


def parse_wallet(data: Mapping[str, Any]) -> dict[str, AlphaBalance]:
    """Alpha wallet by alphaId (``tokenId``)."""
    out = {}
    for row in data.get("list") or []:
        out[str(row["tokenId"])] = AlphaBalance(
            token_id=str(row["tokenId"]),
            symbol=str(row.get("symbol", "")),
            free=dec(row.get("free")),
            freeze=dec(row.get("freeze")),
            locked=dec(row.get("locked")),
            amount=dec(row.get("amount")),
            valuation=dec(row.get("valuation")),
            raw=row,
        )
    return out


def parse_listen_key(data: Any) -> str:
    """A bare string, or ``{listenKey}`` as some notes claim."""
    key = data.get("listenKey") if isinstance(data, Mapping) else data
    if not isinstance(key, str) or not key:
        raise ProtocolError(f"no listen key in {str(data)[:200]}", venue=c.VENUE)
    return key


def parse_execution_report(d: Mapping[str, Any]) -> AlphaOrderUpdate:
    """An ``alpha@<listenKey>`` ``data`` object (executionReport plus ``il``/``ct``/``cp``)."""
    venue_status = str(d.get("X", ""))
    trade_id = str(d.get("t", "0"))
    return AlphaOrderUpdate(
        venue=c.VENUE,
        symbol=str(d["s"]),
        venue_order_id=str(d["i"]),
        client_order_id=str(d.get("c", "")),
        status=_STATUS.get(venue_status, OrderStatus.NEW),
        side=Side(d["S"]) if d.get("S") else None,
        execution_type=str(d.get("x", "")),
        last_qty=dec(d.get("l")),
        last_price=dec(d.get("L")),
        cum_base=dec(d.get("z")),
        cum_quote=dec(d.get("Z")),
        fee=dec(d.get("n")),
        fee_asset=d.get("N"),
        trade_id=trade_id if trade_id not in ("0", "-1") else None,
        event_time=ms_to_datetime(d.get("E")),
        raw=d,
        venue_status=venue_status,
        order_list_id=_opt_id(d.get("il")),
        contingency_type=d.get("ct"),
        contingency_position=d.get("cp"),
        price=dec(d.get("p")),
        orig_qty=dec(d.get("q")),
        base_asset=str(d.get("ba", "")),
        quote_asset=str(d.get("qa", "")),
    )


def parse_agg_trade(d: Mapping[str, Any]) -> AggTrade:
    return AggTrade(
        symbol=str(d["s"]),
        agg_id=str(d.get("a", "")),
        price=dec(d["p"]),
        qty=dec(d.get("q")),
        time=ms_to_datetime(d.get("T")),
        buyer_is_maker=bool(d.get("m")),
    )


def truncate(value: Decimal, places: int = c.PAYMENT_AMOUNT_DP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def json_number(value: Decimal) -> int | float:
    """A ``Decimal`` as a JSON number for fields the web API sends as numbers. Refuses values a
    float cannot carry exactly in shortest repr (so no amount is silently changed)."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) != value:
        raise ValueError(f"{value} does not survive JSON number encoding")
    return as_float


def parse_user_trades(data: Any) -> list[AlphaTrade]:
    """``get-user-trades`` rows (ids as strings in real replies; numbers accepted too)."""
    return [
        AlphaTrade(
            trade_id=str(r.get("tradeId") or r.get("id")),
            order_id=str(r["orderId"]),
            symbol=str(r.get("symbol", "")),
            side=Side(r["side"]),
            price=dec(r.get("price")),
            qty=dec(r.get("qty")),
            quote=dec(r.get("quoteQty")),
            fee=dec(r.get("commission")),
            fee_asset=str(r.get("commissionAsset") or ""),
            time=ms_to_datetime(r.get("time")),
        )
        for r in data or []
    ]


def parse_last_price(data: Mapping[str, Any]) -> Decimal:
    return dec(data.get("lastPrice"))


def parse_best_bid(data: Mapping[str, Any]) -> Decimal | None:
    bids = data.get("bids") or []
    return dec(bids[0][0]) if bids else None


def parse_asset_totals(rows: Any) -> dict[str, Decimal]:
    """``wallet/asset`` rows → ``{asset: amount}`` (the real reply has no free/locked split)."""
    return {str(r["asset"]): dec(r.get("amount")) for r in rows or [] if r.get("asset")}

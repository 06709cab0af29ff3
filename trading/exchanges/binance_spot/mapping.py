"""Binance spot JSON → our dataclasses, and Binance error codes → our error classes (one table).

docs/protocols.md §1.5 and §10: -1007 / -1006 / -1000 and "Duplicate order sent." mean the order MAY
exist (``OutcomeUnknown``: look it up); -2013 / "Unknown order sent." mean not found (possibly
not yet visible).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from trading.exchanges import errors as e
from trading.exchanges import filters as bf
from trading.exchanges.binance_spot import constants as c
from trading.exchanges.types import (
    ZERO,
    AccountSnapshot,
    Balance,
    BalanceUpdate,
    Fill,
    OrderResult,
    OrderStatus,
    OrderType,
    OrderUpdate,
    Side,
    SymbolRules,
    dec,
    ms_to_datetime,
)

# code → error class. Codes not listed: OrderRejected (a 4xx means the venue refused it).
ERRORS: dict[int, type[e.ExchangeError]] = {
    c.UNKNOWN: e.OutcomeUnknown,
    c.UNEXPECTED_RESP: e.OutcomeUnknown,
    c.TIMEOUT: e.OutcomeUnknown,
    c.UNAUTHORIZED: e.AuthError,
    c.INVALID_SIGNATURE: e.AuthError,
    c.BAD_API_KEY_FMT: e.AuthError,
    c.REJECTED_MBX_KEY: e.AuthError,
    c.INVALID_TIMESTAMP: e.ClockSkew,
    c.TOO_MANY_REQUESTS: e.RateLimited,
    c.TOO_MANY_ORDERS: e.RateLimited,
    c.FILTER_FAILURE: e.FilterRejected,
    c.BAD_PRECISION: e.FilterRejected,
    c.NO_SUCH_ORDER: e.OrderNotFound,
}
# (code, substring of msg) → class, checked before the code table.
MESSAGE_ERRORS: tuple[tuple[int, str, type[e.ExchangeError]], ...] = (
    (c.NEW_ORDER_REJECTED, c.MSG_DUPLICATE, e.OutcomeUnknown),
    (c.NEW_ORDER_REJECTED, c.MSG_INSUFFICIENT, e.InsufficientBalance),
    (c.CANCEL_REJECTED, c.MSG_UNKNOWN_ORDER, e.OrderNotFound),
)

STATUSES: dict[str, OrderStatus] = {
    "NEW": OrderStatus.NEW,
    "PENDING_NEW": OrderStatus.NEW,
    "PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED,
    "FILLED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELED,
    "PENDING_CANCEL": OrderStatus.CANCELED,
    "REJECTED": OrderStatus.REJECTED,
    "EXPIRED": OrderStatus.EXPIRED,
    "EXPIRED_IN_MATCH": OrderStatus.EXPIRED,
}


def error_for(code: int, msg: str, *, client_order_id: str | None = None) -> e.ExchangeError:
    """The error instance for a Binance ``{"code", "msg"}`` reply."""
    cls = ERRORS.get(code, e.OrderRejected)
    for m_code, fragment, m_cls in MESSAGE_ERRORS:
        if code == m_code and fragment.lower() in msg.lower():
            cls = m_cls
    kwargs: dict[str, Any] = {"code": str(code), "venue": c.VENUE}
    if cls is e.OutcomeUnknown:
        kwargs["client_order_id"] = client_order_id
    return cls(msg, **kwargs)


def parse_account(account: Mapping[str, Any]) -> AccountSnapshot:
    """``GET /api/v3/account`` → every listed asset and the account's ``updateTime``."""
    return AccountSnapshot(parse_balances(account), int(account.get("updateTime") or 0), account)


def parse_balances(account: Mapping[str, Any]) -> dict[str, Balance]:
    """``GET /api/v3/account`` → every listed asset's balance."""
    return {
        b["asset"]: Balance(b["asset"], dec(b["free"]), dec(b["locked"]))
        for b in account["balances"]
    }


def parse_symbol_rules(symbol: Mapping[str, Any]) -> SymbolRules:
    """One ``exchangeInfo`` symbol → rules. The quote step is the tick size (as ccxt does);
    MIN_NOTIONAL (old) and NOTIONAL (new) are both understood."""
    f = bf.filters_of(symbol)
    notional = bf.first_filter(f, bf.NOTIONAL, bf.MIN_NOTIONAL)
    apply_min = notional.get("applyMinToMarket", notional.get("applyToMarket", True))
    return bf.symbol_rules(
        symbol,
        f,
        min_notional=dec(notional.get("minNotional")),
        apply_min_to_market=bool(apply_min),
        max_notional=dec(notional.get("maxNotional")),
        apply_max_to_market=bool(notional.get("applyMaxToMarket", False)),
        quote_step=dec(f.get(bf.PRICE_FILTER, {}).get("tickSize")),
    )


def _fee(fills: list[Mapping[str, Any]]) -> tuple[Decimal, str | None]:
    """Total commission of FULL-response fills, in the first fill's asset (mixed assets are rare:
    only that asset is summed; the raw reply keeps the rest)."""
    if not fills:
        return ZERO, None
    asset = fills[0]["commissionAsset"]
    return sum((dec(f["commission"]) for f in fills if f["commissionAsset"] == asset), ZERO), asset


def parse_order(o: Mapping[str, Any]) -> OrderResult:
    """Order JSON (POST FULL/RESULT/ACK, GET, DELETE replies) → :class:`OrderResult`."""
    fee, fee_asset = _fee(o.get("fills") or [])
    created = o.get("time", o.get("transactTime"))
    return OrderResult(
        symbol=o["symbol"],
        venue_order_id=str(o["orderId"]),
        client_order_id=o.get("origClientOrderId") or o["clientOrderId"],
        status=STATUSES[o.get("status", "NEW")],
        side=Side(o["side"]) if "side" in o else None,
        type=_order_type(o.get("type")),
        orig_qty=dec(o.get("origQty")),
        price=dec(o.get("price")),
        executed_base=dec(o.get("executedQty")),
        executed_quote=dec(o.get("cummulativeQuoteQty")),
        fee=fee,
        fee_asset=fee_asset,
        created_at=ms_to_datetime(created),
        updated_at=ms_to_datetime(o.get("updateTime", o.get("transactTime"))),
        raw=o,
    )


def _order_type(value: str | None) -> OrderType | None:
    return OrderType(value) if value is not None and value in OrderType.__members__ else None


def parse_fill(t: Mapping[str, Any]) -> Fill:
    """``GET /api/v3/myTrades`` item → :class:`Fill`."""
    return Fill(
        symbol=t["symbol"],
        trade_id=str(t["id"]),
        venue_order_id=str(t["orderId"]),
        price=dec(t["price"]),
        qty=dec(t["qty"]),
        quote_qty=dec(t["quoteQty"]),
        fee=dec(t["commission"]),
        fee_asset=t.get("commissionAsset"),
        is_maker=t.get("isMaker"),
        side=Side.BUY if t.get("isBuyer") else Side.SELL,
        time=ms_to_datetime(t.get("time")),
        raw=t,
    )


def parse_execution_report(ev: Mapping[str, Any]) -> OrderUpdate:
    """User-data ``executionReport`` → :class:`OrderUpdate`. For a cancel, ``C`` holds the
    original client id (``c`` is the cancel request's own id)."""
    trade_id = ev.get("t", -1)
    return OrderUpdate(
        venue=c.VENUE,
        symbol=ev["s"],
        venue_order_id=str(ev["i"]),
        client_order_id=ev.get("C") or ev["c"],
        status=STATUSES[ev["X"]],
        side=Side(ev["S"]),
        execution_type=ev["x"],
        last_qty=dec(ev.get("l")),
        last_price=dec(ev.get("L")),
        cum_base=dec(ev.get("z")),
        cum_quote=dec(ev.get("Z")),
        fee=dec(ev.get("n")),
        fee_asset=ev.get("N"),
        trade_id=str(trade_id) if trade_id not in (None, -1) else None,
        event_time=ms_to_datetime(ev.get("E")),
        raw=ev,
    )


def parse_account_position(ev: Mapping[str, Any]) -> BalanceUpdate:
    """User-data ``outboundAccountPosition`` → :class:`BalanceUpdate` (changed assets only)."""
    balances = tuple(Balance(b["a"], dec(b["f"]), dec(b["l"])) for b in ev["B"])
    return BalanceUpdate(c.VENUE, balances, ms_to_datetime(ev.get("E")), raw=ev)

"""Futures replies → dataclasses, and the venue error codes → the error tree (one table).

Amounts go ``str → Decimal`` (never through float); ids become strings; times aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from trading.exchanges import filters as bf
from trading.exchanges import types
from trading.exchanges.binance_futures import constants as c
from trading.exchanges.binance_futures.models import (
    AlgoOrder,
    FuturesBalance,
    FuturesFill,
    Income,
    Kline,
    Leverage,
    Position,
)
from trading.exchanges.errors import (
    AuthError,
    ClockSkew,
    ExchangeError,
    FilterRejected,
    InsufficientBalance,
    OrderNotFound,
    OrderRejected,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    TemporaryError,
)
from trading.exchanges.http import Response
from trading.exchanges.types import (
    OrderResult,
    OrderStatus,
    OrderType,
    Side,
    SymbolRules,
    ms_to_datetime,
)

# Binance code → error class. -4116 (duplicate client id) means "probably placed": look it up.
ERRORS: dict[int, type[ExchangeError]] = {
    c.E_UNKNOWN: TemporaryError,
    c.E_DISCONNECTED: TemporaryError,
    c.E_TOO_MANY_REQUESTS: RateLimited,
    c.E_TIMEOUT: OutcomeUnknown,
    c.E_FILTER: FilterRejected,
    c.E_INVALID_TIMESTAMP: ClockSkew,
    c.E_INVALID_SIGNATURE: AuthError,
    c.E_BAD_SYMBOL: OrderRejected,
    c.E_NEW_ORDER_REJECTED: OrderRejected,
    c.E_CANCEL_REJECTED: OrderNotFound,
    c.E_NO_SUCH_ORDER: OrderNotFound,
    c.E_BAD_API_KEY_FMT: AuthError,
    c.E_REJECTED_MBX_KEY: AuthError,
    c.E_MARGIN_INSUFFICIENT: InsufficientBalance,
    c.E_WOULD_TRIGGER: OrderRejected,
    c.E_REDUCE_ONLY_REJECTED: OrderRejected,
    c.E_DUPLICATED_CLIENT_ID: OutcomeUnknown,
    c.E_USE_ALGO_API: OrderRejected,
    c.E_MIN_NOTIONAL: FilterRejected,
    c.E_NO_NEED_MARGIN_TYPE: OrderRejected,
    c.E_POSITION_SIDE_MISMATCH: OrderRejected,
    c.E_NO_NEED_POSITION_SIDE: OrderRejected,
    c.E_POSITION_SIDE_LOCKED: OrderRejected,
    c.E_MARGIN_TYPE_LOCKED: OrderRejected,
    c.E_MARKET_QTY_TOO_BIG: FilterRejected,
}

_STATUS = {s.value: s for s in OrderStatus}


def error_from_body(
    body: Mapping[str, Any], *, client_order_id: str | None = None
) -> ExchangeError:
    """``{"code": -2019, "msg": …}`` → the typed error."""
    code = int(body.get("code", 0))
    msg = str(body.get("msg", ""))
    cls = ERRORS.get(code, OrderRejected if code <= -2000 else ExchangeError)
    if cls is OutcomeUnknown:
        return OutcomeUnknown(msg, code=str(code), venue=c.VENUE, client_order_id=client_order_id)
    return cls(msg, code=str(code), venue=c.VENUE)


def parse_response(response: Response, *, client_order_id: str | None = None) -> Any:
    """JSON of a 2xx reply; the mapped error for a Binance ``{code, msg}`` error body."""
    try:
        body = response.json()
    except ValueError as exc:
        raise ProtocolError(
            f"HTTP {response.status_code}: {response.text[:200]!r}", venue=c.VENUE
        ) from exc
    if response.is_success and not (isinstance(body, Mapping) and _is_error(body)):
        return body
    if isinstance(body, Mapping) and "code" in body:
        raise error_from_body(body, client_order_id=client_order_id)
    raise ProtocolError(f"HTTP {response.status_code}: {str(body)[:200]}", venue=c.VENUE)


def _is_error(body: Mapping[str, Any]) -> bool:
    code = body.get("code")
    return isinstance(code, int) and code < 0 and "msg" in body


dec = partial(types.dec, venue=c.VENUE)


def flag(value: Any) -> bool:
    """Binance booleans arrive as JSON booleans or as ``"true"``/``"false"``."""
    return value is True or str(value).lower() == "true"


def order_type(value: Any) -> OrderType | None:
    try:
        return OrderType(str(value))
    except ValueError:
        return None


def status(value: Any) -> OrderStatus:
    # Futures adds EXPIRED_IN_MATCH (self-trade prevention): final, nothing more executes.
    return _STATUS.get(str(value), OrderStatus.EXPIRED)


def parse_order(raw: Mapping[str, Any]) -> OrderResult:
    """``POST/GET/DELETE /fapi/v1/order`` reply → :class:`OrderResult`.

    ``cumQuote`` was removed from the SDK schema in 2026 but the API still sends it; if it is
    missing we use ``avgPrice × executedQty``.
    """
    executed = dec(raw.get("executedQty"))
    quote = raw.get("cumQuote")
    cum_quote = dec(quote) if quote not in (None, "") else dec(raw.get("avgPrice")) * executed
    return OrderResult(
        symbol=str(raw["symbol"]),
        venue_order_id=str(raw["orderId"]),
        client_order_id=str(raw.get("clientOrderId", "")),
        status=status(raw.get("status")),
        side=Side(raw["side"]) if raw.get("side") else None,
        type=order_type(raw.get("type")),
        orig_qty=dec(raw.get("origQty")),
        price=dec(raw.get("price")),
        executed_base=executed,
        executed_quote=cum_quote,
        updated_at=ms_to_datetime(raw.get("updateTime")),
        raw=raw,
    )


def parse_algo_order(raw: Mapping[str, Any]) -> AlgoOrder:
    return AlgoOrder(
        algo_id=str(raw["algoId"]),
        client_algo_id=str(raw.get("clientAlgoId", "")),
        symbol=str(raw["symbol"]),
        side=Side(raw["side"]),
        order_type=str(raw.get("orderType") or raw.get("type") or ""),
        status=c.AlgoStatus(raw.get("algoStatus", "NEW")),
        trigger_price=dec(raw.get("triggerPrice")),
        quantity=dec(raw.get("quantity")),
        close_position=flag(raw.get("closePosition")),
        reduce_only=flag(raw.get("reduceOnly")),
        working_type=str(raw.get("workingType", "")),
        position_side=str(raw.get("positionSide", "BOTH")),
        created_at=ms_to_datetime(raw.get("createTime")),
        raw=raw,
    )


def parse_position(raw: Mapping[str, Any]) -> Position:
    """v3 or v2 ``positionRisk`` item (v2 adds ``leverage`` and ``marginType``)."""
    lev = raw.get("leverage")
    return Position(
        symbol=str(raw["symbol"]),
        position_side=str(raw.get("positionSide", "BOTH")),
        amount=dec(raw.get("positionAmt")),
        entry_price=dec(raw.get("entryPrice")),
        break_even_price=dec(raw.get("breakEvenPrice")),
        mark_price=dec(raw.get("markPrice")),
        unrealized_pnl=dec(raw.get("unRealizedProfit")),
        liquidation_price=dec(raw.get("liquidationPrice")),
        notional=dec(raw.get("notional")),
        isolated_margin=dec(raw.get("isolatedMargin")),
        leverage=int(lev) if lev not in (None, "") else None,
        margin_type=str(raw["marginType"]) if raw.get("marginType") else None,
        updated_at=ms_to_datetime(raw.get("updateTime")),
        raw=raw,
    )


def parse_income(raw: Mapping[str, Any]) -> Income:
    return Income(
        symbol=str(raw.get("symbol", "")),
        income_type=str(raw["incomeType"]),
        income=dec(raw.get("income")),
        asset=str(raw.get("asset", "")),
        info=str(raw.get("info", "")),
        time=ms_to_datetime(raw.get("time")),
        tran_id=str(raw.get("tranId", "")),
        trade_id=str(raw.get("tradeId", "")),
        raw=raw,
    )


def parse_kline(row: list[Any]) -> Kline:
    """A 12-element kline row (docs/protocols.md §3.3) → :class:`Kline`."""
    if len(row) < 11:
        raise ProtocolError(f"short kline row {row!r}", venue=c.VENUE)
    open_time, close_time = ms_to_datetime(row[0]), ms_to_datetime(row[6])
    assert open_time is not None and close_time is not None
    return Kline(
        open_time=open_time,
        open=dec(row[1]),
        high=dec(row[2]),
        low=dec(row[3]),
        close=dec(row[4]),
        volume=dec(row[5]),
        close_time=close_time,
        quote_volume=dec(row[7]),
        trades=int(row[8]),
        taker_buy_base=dec(row[9]),
        taker_buy_quote=dec(row[10]),
    )


def parse_leverage(raw: Mapping[str, Any]) -> Leverage:
    return Leverage(str(raw["symbol"]), int(raw["leverage"]), dec(raw.get("maxNotionalValue")))


def parse_symbol_rules(raw: Mapping[str, Any]) -> SymbolRules:
    """An ``exchangeInfo`` symbol → :class:`SymbolRules`. Futures ``MIN_NOTIONAL`` carries its
    minimum in ``notional`` (spot: ``minNotional``) and applies to market orders too."""
    filters = bf.filters_of(raw)
    notional = filters.get(bf.MIN_NOTIONAL, {})
    return bf.symbol_rules(
        raw,
        filters,
        venue=c.VENUE,
        min_notional=dec(notional.get("notional", notional.get("minNotional"))),
    )


def parse_user_trade(raw: Mapping[str, Any]) -> FuturesFill:
    """``GET /fapi/v1/userTrades`` item → :class:`FuturesFill`."""
    return FuturesFill(
        symbol=str(raw["symbol"]),
        trade_id=str(raw["id"]),
        venue_order_id=str(raw["orderId"]),
        price=dec(raw.get("price")),
        qty=dec(raw.get("qty")),
        quote_qty=dec(raw.get("quoteQty")),
        fee=dec(raw.get("commission")),
        fee_asset=raw.get("commissionAsset"),
        is_maker=flag(raw.get("maker")),
        side=Side(raw["side"]) if raw.get("side") else None,
        time=ms_to_datetime(raw.get("time")),
        raw=raw,
        realized_pnl=dec(raw.get("realizedPnl")),
        position_side=str(raw.get("positionSide", "BOTH")),
    )


def parse_balances(account: Mapping[str, Any]) -> dict[str, FuturesBalance]:
    """``GET /fapi/v3/account`` → margin assets by name."""
    out = {}
    for a in account.get("assets", []):
        out[str(a["asset"])] = FuturesBalance(
            asset=str(a["asset"]),
            wallet_balance=dec(a.get("walletBalance")),
            available_balance=dec(a.get("availableBalance")),
            unrealized_pnl=dec(a.get("unrealizedProfit")),
            margin_balance=dec(a.get("marginBalance")),
            raw=a,
        )
    return out

"""Bitget spot v2 JSON → our dataclasses, and Bitget codes → our error classes (one table).

Bitget sends numbers as strings and fees as negative numbers; a market BUY's ``size`` is the quote
amount (docs/protocols.md §2.4). ``40786`` (duplicate clientOid) means the order probably exists:
``OutcomeUnknown``, look it up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from trading.exchanges import errors as e
from trading.exchanges.bitget import constants as c
from trading.exchanges.types import (
    ZERO,
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
    step_from_precision,
)

ERRORS: tuple[tuple[frozenset[str], type[e.ExchangeError]], ...] = (
    (c.AUTH_CODES, e.AuthError),
    (c.CLOCK_CODES, e.ClockSkew),
    (c.NOT_FOUND_CODES, e.OrderNotFound),
    (c.BALANCE_CODES, e.InsufficientBalance),
    (c.FILTER_CODES, e.FilterRejected),
    (c.DUPLICATE_CODES, e.OutcomeUnknown),
    (c.RATE_LIMIT_CODES, e.RateLimited),
)

STATUSES: dict[str, OrderStatus] = {
    "init": OrderStatus.NEW,
    "new": OrderStatus.NEW,
    "live": OrderStatus.NEW,
    "partially_filled": OrderStatus.PARTIALLY_FILLED,
    "partial_fill": OrderStatus.PARTIALLY_FILLED,
    "filled": OrderStatus.FILLED,
    "full_fill": OrderStatus.FILLED,
    "cancelled": OrderStatus.CANCELED,
    "canceled": OrderStatus.CANCELED,
    "reject": OrderStatus.REJECTED,
    "rejected": OrderStatus.REJECTED,
}


def error_for(code: str, msg: str, *, client_order_id: str | None = None) -> e.ExchangeError:
    """The error instance for a Bitget ``{"code", "msg"}`` reply (unlisted → OrderRejected)."""
    cls: type[e.ExchangeError] = next((k for codes, k in ERRORS if code in codes), e.OrderRejected)
    kwargs: dict[str, Any] = {"code": code, "venue": c.VENUE}
    if cls is e.OutcomeUnknown:
        kwargs["client_order_id"] = client_order_id
    return cls(msg, **kwargs)


def parse_asset(a: Mapping[str, Any]) -> Balance:
    """An ``assets`` row or ``account`` channel item; ``frozen`` + ``locked`` count as locked."""
    return Balance(
        a["coin"].upper(), dec(a["available"]), dec(a.get("frozen")) + dec(a.get("locked"))
    )


def parse_assets(rows: list[Mapping[str, Any]]) -> dict[str, Balance]:
    return {b.asset: b for b in map(parse_asset, rows)}


def parse_symbol_rules(s: Mapping[str, Any]) -> SymbolRules:
    """``/api/v2/spot/public/symbols`` row: precisions become steps; ``minTradeUSDT`` is the
    minimum notional in USDT."""
    return SymbolRules(
        symbol=s["symbol"],
        base=s["baseCoin"],
        quote=s["quoteCoin"],
        tick_size=step_from_precision(s["pricePrecision"]),
        step_size=step_from_precision(s["quantityPrecision"]),
        min_qty=dec(s.get("minTradeAmount")),
        max_qty=dec(s.get("maxTradeAmount")),
        min_notional=dec(s.get("minTradeUSDT")),
        quote_step=step_from_precision(s["quotePrecision"]),
        trading=s.get("status", "online") == "online",
        raw=s,
    )


def parse_fee_detail(detail: Any) -> tuple[Decimal, str | None]:
    """``feeDetail`` (a JSON string in orderInfo/history, an object in fills) → positive fee."""
    if isinstance(detail, str):
        detail = json.loads(detail) if detail else {}
    if not isinstance(detail, Mapping) or not detail:
        return ZERO, None
    if "feeCoin" in detail:  # fills shape
        return abs(dec(detail.get("totalFee"))), detail["feeCoin"]
    for key, value in detail.items():  # {"<COIN>": {"feeCoinCode", "totalFee"}, "newFees": ...}
        if key != "newFees" and isinstance(value, Mapping):
            return abs(dec(value.get("totalFee"))), value.get("feeCoinCode", key)
    return ZERO, None


def parse_order(o: Mapping[str, Any]) -> OrderResult:
    """orderInfo / history / unfilled row → :class:`OrderResult`. A market BUY's ``size`` is a
    quote amount, so its ``orig_qty`` is reported as the filled base volume instead."""
    side, kind = Side(o["side"].upper()), OrderType(o["orderType"].upper())
    fee, fee_asset = parse_fee_detail(o.get("feeDetail"))
    base = dec(o.get("baseVolume"))
    market_buy = kind is OrderType.MARKET and side is Side.BUY
    price = dec(o.get("price")) or (
        dec(o.get("priceAvg")) if kind is not OrderType.MARKET else ZERO
    )
    return OrderResult(
        symbol=o["symbol"],
        venue_order_id=str(o["orderId"]),
        client_order_id=o.get("clientOid") or "",
        status=STATUSES[o["status"]],
        side=side,
        type=kind,
        orig_qty=base if market_buy else dec(o.get("size")),
        price=price,
        executed_base=base,
        executed_quote=dec(o.get("quoteVolume")),
        fee=fee,
        fee_asset=fee_asset,
        created_at=ms_to_datetime(o.get("cTime")),
        updated_at=ms_to_datetime(o.get("uTime")),
        raw=o,
    )


def parse_fill(t: Mapping[str, Any]) -> Fill:
    """``/api/v2/spot/trade/fills`` row (here ``size`` is base and ``amount`` quote)."""
    fee, fee_asset = parse_fee_detail(t.get("feeDetail"))
    return Fill(
        symbol=t["symbol"],
        trade_id=str(t["tradeId"]),
        venue_order_id=str(t["orderId"]),
        price=dec(t["priceAvg"]),
        qty=dec(t["size"]),
        quote_qty=dec(t["amount"]),
        fee=fee,
        fee_asset=fee_asset,
        is_maker=t.get("tradeScope") == "maker" if t.get("tradeScope") else None,
        side=Side(t["side"].upper()),
        time=ms_to_datetime(t.get("cTime")),
        raw=t,
    )


def parse_order_push(o: Mapping[str, Any]) -> OrderUpdate:
    """``orders`` channel item → :class:`OrderUpdate`; cumulative quote = accBaseVolume × priceAvg."""
    trade_id = o.get("tradeId") or None
    cum_base = dec(o.get("accBaseVolume"))
    return OrderUpdate(
        venue=c.VENUE,
        symbol=o["instId"],
        venue_order_id=str(o["orderId"]),
        client_order_id=o.get("clientOid") or "",
        status=STATUSES[o["status"]],
        side=Side(o["side"].upper()),
        execution_type="TRADE" if trade_id else o["status"].upper(),
        last_qty=dec(o.get("baseVolume")) if trade_id else ZERO,
        last_price=dec(o.get("fillPrice")),
        cum_base=cum_base,
        cum_quote=cum_base * dec(o.get("priceAvg")),
        fee=abs(dec(o.get("fillFee"))),
        fee_asset=o.get("fillFeeCoin") or None,
        trade_id=str(trade_id) if trade_id else None,
        event_time=ms_to_datetime(o.get("uTime")),
        raw=o,
    )


def parse_account_push(rows: list[Mapping[str, Any]], ts: Any = None) -> BalanceUpdate:
    """``account`` channel push → :class:`BalanceUpdate` (absolute balances)."""
    return BalanceUpdate(
        c.VENUE, tuple(map(parse_asset, rows)), ms_to_datetime(ts), raw={"data": rows}
    )

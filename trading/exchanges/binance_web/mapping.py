"""Parsing of Binance web (``bapi``) replies: the ``{code, message, messageDetail, data, success}``
envelope, its error codes mapped onto the error tree (one table), event-contract orders and QR
login statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from trading.exchanges.binance_web import constants as c
from trading.exchanges.errors import (
    ExchangeError,
    InsufficientBalance,
    OpenOrderLimit,
    OrderRejected,
    OutcomeUnknown,
    ProtocolError,
    SessionExpired,
    TemporaryError,
    TermsChanged,
)
from trading.exchanges.http import Response
from trading.exchanges.types import dec, ms_to_datetime

VENUE = "binance_web"


# code → how the caller must react (docs/connectors.md, "Binance web")
_ERRORS: dict[str, type[ExchangeError]] = {
    c.CODE_SESSION_EXPIRED: SessionExpired,
    c.CODE_ACCOUNT_UNAVAILABLE: OrderRejected,
    c.CODE_INSUFFICIENT_BALANCE: InsufficientBalance,
    c.CODE_RETRYABLE_ERRNO: TemporaryError,
    c.CODE_OPEN_ORDER_LIMIT: OpenOrderLimit,
    c.CODE_PAYOUT_CHANGED: TermsChanged,
}


def error_for(code: str, message: str, *, placing: bool = False) -> ExchangeError:
    """The typed error for a failed envelope. ``placing``: the request was an order placement, so
    a server-side "system error" may have executed it (→ ``OutcomeUnknown``)."""
    if code == c.CODE_SYSTEM_ERROR:
        cls: type[ExchangeError] = OutcomeUnknown if placing else TemporaryError
        return cls(message, code=code, venue=VENUE)
    cls = _ERRORS.get(code, OrderRejected if placing else ExchangeError)
    return cls(message, code=code, venue=VENUE)


def unwrap(body: Any, *, placing: bool = False) -> Any:
    """``data`` of a successful envelope; raises the mapped error for ``success: false``."""
    if not isinstance(body, Mapping) or ("success" not in body and "code" not in body):
        raise ProtocolError(f"not a bapi envelope: {str(body)[:200]}", venue=VENUE)
    code = str(body.get("code") or "")
    if body.get("success") is True or (code == c.ENVELOPE_OK_CODE and body.get("success") is None):
        return body.get("data")
    raise error_for(code, refusal_message(body), placing=placing)


def refusal_message(body: Mapping[str, Any]) -> str:
    """The words of a refusal: ``message``; else ``messageDetail`` — an object
    ``{title, type, icon, action, linkTitle, linkUrl}`` on the real venue (its ``title``), a
    string in older replies (docs/connectors.md)."""
    detail = body.get("messageDetail")
    if isinstance(detail, Mapping):
        detail = detail.get("title")
    return str(body.get("message") or detail or "request failed")


def parse_response(response: Response, *, placing: bool = False) -> Any:
    """Decode an HTTP reply (business errors come with HTTP 200) and unwrap its envelope."""
    try:
        body = response.json()
    except ValueError as exc:
        raise ProtocolError(
            f"HTTP {response.status_code}: non-JSON reply {response.text[:200]!r}", venue=VENUE
        ) from exc
    return unwrap(body, placing=placing)


def first_of(row: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    """The value of the first of ``names`` present (undocumented replies vary by version)."""
    for name in names:
        if row.get(name) not in (None, ""):
            return row[name]
    return None


# --- event contracts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventOrderResult:
    """What place-order answered. ``order_id`` is ``None`` when the reply carried no id."""

    order_id: str | None
    raw: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class EventOrder:
    """One open (ongoing) event-contract order."""

    order_id: str
    symbol: str
    direction: str
    time_increment: str
    amount: Decimal
    payout_ratio: Decimal | None
    created_ms: int | None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def created_at(self) -> Any:
        return ms_to_datetime(self.created_ms)


def parse_place_result(data: Any) -> EventOrderResult:
    """``data`` of place-order: an object with an id field, a bare id, or nothing [NF]."""
    if isinstance(data, Mapping):
        oid = first_of(data, c.ORDER_ID_FIELDS)
        return EventOrderResult(str(oid) if oid is not None else None, data)
    if isinstance(data, str | int) and not isinstance(data, bool):
        return EventOrderResult(str(data), data)
    return EventOrderResult(None, data)


def parse_payout_ratios(data: Any) -> dict[tuple[str, str], Decimal]:
    """``[{symbolName, timeIncrements, payoutRatio}]`` → {(symbol, increment): ratio}."""
    out: dict[tuple[str, str], Decimal] = {}
    for row in _rows(data):
        symbol, increment = row.get(c.F_SYMBOL_NAME), row.get(c.F_TIME_INCREMENTS)
        if symbol and increment and row.get(c.F_PAYOUT_RATIO) not in (None, ""):
            out[(str(symbol), str(increment))] = dec(row[c.F_PAYOUT_RATIO], None, venue=VENUE)
    return out


def _rows(data: Any) -> list[Mapping[str, Any]]:
    """A list of rows from ``data`` being a list or a page object with a list inside."""
    if isinstance(data, list):
        return [r for r in data if isinstance(r, Mapping)]
    if isinstance(data, Mapping):
        for name in c.LIST_FIELDS:
            if isinstance(data.get(name), list):
                return _rows(data[name])
        return []
    if data is None:
        return []
    raise ProtocolError(f"expected a list of orders, got {str(data)[:200]}", venue=VENUE)


def parse_event_order(row: Mapping[str, Any]) -> EventOrder:
    oid = first_of(row, c.ORDER_ID_FIELDS)
    if oid is None:
        raise ProtocolError(f"event order without id: {dict(row)}", venue=VENUE)
    created = first_of(row, c.ORDER_TIME_FIELDS)
    ratio = row.get(c.F_PAYOUT_RATIO)
    return EventOrder(
        order_id=str(oid),
        symbol=str(row.get(c.F_SYMBOL_NAME) or row.get("symbol") or ""),
        direction=str(row.get(c.F_DIRECTION) or ""),
        time_increment=str(row.get(c.F_TIME_INCREMENTS) or row.get("timeIncrement") or ""),
        amount=dec(first_of(row, (c.F_ORDER_AMOUNT, "amount")), venue=VENUE),
        payout_ratio=dec(ratio, venue=VENUE) if ratio not in (None, "") else None,
        created_ms=int(created) if created is not None else None,
        raw=row,
    )


def parse_event_orders(data: Any) -> list[EventOrder]:
    return [parse_event_order(r) for r in _rows(data)]


# --- QR login ------------------------------------------------------------------------------------


class QrStatus(StrEnum):
    """Status of a login QR code (v1 server code shows EXPIRED / CONFIRM; NEW / SCAN inferred)."""

    NEW = "NEW"
    SCAN = "SCAN"
    CONFIRM = "CONFIRM"
    EXPIRED = "EXPIRED"


def parse_qr_code(data: Any) -> str:
    """v2 ``{qrCode}`` object or v1 bare string → the code."""
    code = data.get(c.F_QR_CODE) if isinstance(data, Mapping) else data
    if not isinstance(code, str) or not code:
        raise ProtocolError(f"no qrCode in {str(data)[:200]}", venue=VENUE)
    return code


def parse_qr_status(data: Any) -> QrStatus:
    status = data.get(c.F_QR_STATUS) if isinstance(data, Mapping) else data
    try:
        return QrStatus(str(status).upper())
    except ValueError as exc:
        raise ProtocolError(f"unknown QR status {status!r}", venue=VENUE) from exc

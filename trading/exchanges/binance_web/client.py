"""Binance web event contracts (事件合约, binary up/down; docs/protocols.md §5) for one web session.

Exactly-once: :meth:`EventContractClient.place_event_order` sends ONCE. Event contracts have no
client order id, so when the reply is lost (timeout, 5xx, dropped connection) it raises
``OutcomeUnknown`` and the caller (the desktop client) resolves it with
:meth:`EventContractClient.find_matching_open_order` — this connector never re-sends.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from trading.exchanges.binance_web import constants as c
from trading.exchanges.binance_web import mapping
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.constants import Direction, TimeIncrement
from trading.exchanges.binance_web.mapping import EventOrder, EventOrderResult
from trading.exchanges.binance_web.rest import WebRest
from trading.exchanges.environments import Env
from trading.exchanges.http import Sender

# How far before our send time an order's server-side creation time may appear (clock skew).
MATCH_CLOCK_TOLERANCE = timedelta(seconds=5)


def decimal_str(value: Decimal) -> str:
    """``Decimal("5.00")`` → ``"5"``: plain notation, no exponent, no trailing zeros."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def event_order_body(
    symbol: str, direction: str, time_increment: str, amount: Decimal, payout_ratio: Decimal
) -> dict[str, Any]:
    """The place-order JSON body (amounts as strings, as the web page sends them)."""
    if amount <= 0:
        raise ValueError("amount must be positive")
    return {
        c.F_ORDER_AMOUNT: decimal_str(amount),
        c.F_TIME_INCREMENTS: TimeIncrement(time_increment).value,
        c.F_SYMBOL_NAME: symbol,
        c.F_PAYOUT_RATIO: decimal_str(payout_ratio),
        c.F_DIRECTION: Direction(direction).value,
        c.F_WALLET_TYPE: c.EVENT_WALLET_TYPE,
    }


def matches(
    order: EventOrder,
    symbol: str,
    direction: str,
    time_increment: str,
    amount: Decimal,
    placed_after: datetime | None,
) -> bool:
    """Whether an open order is the one we tried to place (same terms, created after our send)."""
    if (order.symbol, order.direction, order.time_increment) != (
        symbol,
        str(direction),
        str(time_increment),
    ):
        return False
    if order.amount != amount:
        return False
    if placed_after is None or order.created_at is None:
        return True
    return bool(order.created_at >= placed_after - MATCH_CLOCK_TOLERANCE)


class EventContractClient:
    """Place and list event-contract orders with one :class:`WebSession`."""

    def __init__(
        self,
        session: WebSession,
        *,
        env: Env | str = Env.PROD,
        base_url: str | None = None,
        transport: Sender | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.rest = WebRest(
            session, env=env, base_url=base_url, transport=transport, timeout=timeout
        )

    async def close(self) -> None:
        await self.rest.close()

    async def __aenter__(self) -> EventContractClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def place_event_order(
        self,
        symbol: str,
        direction: Direction | str,
        time_increment: TimeIncrement | str,
        amount: Decimal,
        payout_ratio: Decimal,
    ) -> EventOrderResult:
        """Place one up/down order, ONCE. The venue answers ``data: {}`` (no order id): the result's
        ``order_id`` is then ``None`` and :meth:`find_matching_open_order` tells it. Raises
        ``OutcomeUnknown`` when the reply is lost (then call :meth:`find_matching_open_order`),
        ``SessionExpired``, ``OpenOrderLimit`` (93420018: the account's open contracts are at the
        venue's limit), ``TermsChanged`` (93420010: ``payout_ratio`` is not the current offer —
        read :meth:`payout_ratio` again), ``OrderRejected``."""
        body = event_order_body(symbol, direction, time_increment, amount, payout_ratio)
        response = await self.rest.post_raw(c.EVENT_PLACE_ORDER_V2, body)
        if response.status_code == 404:
            # The v2 route is gone (nothing executed on a 404): use the older v1 path.
            response = await self.rest.post_raw(c.EVENT_PLACE_ORDER_V1, body)
        data = mapping.parse_response(response, placing=True)
        return mapping.parse_place_result(data)

    async def payout_ratios(self) -> dict[tuple[str, str], Decimal]:
        """The payout ratio the venue offers now, per (symbol, time increment). It changes
        without notice; a placement must send the current one (else 93420010)."""
        data = await self.rest.get(c.EVENT_PAYOUT_RATIOS)
        return mapping.parse_payout_ratios(data)

    async def payout_ratio(
        self, symbol: str, time_increment: TimeIncrement | str
    ) -> Decimal | None:
        """The current offer for ``symbol`` and ``time_increment``; ``None`` when the venue offers
        none for it."""
        offers = await self.payout_ratios()
        return offers.get((symbol, TimeIncrement(time_increment).value))

    async def open_orders(self, *, rows: int = c.ONGOING_PAGE_SIZE) -> list[EventOrder]:
        """Ongoing (unsettled) orders, first page of ``rows``."""
        data = await self.rest.get(c.EVENT_ONGOING_ORDERS, {"page": 1, "rows": rows})
        return mapping.parse_event_orders(data)

    async def find_matching_open_order(
        self,
        symbol: str,
        direction: Direction | str,
        time_increment: TimeIncrement | str,
        amount: Decimal,
        *,
        placed_after: datetime | None = None,
        exclude_ids: Collection[str] = (),
    ) -> EventOrder | None:
        """After ``OutcomeUnknown``: the open order with these terms created since
        ``placed_after`` that is not one of ``exclude_ids`` (orders the caller already owns), or
        ``None`` if there is none — the caller decides whether it is safe to place again."""
        for order in await self.open_orders():
            if order.order_id in exclude_ids:
                continue
            if matches(order, symbol, direction, time_increment, amount, placed_after):
                return order
        return None

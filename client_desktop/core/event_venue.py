"""The trader's Binance event-contract connector on a private loop, for thread code.

One :class:`EventVenue` per :class:`~client_desktop.core.autotrader.AutoTrader`: it owns the
:class:`~trading.exchanges.loop.LoopThread` and the :class:`EventContractClient` created on it
(rebuilt when the web login changes), and offers the connector's calls as blocking, typed
methods — exceptions propagate unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from decimal import Decimal

from client_desktop.core.journal import Entry
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.client import EventContractClient
from trading.exchanges.binance_web.mapping import EventOrder, EventOrderResult
from trading.exchanges.environments import Env
from trading.exchanges.loop import LoopThread

log = logging.getLogger("fleet.client.autotrader")


class EventVenue:
    """Blocking calls on one trader's event-contract client."""

    def __init__(
        self, name: str, *, env: Env | str, base_url: str | None, timeout_s: float
    ) -> None:
        self.env = env
        self.base_url = base_url
        self.timeout_s = timeout_s
        self._runner = LoopThread(name)
        self._client: EventContractClient | None = None
        self._client_for: str | None = None

    def payout_ratio(self, web: WebSession, symbol: str, increment: str) -> Decimal | None:
        return self._call(web, lambda c: c.payout_ratio(symbol, increment))

    def place(self, web: WebSession, order: Entry, ratio: Decimal) -> EventOrderResult:
        """Send ``order`` (its terms and amount) once, with payout ``ratio``."""
        return self._call(
            web,
            lambda c: c.place_event_order(
                order.symbol, order.direction, order.time_increment, order.amount, ratio
            ),
        )

    def open_orders(self, web: WebSession) -> list[EventOrder]:
        return self._call(web, lambda c: c.open_orders())

    def find_open_order(
        self, web: WebSession, order: Entry, placed_after: datetime, exclude_ids: Collection[str]
    ) -> EventOrder | None:
        """The open order with ``order``'s terms and amount created since ``placed_after`` that
        is none of ``exclude_ids``."""
        return self._call(
            web,
            lambda c: c.find_matching_open_order(
                order.symbol,
                order.direction,
                order.time_increment,
                order.amount,
                placed_after=placed_after,
                exclude_ids=exclude_ids,
            ),
        )

    def close(self) -> None:
        """Close the client, then the loop."""
        client, self._client, self._client_for = self._client, None, None
        if client is not None:
            try:
                self._runner.call(client.close, timeout=5)
            except Exception:
                log.debug("closing the event-contract client failed", exc_info=True)
        self._runner.close()

    def _call[T](self, web: WebSession, call: Callable[[EventContractClient], Awaitable[T]]) -> T:
        return self._runner.call(self._on_client, web, call, timeout=self.timeout_s + 5)

    async def _on_client[T](
        self, web: WebSession, call: Callable[[EventContractClient], Awaitable[T]]
    ) -> T:
        if self._client is None or self._client_for != web.p20t:
            if self._client is not None:
                await self._client.close()
            self._client = EventContractClient(
                web, env=self.env, base_url=self.base_url, timeout=self.timeout_s
            )
            self._client_for = web.p20t
        return await call(self._client)

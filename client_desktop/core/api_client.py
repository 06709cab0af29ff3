"""The trader's server API (``/api/v1``) as plain synchronous calls on the one HTTP client
(:mod:`client_desktop.core.server_http`: session, token, timeouts, typed errors); run them off the
GUI thread. The Alpha, futures, signals and notification calls are facades on an :class:`ApiClient`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from client_desktop.core import routes
from client_desktop.core.amounts import AmountSettings
from client_desktop.core.clock import ServerClock
from client_desktop.core.server_http import DEFAULT_SERVER, ServerHttp, dec


@dataclass(frozen=True)
class PulledOrder:
    """One event order as the pull API delivers it."""

    id: int
    symbol: str
    direction: str
    time_increment: str
    payout_ratio: Decimal
    amount: Decimal | None
    created_at: str
    valid_until: str
    delivery_id: str = ""  # "<order>-<trader>": acknowledge it on the next pull

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> PulledOrder:
        amount = row.get("amount")
        return cls(
            id=int(row["id"]),
            symbol=str(row["symbol"]),
            direction=str(row["direction"]),
            time_increment=str(row["time_increment"]),
            payout_ratio=Decimal(str(row.get("payout_ratio") or "0.80")),
            amount=dec(amount),
            created_at=str(row["created_at"]),
            valid_until=str(row["valid_until"]),
            delivery_id=str(row.get("delivery_id") or ""),
        )


class ApiClient(ServerHttp):
    """The trader's calls on one server with one login token (``login`` sets it); the
    server's clock is corrected from every reply's ``server_time``."""

    def __init__(
        self,
        server: str = DEFAULT_SERVER,
        *,
        clock: ServerClock | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.clock = clock or ServerClock()
        super().__init__(server, timeout=timeout, transport=transport, clock=self.clock)

    def login(self, username: str, password: str, device_id: str) -> dict[str, Any]:
        body = {"username": username, "password": password, "device_id": device_id}
        data = self.request("POST", routes.TRADER_LOGIN, body)
        self.token = str(data["token"])
        return dict(data)

    def logout(self) -> None:
        try:
            self.request("POST", routes.TRADER_LOGOUT)
        finally:
            self.token = None

    def me(self) -> dict[str, Any]:
        return dict(self.request("GET", routes.TRADER_ME))

    def pull(self, acks: Collection[str] = ()) -> list[PulledOrder]:
        """The event orders this client has not acknowledged yet. ``acks``: delivery ids the
        journal holds — the server never hands them out again. An order whose pull reply was
        lost comes again (same delivery id) until it is acknowledged or expires."""
        params = {"ack": ",".join(sorted(acks))} if acks else None
        data = self.request("GET", routes.ORDERS_PULL, params=params)
        return [PulledOrder.from_json(row) for row in data.get("orders") or []]

    def report(self, order_id: int, report: Mapping[str, Any]) -> Any:
        """Report one execution outcome (idempotent on the server: safe to repeat)."""
        return self.request("POST", routes.ORDER_EXECUTIONS.format(order_id=order_id), dict(report))

    def amount_settings(self) -> AmountSettings:
        """The trader's saved order amount and the range the server allows now (an admin knob)."""
        return AmountSettings.from_json(self.request("GET", routes.ORDER_AMOUNT))

    def set_amount(self, amount: Decimal) -> Any:
        """Save the trader's order amount on the server. Outside the allowed range the server
        refuses with ``amount_out_of_range`` and detail ``{min, max}`` (the current range)."""
        return self.request("PUT", routes.ORDER_AMOUNT, {"order_amount": str(amount)})

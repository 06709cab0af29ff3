"""The Fleet server's client API (``/api/v1``) as plain synchronous calls (run them off the GUI
thread). Refusals arrive as ``{code, message, detail}`` and become :class:`ApiError`; the codes that
end the login session become :class:`SessionEnded` so every caller reacts the same way.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import httpx

from client_desktop.core.amounts import AmountSettings
from client_desktop.core.clock import ServerClock, parse_time

DEFAULT_SERVER: Final = "http://127.0.0.1:8000"
LOGIN: Final = "/api/v1/auth/login"
LOGOUT: Final = "/api/v1/auth/logout"
ME: Final = "/api/v1/auth/me"
PULL: Final = "/api/v1/event-orders/pull"
EXECUTIONS: Final = "/api/v1/event-orders/{order_id}/executions"
AMOUNT: Final = "/api/v1/event-orders/settings"

# Refusals after which the login session is over: stop trading, back to the login window.
SESSION_ENDING: Final = frozenset(
    {"session_expired", "invalid_token", "account_expired", "account_disabled", "not_authenticated"}
)


class ApiError(Exception):
    """The server refused a request (``code`` is machine-readable; ``message`` is for people)."""

    def __init__(self, code: str, message: str = "", status: int = 0, detail: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status, self.detail = code, message, status, detail


class NetworkError(ApiError):
    """The server could not be reached (or answered with a gateway/5xx error): retry later."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__("network" if status == 0 else "server", message, status)


class SessionEnded(ApiError):
    """The login session is over (24 h passed, token revoked, account expired or disabled)."""


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
            amount=Decimal(str(amount)) if amount not in (None, "") else None,
            created_at=str(row["created_at"]),
            valid_until=str(row["valid_until"]),
            delivery_id=str(row.get("delivery_id") or ""),
        )


def refusal_of(response: httpx.Response) -> ApiError:
    """The typed error for a non-2xx reply."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, Mapping):
        body = {}
    code = str(body.get("code") or "")
    message = str(body.get("message") or body.get("detail") or response.reason_phrase)
    if response.status_code >= 500 or not code:
        if response.status_code >= 500:
            return NetworkError(message, response.status_code)
        code = "validation" if response.status_code == 400 else f"http_{response.status_code}"
    cls = SessionEnded if code in SESSION_ENDING else ApiError
    return cls(code, message, response.status_code, body.get("detail"))


class ApiClient:
    """One server, one (optional) login token. Thread-safe enough for one worker at a time."""

    def __init__(
        self,
        server: str = DEFAULT_SERVER,
        *,
        clock: ServerClock | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.server = server.rstrip("/")
        self.clock = clock or ServerClock()
        self.token: str | None = None
        self._http = httpx.Client(base_url=self.server, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def request(
        self, method: str, path: str, body: Any = None, params: Mapping[str, str] | None = None
    ) -> Any:
        """Send one request; return the decoded JSON (``None`` for 204); raise typed errors."""
        headers = {"Authorization": f"Token {self.token}"} if self.token else {}
        sent = self.clock.wall()
        try:
            response = self._http.request(method, path, json=body, headers=headers, params=params)
        except httpx.HTTPError as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            raise refusal_of(response)
        data = response.json() if response.content else None
        self._observe_time(data, sent)
        return data

    def _observe_time(self, data: Any, sent: float) -> None:
        if isinstance(data, Mapping) and isinstance(data.get("server_time"), str):
            self.clock.observe(parse_time(data["server_time"]), sent, self.clock.wall())

    def login(self, username: str, password: str, device_id: str) -> dict[str, Any]:
        body = {"username": username, "password": password, "device_id": device_id}
        data = self.request("POST", LOGIN, body)
        self.token = str(data["token"])
        return dict(data)

    def logout(self) -> None:
        try:
            self.request("POST", LOGOUT)
        finally:
            self.token = None

    def me(self) -> dict[str, Any]:
        return dict(self.request("GET", ME))

    def pull(self, acks: Collection[str] = ()) -> list[PulledOrder]:
        """The event orders this client has not acknowledged yet. ``acks``: delivery ids the
        journal holds — the server never hands them out again. An order whose pull reply was
        lost comes again (same delivery id) until it is acknowledged or expires."""
        params = {"ack": ",".join(sorted(acks))} if acks else None
        data = self.request("GET", PULL, params=params)
        return [PulledOrder.from_json(row) for row in data.get("orders") or []]

    def report(self, order_id: int, report: Mapping[str, Any]) -> Any:
        """Report one execution outcome (idempotent on the server: safe to repeat)."""
        return self.request("POST", EXECUTIONS.format(order_id=order_id), dict(report))

    def amount_settings(self) -> AmountSettings:
        """The trader's saved order amount and the range the server allows now (an admin knob)."""
        return AmountSettings.from_json(self.request("GET", AMOUNT))

    def set_amount(self, amount: Decimal) -> Any:
        """Save the trader's order amount on the server. Outside the allowed range the server
        refuses with ``amount_out_of_range`` and detail ``{min, max}`` (the current range)."""
        return self.request("PUT", AMOUNT, {"order_amount": str(amount)})


def monotonic() -> float:
    return time.monotonic()

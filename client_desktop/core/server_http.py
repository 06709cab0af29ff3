"""The one HTTP client the desktop client talks to the Fleet server with (``/api/v1``).

Every product's calls go through :class:`ServerHttp`: one connection pool, the login token as an
``Authorization`` header, one timeout, and one error mapping — refusals arrive as
``{code, message, detail}`` and become :class:`ApiError`; the codes that end the login session
become :class:`SessionEnded` so every caller reacts the same way; an unreachable server or a 5xx
becomes :class:`NetworkError` (retry later). The per-product calls are thin layers on it:
:class:`~client_desktop.core.api_client.ApiClient` (the trader: login, pull, report, …, and the
Alpha / futures / signals / notification facades built on it) and
:class:`~client_desktop.core.copytrade_api.CopyTradeApi` (the copy-trading operator).
Blocking calls: run them off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import httpx

from client_desktop.core.clock import ServerClock, parse_time

DEFAULT_SERVER: Final = "http://127.0.0.1:8000"

# Refusals after which the login session is over: stop trading, back to the login window.
SESSION_ENDING: Final = frozenset(
    {"session_expired", "invalid_token", "account_expired", "account_disabled", "not_authenticated"}
)


def dec(value: Any) -> Decimal | None:
    """A decimal from a reply (money arrives as decimal strings) as ``Decimal``; ``None`` for
    null or ""."""
    return None if value in (None, "") else Decimal(str(value))


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


class ServerHttp:
    """One server, one (optional) login token. One call at a time per instance.

    ``clock``: when given, every reply's ``server_time`` corrects it (the trader judges order
    validity by the server's clock)."""

    def __init__(
        self,
        server: str = DEFAULT_SERVER,
        *,
        token: str | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        clock: ServerClock | None = None,
    ) -> None:
        self.server = server.rstrip("/")
        self.token = token
        self._clock = clock
        self._http = httpx.Client(base_url=self.server, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def request(
        self, method: str, path: str, body: Any = None, params: Mapping[str, str] | None = None
    ) -> Any:
        """Send one request; return the decoded JSON (``None`` for 204); raise typed errors."""
        headers = {"Authorization": f"Token {self.token}"} if self.token else {}
        sent = self._clock.wall() if self._clock is not None else 0.0
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
        clock = self._clock
        if clock is not None and isinstance(data, Mapping):
            if isinstance(data.get("server_time"), str):
                clock.observe(parse_time(data["server_time"]), sent, clock.wall())

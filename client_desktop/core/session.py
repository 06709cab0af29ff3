"""The trader's login session: token, trader profile, 24 h expiry, and why it ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from client_desktop.core.api_client import ApiClient
from client_desktop.core.clock import parse_time
from client_desktop.core.server_http import ApiError, SessionEnded


@dataclass
class Trader:
    """The logged-in trader as the server describes it."""

    id: int
    username: str
    display_name: str
    order_amount: Decimal
    language: str = "zh"
    expires_at: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trader:
        return cls(
            id=int(data["id"]),
            username=str(data["username"]),
            display_name=str(data.get("display_name") or data["username"]),
            order_amount=Decimal(str(data.get("order_amount") or "10")),
            language=str(data.get("language") or "zh"),
            expires_at=str(data.get("expires_at") or ""),
        )


@dataclass
class Session:
    """A live login. ``expires_at`` is in server time (24 h after login)."""

    token: str
    expires_at: datetime
    trader: Trader
    ended_reason: str | None = field(default=None)

    def seconds_left(self, server_now: datetime) -> float:
        return (self.expires_at - server_now).total_seconds()

    def is_over(self, server_now: datetime) -> bool:
        return self.ended_reason is not None or self.seconds_left(server_now) <= 0

    def end(self, reason: str) -> None:
        """Mark the session over (first reason wins: it is the one the trader sees)."""
        if self.ended_reason is None:
            self.ended_reason = reason


def login(api: ApiClient, username: str, password: str, device_id: str) -> Session:
    """Log in; raises :class:`ApiError` with the server's refusal code."""
    data = api.login(username, password, device_id)
    return Session(
        token=str(data["token"]),
        expires_at=parse_time(str(data["expires_at"])),
        trader=Trader.from_json(data["trader"]),
    )


def check(api: ApiClient, session: Session) -> Session:
    """Ask the server whether the session is still good (``/me``); ends it if not."""
    try:
        data = api.me()
    except SessionEnded as exc:
        session.end(exc.code)
        raise
    session.trader = Trader.from_json(data)
    if data.get("session_expires_at"):
        session.expires_at = parse_time(str(data["session_expires_at"]))
    return session


def ending_reason(exc: Exception) -> str | None:
    """The session-ending code carried by ``exc``, if it is one."""
    return exc.code if isinstance(exc, SessionEnded) else None


__all__ = ["ApiError", "Session", "SessionEnded", "Trader", "check", "ending_reason", "login"]

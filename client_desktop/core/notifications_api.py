"""The notifications part of the server API for the desktop client (Qt-free, blocking: run the
calls off the GUI thread): the trader's notifications and unread count, marking them read, the
trader's own channels (robots / bots) and their test message, and the binding report that lets
the server warn before the Binance binding lapses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from client_desktop.core import routes
from client_desktop.core.api_client import ApiClient
from client_desktop.core.clock import parse_time

CHANNEL_KINDS: Final = ("dingtalk", "wecom", "feishu", "telegram", "webhook")


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    severity: str  # info | warning | critical
    title: str
    body: str
    created_at: datetime
    read: bool

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> NotificationItem:
        return cls(
            id=int(row["id"]),
            kind=str(row["kind"]),
            severity=str(row["severity"]),
            title=str(row["title"]),
            body=str(row.get("body") or ""),
            created_at=parse_time(str(row["created_at"])),
            read=row.get("read_at") is not None,
        )


@dataclass(frozen=True)
class NotificationPage:
    unread: int
    items: list[NotificationItem]


@dataclass(frozen=True)
class ChannelInfo:
    id: int
    kind: str
    name: str
    url_masked: str
    is_enabled: bool
    is_broken: bool
    last_error: str
    min_severity: str

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> ChannelInfo:
        return cls(
            id=int(row["id"]),
            kind=str(row["kind"]),
            name=str(row["name"]),
            url_masked=str(row.get("url_masked") or ""),
            is_enabled=bool(row.get("is_enabled", True)),
            is_broken=bool(row.get("is_broken")),
            last_error=str(row.get("last_error") or ""),
            min_severity=str(row.get("min_severity") or "warning"),
        )


@dataclass(frozen=True)
class TestResult:
    ok: bool
    http_status: int | None
    code: str
    error: str


class NotificationsApi:
    """The calls, on the logged-in trader's :class:`ApiClient`."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def page(self, *, unread_only: bool = False, limit: int = 50) -> NotificationPage:
        query = f"?limit={int(limit)}" + ("&unread=1" if unread_only else "")
        data = self.api.request("GET", routes.NOTIFICATIONS + query)
        items = [NotificationItem.from_json(r) for r in data.get("items") or []]
        return NotificationPage(int(data.get("unread") or 0), items)

    def unread(self) -> int:
        return int(self.api.request("GET", routes.NOTIFICATIONS_UNREAD).get("unread") or 0)

    def mark_read(self, ids: list[int] | None = None) -> int:
        """Mark ``ids`` (every unread one when ``None``) read; returns the unread count left."""
        data = self.api.request(
            "POST", routes.NOTIFICATIONS_READ, {"ids": ids} if ids is not None else {}
        )
        return int(data.get("unread") or 0)

    def channels(self) -> list[ChannelInfo]:
        return [ChannelInfo.from_json(r) for r in self.api.request("GET", routes.CHANNELS) or []]

    def channel_create(self, **fields: Any) -> ChannelInfo:
        return ChannelInfo.from_json(self.api.request("POST", routes.CHANNELS, fields))

    def channel_test(self, channel_id: int) -> TestResult:
        data = self.api.request("POST", routes.CHANNEL_TEST.format(pk=int(channel_id)))
        return TestResult(
            bool(data.get("ok")),
            data.get("http_status"),
            str(data.get("code") or ""),
            str(data.get("error") or ""),
        )

    def report_binding(self, *, bound: bool, expires_at: datetime | None) -> None:
        body = {"bound": bound, "expires_at": expires_at.isoformat() if expires_at else None}
        self.api.request("PUT", routes.ORDER_BINDING, body)

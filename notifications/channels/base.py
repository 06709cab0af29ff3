"""Values shared by the channel modules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    """Where and how to send: the channel's URL (robot webhook, or Telegram's API base), its
    signing secret (Telegram: the bot token) and, for Telegram, the chat id."""

    kind: str
    url: str
    secret: str = ""
    chat_id: str = ""


@dataclass(frozen=True)
class Message:
    """What a person reads: a title and a body, already rendered in the channel's language.
    ``meta`` carries the machine fields the generic webhook forwards (kind, key, severity, …)."""

    title: str
    body: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}".strip()


@dataclass(frozen=True)
class OutboundRequest:
    """One HTTP POST exactly as it goes on the wire."""

    url: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Verdict:
    """How a platform's reply is read. ``outcome``: ok | retryable | permanent. ``code`` is the
    platform's own error code (HTTP status when it has none); ``retry_after`` its requested wait."""

    outcome: str
    code: str = ""
    error: str = ""
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


@dataclass(frozen=True)
class RateLimit:
    """A platform's published limit for one robot / chat: ``count`` messages per ``window_s``."""

    count: int
    window_s: float


def json_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def parse_json(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body or b"null")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def by_http_status(status: int, body: bytes) -> Verdict | None:
    """The verdict HTTP alone gives: 5xx / 429 retry, other 4xx give up, 2xx → ``None`` (the
    platform's JSON decides)."""
    excerpt = body[:300].decode(errors="replace")
    if status == 429 or status >= 500:
        return Verdict("retryable", str(status), f"HTTP {status}: {excerpt}")
    if status >= 400 or status < 200:
        return Verdict("permanent", str(status), f"HTTP {status}: {excerpt}")
    return None

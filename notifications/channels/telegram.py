"""Telegram bot ``sendMessage``: POST JSON ``{"chat_id", "text"}`` to
``<api base>/bot<token>/sendMessage`` (api base ``https://api.telegram.org`` unless the channel
names another, e.g. a local Bot API server). Reply ``{"ok": true, "result": {…}}`` or
``{"ok": false, "error_code", "description", "parameters": {"retry_after"}}``. Limits: about
20 messages per minute to one group, 1 per second to one chat. See docs/notifications.md#telegram.
"""

from __future__ import annotations

from notifications.channels.base import (
    Message,
    OutboundRequest,
    RateLimit,
    Target,
    Verdict,
    json_body,
    parse_json,
)

DEFAULT_API_BASE = "https://api.telegram.org"
LIMITS = (RateLimit(20, 60.0), RateLimit(1, 1.0))
MAX_CHARS = 4096  # text: 1-4096 characters after entities parsing


def endpoint(target: Target) -> str:
    base = (target.url or DEFAULT_API_BASE).rstrip("/")
    return f"{base}/bot{target.secret}/sendMessage"


def build(target: Target, message: Message, now: float) -> OutboundRequest:
    chat: int | str = (
        int(target.chat_id) if target.chat_id.lstrip("-").isdigit() else target.chat_id
    )
    payload = {
        "chat_id": chat,
        "text": message.text[:MAX_CHARS],
        "disable_web_page_preview": True,
    }
    return OutboundRequest(
        endpoint(target), json_body(payload), {"Content-Type": "application/json"}
    )


def classify(status: int, body: bytes) -> Verdict:
    reply = parse_json(body) or {}
    if 200 <= status < 300 and reply.get("ok") is True:
        return Verdict("ok")
    code = str(reply.get("error_code", status))
    error = str(reply.get("description", body[:300].decode(errors="replace")))
    retry_after = (reply.get("parameters") or {}).get("retry_after")
    if status == 429 or status >= 500:
        wait = float(retry_after) if isinstance(retry_after, int | float) else None
        return Verdict("retryable", code, error, wait)
    return Verdict("permanent", code, error)

"""WeCom group robot (企业微信群机器人). POST JSON to the robot's webhook URL
(``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…``); the key in the URL is the only
credential (no signing). Reply: ``{"errcode": 0, "errmsg": "ok"}``. Limit: 20 messages per
minute per robot. See docs/notifications.md#wecom.
"""

from __future__ import annotations

from notifications.channels.base import (
    Message,
    OutboundRequest,
    RateLimit,
    Target,
    Verdict,
    by_http_status,
    json_body,
    parse_json,
)

LIMITS = (RateLimit(20, 60.0),)
# 45009: API frequency over the limit; -1: system busy.
RETRYABLE_CODES = frozenset({"45009", "-1"})
MAX_BYTES = 2048  # text.content is at most 2048 bytes (UTF-8)


def _clip(text: str) -> str:
    raw = text.encode()
    if len(raw) <= MAX_BYTES:
        return text
    return raw[: MAX_BYTES - 3].decode(errors="ignore") + "…"


def build(target: Target, message: Message, now: float) -> OutboundRequest:
    payload = {"msgtype": "text", "text": {"content": _clip(message.text)}}
    return OutboundRequest(target.url, json_body(payload), {"Content-Type": "application/json"})


def classify(status: int, body: bytes) -> Verdict:
    by_status = by_http_status(status, body)
    if by_status is not None:
        return by_status
    reply = parse_json(body)
    if reply is None or "errcode" not in reply:
        return Verdict("permanent", "", f"unexpected reply: {body[:200]!r}")
    code = str(reply.get("errcode"))
    if code == "0":
        return Verdict("ok")
    outcome = "retryable" if code in RETRYABLE_CODES else "permanent"
    return Verdict(outcome, code, str(reply.get("errmsg", "")))

"""Feishu / Lark custom bot (飞书自定义机器人). POST JSON to
``https://open.feishu.cn/open-apis/bot/v2/hook/<id>`` (Lark: ``open.larksuite.com``). With
"签名校验" on, the JSON carries ``timestamp`` (seconds, as a string) and ``sign`` =
base64(HmacSHA256(key=f"{timestamp}\\n{secret}", msg=b"")) — the string is the KEY and the
message is empty, unlike DingTalk. Reply: ``{"code": 0, "msg": "success", …}`` (older bots:
``StatusCode``). Limits: 100 per minute and 5 per second per bot. See docs/notifications.md#feishu.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

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

LIMITS = (RateLimit(100, 60.0), RateLimit(5, 1.0))
# 11232: frequency limited; 99991400: request trigger frequency limit (open platform rate limit).
RETRYABLE_CODES = frozenset({"11232", "99991400"})


def sign(timestamp_s: int, secret: str) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def build(target: Target, message: Message, now: float) -> OutboundRequest:
    payload: dict[str, Any] = {}
    if target.secret:
        ts = int(now)
        payload.update(timestamp=str(ts), sign=sign(ts, target.secret))
    payload.update(msg_type="text", content={"text": message.text})
    return OutboundRequest(target.url, json_body(payload), {"Content-Type": "application/json"})


def classify(status: int, body: bytes) -> Verdict:
    by_status = by_http_status(status, body)
    if by_status is not None:
        return by_status
    reply = parse_json(body)
    if reply is None:
        return Verdict("permanent", "", f"unexpected reply: {body[:200]!r}")
    code = str(reply.get("code", reply.get("StatusCode", "")))
    if code == "0":
        return Verdict("ok")
    outcome = "retryable" if code in RETRYABLE_CODES else "permanent"
    return Verdict(outcome, code, str(reply.get("msg", reply.get("StatusMessage", ""))))

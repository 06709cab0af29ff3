"""DingTalk custom robot (钉钉自定义机器人). POST JSON to the robot's webhook URL
(``https://oapi.dingtalk.com/robot/send?access_token=…``); in the "加签" security mode the URL
also carries ``timestamp`` (ms) and ``sign`` = urlencode(base64(HmacSHA256(key=secret,
msg=f"{timestamp}\\n{secret}"))). The reply is HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``
on success and a non-zero ``errcode`` otherwise. Limit: 20 messages per minute per robot.
See docs/notifications.md#dingtalk.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

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
# errcode 130101: "send too fast, exceed 20 times per minute" — the robot is throttled for a while.
RETRYABLE_CODES = frozenset({"130101", "-1"})


def sign(timestamp_ms: int, secret: str) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def build(target: Target, message: Message, now: float) -> OutboundRequest:
    url = target.url
    if target.secret:
        ts = int(now * 1000)
        url += ("&" if "?" in url else "?") + f"timestamp={ts}&sign={sign(ts, target.secret)}"
    payload = {"msgtype": "text", "text": {"content": message.text}}
    return OutboundRequest(url, json_body(payload), {"Content-Type": "application/json"})


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

"""Generic JSON webhook: POST ``{"kind", "key", "severity", "title", "body", …}`` to the channel's
URL, signed when the channel has a secret: ``X-Fleet-Timestamp: <unix seconds>`` and
``X-Fleet-Signature: sha256=<hex HMAC-SHA256(key=secret, msg=f"{timestamp}.{raw body}")>`` —
the receiver recomputes it over the raw body and rejects old timestamps (replay). Any 2xx is
success; 5xx / 429 are retried, other 4xx are not. See docs/notifications.md#webhook.
"""

from __future__ import annotations

import hashlib
import hmac

from notifications.channels.base import (
    Message,
    OutboundRequest,
    RateLimit,
    Target,
    Verdict,
    by_http_status,
    json_body,
)

LIMITS = (RateLimit(60, 60.0),)  # our own pace: a receiver publishes none
TIMESTAMP_HEADER = "X-Fleet-Timestamp"
SIGNATURE_HEADER = "X-Fleet-Signature"


def signature(secret: str, timestamp_s: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp_s).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def build(target: Target, message: Message, now: float) -> OutboundRequest:
    body = json_body({**message.meta, "title": message.title, "body": message.body})
    headers = {"Content-Type": "application/json", "User-Agent": "Fleet-Notifications/1"}
    if target.secret:
        ts = int(now)
        headers[TIMESTAMP_HEADER] = str(ts)
        headers[SIGNATURE_HEADER] = signature(target.secret, ts, body)
    return OutboundRequest(target.url, body, headers)


def classify(status: int, body: bytes) -> Verdict:
    return by_http_status(status, body) or Verdict("ok")

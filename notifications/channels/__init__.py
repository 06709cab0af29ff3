"""Outbound channels: one module per platform, each a pure ``build(target, message, now)`` → the
exact HTTP request, and ``classify(status, body)`` → what the reply means (ok / retry / give up).
No Django here, so the request a platform receives is testable without a database and the
``notify_test`` command uses the very same code. Platform facts (formats, signing, limits) with
links: docs/notifications.md.
"""

from notifications.channels.base import (
    Message,
    OutboundRequest,
    RateLimit,
    Target,
    Verdict,
)
from notifications.channels.registry import PLATFORMS, Platform, platform

__all__ = [
    "PLATFORMS",
    "Message",
    "OutboundRequest",
    "Platform",
    "RateLimit",
    "Target",
    "Verdict",
    "platform",
]

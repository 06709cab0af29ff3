"""The ``rate_limit`` fault's state machine: 429 + Retry-After, then 418 for a client ignoring it.

Keyed per account (API key, or the client address for anonymous calls). Uses a monotonic clock, not
``world.clock_ms``, so a pinned venue clock does not freeze the ban.
"""

from __future__ import annotations

import math
import time

from exchange_sim.faults import Faults


class Throttle:
    """Remembers, per key, until when a client must wait and whether it is banned."""

    def __init__(self) -> None:
        self._retry_until: dict[str, tuple[float, float]] = {}
        self._banned_until: dict[str, float] = {}

    def check(self, faults: Faults, key: str) -> tuple[int, int] | None:
        """``(status, retry_after_seconds)`` to refuse this request with, or None to serve it."""
        idle = not self._banned_until and not self._retry_until
        if idle and faults.peek("rate_limit", key) is None:
            return None
        now = time.monotonic()
        banned = self._banned_until.get(key, 0.0)
        if now < banned:
            return 418, math.ceil(banned - now)
        waiting = self._retry_until.get(key)
        if waiting and now < waiting[0]:
            self._banned_until[key] = now + waiting[1]
            return 418, math.ceil(waiting[1])
        fault = faults.take("rate_limit", key)
        if fault is None:
            return None
        retry_after = float(fault.params.get("retry_after", 1))
        ban_seconds = float(fault.params.get("ban_seconds", 5))
        self._retry_until[key] = (now + retry_after, ban_seconds)
        return 429, math.ceil(retry_after)

    def reset(self) -> None:
        self._retry_until.clear()
        self._banned_until.clear()

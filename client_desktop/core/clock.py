"""The server's clock as seen from the client: validity windows are judged by server time.

Each server reply carries ``server_time``; the offset to the local clock is estimated from it and
the request's round trip (midpoint), then smoothed, so a slow reply does not jerk the estimate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def parse_time(text: str) -> datetime:
    """ISO-8601 from the server (``Z`` or an offset) → aware UTC datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class ServerClock:
    """Local wall clock plus the estimated offset to the server's clock."""

    def __init__(self, wall: Callable[[], float] = time.time, smoothing: float = 0.5) -> None:
        self._wall = wall
        self._smoothing = smoothing
        self.offset_s: float | None = None  # server - local, seconds

    def local_now(self) -> datetime:
        return datetime.fromtimestamp(self._wall(), tz=UTC)

    def now(self) -> datetime:
        """Best estimate of the server's current time (the local time until a sample arrives)."""
        return self.local_now() + timedelta(seconds=self.offset_s or 0.0)

    def observe(self, server_time: datetime, sent_at: float, received_at: float) -> None:
        """Fold in one sample: the server stamped ``server_time`` between ``sent_at`` and
        ``received_at`` (local epoch seconds)."""
        midpoint = (sent_at + received_at) / 2
        sample = server_time.timestamp() - midpoint
        if self.offset_s is None:
            self.offset_s = sample
        else:
            self.offset_s += self._smoothing * (sample - self.offset_s)

    def wall(self) -> float:
        return self._wall()

"""Server-time offset for signed requests (Binance ``timestamp``, Bitget ``ACCESS-TIMESTAMP``).

A local clock that drifts past the venue's receive window gets every request refused (-1021 /
40008). We measure ``offset = serverTime - midpoint(local send, local receive)`` (i.e. assuming the
reply left the server RTT/2 after we sent), keep the sample with the smallest round trip, and add
the offset to every timestamp. Connectors call :meth:`TimeSync.sync` lazily and again after a
``ClockSkew`` error.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


def compute_offset(sent_ms: float, server_ms: float, received_ms: float) -> float:
    """Offset in ms so that ``local + offset ≈ server`` for one round trip."""
    return server_ms - (sent_ms + received_ms) / 2


class TimeSync:
    """Holds the current offset; ``now_ms()`` is the venue-aligned timestamp to sign with."""

    def __init__(
        self,
        fetch_server_ms: Callable[[], Awaitable[int]],
        *,
        clock_ms: Callable[[], float] = lambda: time.time() * 1000,
        samples: int = 3,
    ) -> None:
        self._fetch = fetch_server_ms
        self._clock = clock_ms
        self._samples = samples
        self.offset_ms = 0.0
        self.synced = False
        self.rtt_ms: float | None = None
        self._pending: asyncio.Future[float] | None = None

    def now_ms(self) -> int:
        return int(self._clock() + self.offset_ms)

    async def sync(self) -> float:
        """Measure the offset; concurrent callers share one measurement in flight."""
        if self._pending is None or self._pending.done():
            self._pending = asyncio.ensure_future(self._measure())
        return await asyncio.shield(self._pending)

    async def _measure(self) -> float:
        """Measure ``samples`` round trips and keep the offset of the fastest one."""
        best: tuple[float, float] | None = None
        for _ in range(self._samples):
            sent = self._clock()
            server = await self._fetch()
            received = self._clock()
            rtt = received - sent
            if best is None or rtt < best[0]:
                best = (rtt, compute_offset(sent, server, received))
        assert best is not None
        self.rtt_ms, self.offset_ms = best
        self.synced = True
        return self.offset_ms

    async def ensure(self) -> None:
        """Sync once before the first signed request."""
        if not self.synced:
            await self.sync()

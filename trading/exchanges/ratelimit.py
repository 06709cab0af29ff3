"""Per-credential request pacing: a token bucket (GCRA form) plus "blocked until" after a
``RateLimited`` answer, plus Binance's used-weight headers.

The bucket is computed synchronously under a ``threading.Lock`` (no awaits inside), so one limiter
can be shared by coroutines on any event loop and by threads; callers then sleep the returned
delay. Default: 10 requests/s per credential (Bitget's 10 req/s/UID; our rule for web credentials).
Limiters are looked up by credential id through :func:`limiter_for`, so two clients built for the
same API key share one budget.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Mapping

DEFAULT_RATE = 10.0
# Binance REQUEST_WEIGHT default limit per minute (exchangeInfo rateLimits);
# see docs/protocols.md §1.6.
BINANCE_WEIGHT_LIMIT_1M = 6000
WEIGHT_SOFT = 0.8  # above this share of the minute budget, spread the rest of the minute out
WEIGHT_HARD = 0.95  # above this, wait for the next minute window


def weight_delay(used: int, limit: int, now: float) -> float:
    """Seconds to wait given ``used`` of ``limit`` request weight in the current wall-clock minute.

    Below the soft threshold: 0. Between soft and hard: spread the remaining requests over the rest
    of the minute (linear). Above hard: wait until the minute rolls over.
    """
    if limit <= 0 or used < limit * WEIGHT_SOFT:
        return 0.0
    to_next_minute = 60.0 - (now % 60.0)
    if used >= limit * WEIGHT_HARD:
        return to_next_minute
    share = (used - limit * WEIGHT_SOFT) / (limit * (WEIGHT_HARD - WEIGHT_SOFT))
    return to_next_minute * share * 0.1


class RateLimiter:
    """Token bucket of ``rate`` requests/s with a burst of ``capacity`` (defaults to ``rate``)."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        capacity: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        weight_limit: int = BINANCE_WEIGHT_LIMIT_1M,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(rate, 1.0)
        self.weight_limit = weight_limit
        self._clock = clock
        self._wall = wall_clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tat = 0.0  # theoretical arrival time of the next token
        self._blocked_until = 0.0

    def reserve(self, cost: float = 1.0) -> float:
        """Take ``cost`` tokens now; return how long the caller must wait before sending."""
        now = self._clock()
        with self._lock:
            start = max(now, self._blocked_until)
            tat = max(self._tat, start)
            self._tat = tat + cost / self.rate
            allow_at = self._tat - self.capacity / self.rate
            return max(0.0, allow_at - now, start - now)

    async def acquire(self, cost: float = 1.0) -> None:
        """Wait until a request of ``cost`` tokens may be sent."""
        delay = self.reserve(cost)
        if delay > 0:
            await self._sleep(delay)

    def block_for(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (after 429/418 ``Retry-After``, or near the weight cap)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + max(0.0, seconds))

    @property
    def blocked_for(self) -> float:
        """Seconds left in the current block (0 when not blocked)."""
        return max(0.0, self._blocked_until - self._clock())

    def observe_headers(self, headers: Mapping[str, str]) -> None:
        """Slow down when Binance says the minute's request weight is nearly used up."""
        used = headers.get("x-mbx-used-weight-1m") or headers.get("X-MBX-USED-WEIGHT-1M")
        if used and used.isdigit():
            delay = weight_delay(int(used), self.weight_limit, self._wall())
            if delay > 0:
                self.block_for(delay)


_registry: dict[str, RateLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(
    credential: str, rate: float = DEFAULT_RATE, capacity: float | None = None
) -> RateLimiter:
    """The shared limiter of one credential (API key / web session id), created on first use
    (``capacity``: the burst; default ``rate``)."""
    with _registry_lock:
        limiter = _registry.get(credential)
        if limiter is None:
            limiter = _registry[credential] = RateLimiter(rate, capacity)
        return limiter

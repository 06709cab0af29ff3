"""The one reconnect loop every private stream uses (Hummingbot / websockets style).

A venue supplies ``open_session``: an async context manager that connects, authenticates,
subscribes and yields an async iterator of items. Items are the venue's typed events or
:class:`Heartbeat` (a pong or any liveness frame). This loop:

- yields events to the consumer and drops heartbeats;
- treats ``stall_timeout`` seconds without ANY item (event or heartbeat) as a dead connection
  and reconnects; a ``stalled`` hook (e.g. :class:`Expectations`: an order was placed but its
  event never came) catches the "silent stall" where pongs flow but events do not;
- reconnects on any connection error with exponential backoff + full jitter, resetting the backoff
  once a session delivered something;
- yields a :class:`StreamGap` after every reconnect, because events sent while we were away are
  lost: the consumer must reconcile its open orders over REST.

Authentication failures (``AuthError``) are not retried: a revoked key needs a person.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from trading.exchanges.errors import AuthError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Heartbeat:
    """A liveness frame from the venue (pong, subscription ack); never reaches consumers."""


HEARTBEAT = Heartbeat()


@dataclass(frozen=True)
class StreamGap:
    """The stream was down between ``since`` and ``until``; events in between may be lost."""

    since: datetime
    until: datetime
    reason: str


class StreamStalled(Exception):
    """Nothing arrived for longer than the stall timeout."""


@dataclass(frozen=True)
class ReconnectPolicy:
    """Backoff and stall-detection settings."""

    base_delay: float = 0.5
    max_delay: float = 30.0
    stall_timeout: float = 60.0
    check_interval: float = 1.0  # how often the stall hook is consulted
    max_attempts: int | None = None  # None = forever

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Full-jitter exponential backoff for reconnect ``attempt`` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling * rng()


SessionOpener = Callable[[], AbstractAsyncContextManager[AsyncIterator[object]]]


class Expectations:
    """Events we are owed: after placing an order we expect its first stream event within
    ``timeout`` seconds. An overdue one means the socket is open but events are not flowing (the
    "silent stall" a pure silence timer cannot see on a quiet account). Used as a stall hook."""

    def __init__(self, timeout: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self._clock = clock
        self._owed: dict[str, float] = {}

    def expect(self, key: str) -> None:
        self._owed.setdefault(key, self._clock())

    def seen(self, key: str) -> None:
        self._owed.pop(key, None)

    def clear(self) -> None:
        self._owed.clear()

    def overdue(self) -> bool:
        now = self._clock()
        return any(now - since > self.timeout for since in self._owed.values())


async def _pump(
    items: AsyncIterator[object], policy: ReconnectPolicy, stalled: Callable[[], bool] | None
) -> AsyncIterator[object]:
    """Yield items; raise :class:`StreamStalled` after ``stall_timeout`` of silence or when the
    ``stalled`` hook says so (checked every ``policy.check_interval``)."""
    last = time.monotonic()
    pending: asyncio.Future[object] | None = None
    try:
        while True:
            pending = pending or asyncio.ensure_future(anext(items))
            done, _ = await asyncio.wait({pending}, timeout=policy.check_interval)
            if stalled is not None and stalled():
                raise StreamStalled("expected events are overdue")
            if done:
                item, pending, last = pending.result(), None, time.monotonic()
                yield item
            elif time.monotonic() - last > policy.stall_timeout:
                raise StreamStalled(f"no frame for {policy.stall_timeout}s")
    except StopAsyncIteration:
        return
    finally:
        if pending is not None:
            pending.cancel()


def _mark_seen(expectations: Expectations | None, item: object) -> None:
    key = getattr(item, "client_order_id", None)
    if expectations is not None and isinstance(key, str):
        expectations.seen(key)


async def reconnecting[T](
    open_session: SessionOpener,
    event_type: type[T] | tuple[type, ...],
    *,
    policy: ReconnectPolicy | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rng: Callable[[], float] = random.random,
    expectations: Expectations | None = None,
) -> AsyncIterator[T | StreamGap]:
    """Run sessions forever (or ``policy.max_attempts`` failed connects in a row)."""
    policy = policy or ReconnectPolicy()
    failures = 0
    down_since: datetime | None = None
    gap_reason = ""
    while True:
        reason = "closed"
        try:
            async with open_session() as items:
                stalled = expectations.overdue if expectations else None
                async for item in _pump(items, policy, stalled):
                    failures = 0
                    if down_since is not None:
                        yield StreamGap(down_since, datetime.now(UTC), reason=gap_reason)
                        down_since = None
                    _mark_seen(expectations, item)
                    if isinstance(item, Heartbeat):
                        continue
                    if isinstance(item, event_type):
                        yield item  # type: ignore[misc]
        except AuthError:
            raise
        except Exception as exc:  # any other failure (closed socket, stall, bad frame) reconnects
            reason = f"{type(exc).__name__}: {exc}"
        if expectations is not None:
            expectations.clear()  # the gap tells the consumer to reconcile those orders
        failures += 1
        down_since = down_since or datetime.now(UTC)
        gap_reason = reason
        log.warning("stream down (%s); reconnect attempt %d", reason, failures)
        if policy.max_attempts is not None and failures > policy.max_attempts:
            raise ConnectionError(f"stream gave up after {failures - 1} attempts: {reason}")
        await sleep(policy.delay(failures, rng))

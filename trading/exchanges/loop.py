"""An asyncio loop on a daemon thread that synchronous code hands coroutines to.

Connection pools (aiohttp, httpx) are bound to the loop that created them, so thread code that
called ``asyncio.run`` per request would reconnect (TCP + TLS) every time. A :class:`LoopThread`
keeps one loop alive and owns the clients created on it:

- the desktop client's workers (plain threads) each own one for their Binance web connector;
- a server process (a Celery worker, the API) shares one, :func:`run`, that owns every venue
  client of the process; it is started on first use and again after a fork.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from typing import Any

SHARED_NAME = "fleet-venue-loop"


class LoopThread:
    """A running event loop on its own daemon thread."""

    def __init__(self, name: str = "fleet-aio") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @property
    def alive(self) -> bool:
        """The loop runs (false after :meth:`close`, and in a forked child)."""
        return not self.loop.is_closed() and self._thread.is_alive()

    def submit[T](self, fn: Callable[..., Awaitable[T]], *args: Any) -> Future[T]:
        """Schedule ``fn(*args)`` on the loop; the future holds its result."""

        async def wrapper() -> T:
            return await fn(*args)

        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop)

    def call[T](self, fn: Callable[..., Awaitable[T]], *args: Any, timeout: float | None = 60) -> T:
        """Run ``fn(*args)`` on the loop and wait for its result (exceptions propagate)."""
        return self.submit(fn, *args).result(timeout)

    def run[T](self, coro: Coroutine[Any, Any, T], timeout: float | None = 120.0) -> T:
        """Run an already-made coroutine on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        """Stop the loop and its thread (the clients on it should be closed first)."""
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


_lock = threading.Lock()
_shared: LoopThread | None = None


def shared() -> LoopThread:
    """The process's shared loop, started on first use (and again after a fork)."""
    global _shared
    with _lock:
        if _shared is None or not _shared.alive:
            _shared = LoopThread(SHARED_NAME)
        return _shared


def venue_loop() -> asyncio.AbstractEventLoop:
    """The shared loop itself (to schedule on it directly)."""
    return shared().loop


def run[T](coro: Coroutine[Any, Any, T], timeout: float | None = 120.0) -> T:
    """Run ``coro`` on the shared loop from synchronous code and wait for its result."""
    return shared().run(coro, timeout)


def is_running() -> bool:
    """Whether this process's shared loop has started and still runs."""
    return _shared is not None and _shared.alive


def close_soon(client: Any) -> None:
    """Close a client dropped from a cache on the shared loop (its pooled connections released),
    without waiting; nothing to do when the loop never started."""
    close = getattr(client, "close", None)
    if close is None or _shared is None or not is_running():
        return
    asyncio.run_coroutine_threadsafe(close(), _shared.loop)

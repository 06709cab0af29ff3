"""One long-lived asyncio loop per process, in a daemon thread, that owns every venue client.

aiohttp connection pools are bound to the loop that created them; a Celery task that did
``asyncio.run`` per event would reconnect (TCP + TLS) to every follower's venue on every event.
Keeping one loop and one client per credential makes a copy cost one request on a warm connection.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def venue_loop() -> asyncio.AbstractEventLoop:
    """The process's venue loop, started on first use (and again after a fork)."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed() or not _thread_alive():
            _loop = asyncio.new_event_loop()
            threading.Thread(
                target=_loop.run_forever, name="copytrade-venue-loop", daemon=True
            ).start()
        return _loop


def _thread_alive() -> bool:
    return any(t.name == "copytrade-venue-loop" and t.is_alive() for t in threading.enumerate())


def run[T](coro: Coroutine[Any, Any, T], timeout: float | None = 120.0) -> T:
    """Run ``coro`` on the venue loop from synchronous code and wait for its result."""
    return asyncio.run_coroutine_threadsafe(coro, venue_loop()).result(timeout)


def is_running() -> bool:
    """Whether this process's venue loop has started and still runs."""
    return _loop is not None and not _loop.is_closed() and _thread_alive()


def close_soon(client: Any) -> None:
    """Close a client dropped from the cache on the venue loop (its pooled connections released),
    without waiting; nothing to do when the loop never started."""
    close = getattr(client, "close", None)
    if close is None or _loop is None or not is_running():
        return
    asyncio.run_coroutine_threadsafe(close(), _loop)

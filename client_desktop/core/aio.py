"""One private asyncio loop on a daemon thread, so blocking (thread) code can call the async
Binance web connector: ``runner.call(coro_fn, *args, timeout=...)`` waits for the result.

The core's workers are plain threads (the UI runs them off the GUI thread; headless runs many);
each :class:`AsyncRunner` owns one loop and the connector clients created on it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class AsyncRunner:
    """A running event loop on its own daemon thread."""

    def __init__(self, name: str = "fleet-aio") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, fn: Callable[..., Awaitable[T]], *args: Any) -> Future[T]:
        async def wrapper() -> T:
            return await fn(*args)

        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop)

    def call(self, fn: Callable[..., Awaitable[T]], *args: Any, timeout: float | None = 60) -> T:
        """Run ``fn(*args)`` on the loop and wait for its result (exceptions propagate)."""
        return self.submit(fn, *args).result(timeout)

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()

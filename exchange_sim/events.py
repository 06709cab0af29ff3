"""Delivery of venue events to WebSocket connections, from any thread, in order.

A venue publishes an event for an account (``Hub.publish(key, event)``); every connection
subscribed to that key owns a ``Sink`` whose queue lives on the server's event loop. Publishing
from the loop thread or from a test thread is the same call.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from typing import Any


class Sink:
    """One connection's event queue, bound to the loop that will read it."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self._thread = threading.get_ident()

    def push(self, item: Any) -> None:
        if threading.get_ident() == self._thread:
            self.queue.put_nowait(item)
        else:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)


class Hub:
    """Sinks per account key; a cheap no-op when nobody listens (the benchmark path)."""

    def __init__(self) -> None:
        self._sinks: dict[str, list[Sink]] = defaultdict(list)
        self._lock = threading.Lock()

    def add(self, key: str, sink: Sink) -> None:
        with self._lock:
            self._sinks[key].append(sink)

    def remove(self, key: str, sink: Sink) -> None:
        with self._lock:
            sinks = self._sinks.get(key)
            if sinks and sink in sinks:
                sinks.remove(sink)
                if not sinks:
                    del self._sinks[key]

    def has(self, key: str) -> bool:
        return key in self._sinks

    def publish(self, key: str, item: Any) -> None:
        sinks = self._sinks.get(key)
        if not sinks:
            return
        for sink in list(sinks):
            sink.push(item)

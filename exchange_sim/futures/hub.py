"""A tiny publish/subscribe hub that carries JSON events to WebSocket connections.

State changes happen under ``world.lock`` on whatever thread made them (a request handler, a test
moving a price); ``publish`` hands each event to the subscriber's event loop with
``call_soon_threadsafe`` so it is safe from any thread. ``serve`` runs one connection: it forwards
events and applies the WebSocket faults of docs/protocols.md §10 (disconnect, silent stall, delay).
Shared by the futures user stream and the Binance-web (Alpha) streams.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from exchange_sim.faults import Faults


class Subscriber:
    """One WebSocket connection's inbox; ``account`` is the fault key (API key or session id)."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.closed = False

    def push(self, message: Any) -> None:
        if not self.closed:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, message)


class Hub:
    """Topic → subscribers. A topic is a listen key or a public stream name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._topics: dict[str, set[Subscriber]] = {}

    def add(self, topic: str, sub: Subscriber) -> None:
        with self._lock:
            self._topics.setdefault(topic, set()).add(sub)

    def remove(self, sub: Subscriber, topic: str | None = None) -> None:
        with self._lock:
            for name, subs in self._topics.items():
                if topic is None or name == topic:
                    subs.discard(sub)

    def publish(self, topic: str, message: Any) -> None:
        with self._lock:
            subs = list(self._topics.get(topic, ()))
        for sub in subs:
            sub.push(message)

    def count(self, topic: str) -> int:
        with self._lock:
            return len(self._topics.get(topic, ()))


CLOSE = object()  # push this to make ``serve`` close the connection (listen key expired / deleted)


async def serve(
    ws: WebSocket,
    sub: Subscriber,
    faults: Faults,
    on_text: Callable[[str], Any] | None = None,
) -> None:
    """Forward ``sub``'s events to ``ws`` until either side closes.

    ``on_text`` handles client frames (SUBSCRIBE requests); its non-None return is sent back.
    """
    reader = asyncio.create_task(_read(ws, sub, on_text))
    try:
        await _write(ws, sub, faults)
    finally:
        sub.closed = True
        reader.cancel()


async def _read(ws: WebSocket, sub: Subscriber, on_text: Callable[[str], Any] | None) -> None:
    try:
        while True:
            text = await ws.receive_text()
            reply = on_text(text) if on_text else None
            if reply is not None:
                sub.push(reply)
    except (WebSocketDisconnect, RuntimeError):
        sub.push(CLOSE)


async def _write(ws: WebSocket, sub: Subscriber, faults: Faults) -> None:
    stalled_until = 0.0
    while True:
        if faults.take("ws_disconnect", sub.account):
            await ws.close(code=1001)
            return
        try:
            message = await asyncio.wait_for(sub.queue.get(), timeout=0.05)
        except TimeoutError:
            continue
        if message is CLOSE:
            await _close_quietly(ws)
            return
        stalled_until = _stall_until(faults, sub.account, stalled_until)
        if stalled_until == -1 or time.monotonic() < stalled_until:
            continue  # silent stall: the socket stays open, the event is lost
        delay = faults.take("ws_delay", sub.account)
        if delay:
            await asyncio.sleep(int(delay.params.get("ms", 1000)) / 1000)
        await ws.send_text(message if isinstance(message, str) else json.dumps(message))


def _stall_until(faults: Faults, account: str, current: float) -> float:
    if current == -1 and faults.peek("ws_stall", account):
        return -1
    fault = faults.take("ws_stall", account)
    if fault is None:
        return 0.0 if current == -1 else current
    ms = int(fault.params.get("ms", -1))
    return -1 if ms < 0 else time.monotonic() + ms / 1000


async def _close_quietly(ws: WebSocket) -> None:
    try:
        await ws.close()
    except RuntimeError:
        pass

"""The user-data event pump shared by every venue's WebSocket, with the WebSocket faults.

``pump`` forwards one account's events from a ``Sink`` to a socket and applies, per account key:
``ws_disconnect`` (close the socket), ``ws_stall`` (swallow ``count`` events, socket stays open),
``ws_delay`` (hold each event ``ms`` before sending) and ``listen_key_expired`` (send the venue's
terminal event, then close). Faults armed while the socket is idle apply within ``POLL_S``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket

from exchange_sim.events import Sink
from exchange_sim.faults import Faults

POLL_S = 0.2


async def pump(
    ws: WebSocket,
    sink: Sink,
    key: str,
    faults: Faults,
    wrap: Callable[[Any], Any],
    expired: Callable[[], Any] | None = None,
) -> None:
    """Forward events until cancelled, or until a fault closed the socket (then return)."""
    while True:
        try:
            item = await asyncio.wait_for(sink.queue.get(), POLL_S)
        except TimeoutError:
            item = None
        if await _control_faults(ws, key, faults, expired):
            return
        if item is None:
            continue
        if faults.take("ws_stall", key) is not None:
            continue
        delay = faults.take("ws_delay", key)
        if delay is not None:
            await asyncio.sleep(int(delay.params.get("ms", 1000)) / 1000)
        payload = wrap(item)
        if payload is not None:
            await ws.send_text(json.dumps(payload, separators=(",", ":")))


async def _control_faults(
    ws: WebSocket, key: str, faults: Faults, expired: Callable[[], Any] | None
) -> bool:
    """Apply the connection-level faults; True when the socket was closed."""
    if faults.take("ws_disconnect", key) is not None:
        await ws.close(code=1001)
        return True
    if expired is not None and faults.take("listen_key_expired", key) is not None:
        await ws.send_text(json.dumps(expired(), separators=(",", ":")))
        await ws.close(code=1000)
        return True
    return False

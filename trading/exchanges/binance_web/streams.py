"""The ``nbstream.binance.com`` WebSocket protocol shared by Alpha's private and public streams
(docs/protocols.md §4.1, §4.4): send ``{"method":"SUBSCRIBE","params":[…],"id":n}``, receive
``{"result":null,"id":n}`` then ``{"stream": name, "data": {...}}`` frames.

:func:`nbstream_session` is a session opener for :func:`trading.exchanges.reconnect.reconnecting`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import websockets

from trading.exchanges.errors import ProtocolError
from trading.exchanges.reconnect import HEARTBEAT

FrameParser = Callable[[str, Mapping[str, Any]], object]


def subscribe_message(streams: list[str], request_id: int = 1) -> str:
    return json.dumps({"method": "SUBSCRIBE", "params": streams, "id": request_id})


def unwrap(text: str | bytes) -> tuple[str, Mapping[str, Any]] | None:
    """``(stream, data)`` of a data frame; ``None`` for acks and anything else."""
    try:
        frame = json.loads(text)
    except ValueError as exc:
        raise ProtocolError(f"bad nbstream frame {text[:200]!r}", venue="binance_web") from exc
    if isinstance(frame, Mapping) and "stream" in frame and isinstance(frame.get("data"), Mapping):
        return str(frame["stream"]), frame["data"]
    return None


async def frames(ws: Any, parse: FrameParser) -> AsyncIterator[object]:
    """Parsed items of an open connection; acks and unknown frames become ``HEARTBEAT``."""
    async for text in ws:
        unwrapped = unwrap(text)
        yield parse(*unwrapped) if unwrapped is not None else HEARTBEAT


@contextlib.asynccontextmanager
async def nbstream_session(
    url: str, streams: list[str], parse: FrameParser
) -> AsyncIterator[AsyncIterator[object]]:
    """Connect to ``url``, subscribe to ``streams`` and yield the parsed item iterator."""
    async with websockets.connect(url) as ws:
        await ws.send(subscribe_message(streams))
        yield frames(ws, parse)

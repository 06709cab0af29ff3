"""Bitget private WebSocket (docs/protocols.md §2.5): login, the ``orders`` and ``account``
channels, and the text ``ping`` / ``pong`` keepalive (sent when the socket is quiet for
``heartbeat_interval``; the SDK pings on a ~30 s timer). One session = connect,
login, subscribe, read; :mod:`trading.exchanges.reconnect` runs the sessions.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from trading.exchanges.bitget import constants as c
from trading.exchanges.bitget.auth import BitgetCredentials
from trading.exchanges.bitget.mapping import parse_account_push, parse_order_push
from trading.exchanges.errors import AuthError, ProtocolError
from trading.exchanges.reconnect import HEARTBEAT, Heartbeat
from trading.exchanges.timesync import TimeSync
from trading.exchanges.types import StreamEvent

CHANNELS = (c.CHANNEL_ORDERS, c.CHANNEL_ACCOUNT)


def parse_message(raw: str | bytes) -> list[StreamEvent] | Heartbeat:
    """One text frame → events, or a heartbeat for ``pong`` / acks. Errors raise."""
    if raw in (c.WS_PONG, b"pong"):
        return HEARTBEAT
    msg = json.loads(raw)
    if msg.get("event") == "error":
        code = str(msg.get("code", ""))
        cls = AuthError if code in c.WS_AUTH_CODES else ProtocolError
        raise cls(str(msg.get("msg", "")), code=code, venue=c.VENUE)
    if "event" in msg or "data" not in msg:
        return HEARTBEAT  # login / subscribe acks
    return _events(msg)


def _events(msg: Mapping[str, Any]) -> list[StreamEvent]:
    channel = msg.get("arg", {}).get("channel")
    if channel == "orders":
        return [parse_order_push(item) for item in msg["data"]]
    if channel == "account":
        return [parse_account_push(msg["data"], msg.get("ts"))]
    return []


class PrivateStream:
    """Opens private sessions for one API key (``open_session`` is the reconnect loop's opener)."""

    def __init__(
        self,
        url: str,
        credentials: BitgetCredentials,
        time: TimeSync,
        *,
        heartbeat_interval: float = 25.0,
    ) -> None:
        self.url = url
        self._creds = credentials
        self._time = time
        self.heartbeat_interval = heartbeat_interval
        self.sessions_opened = 0

    @asynccontextmanager
    async def open_session(self) -> AsyncIterator[AsyncIterator[object]]:
        await self._time.ensure()
        async with connect(self.url, open_timeout=10, max_queue=1024) as ws:
            await self._login(ws)
            early = await self._subscribe(ws)
            self.sessions_opened += 1  # monitoring: subscribed sessions so far
            yield self._frames(ws, early)

    async def _login(self, ws: ClientConnection) -> None:
        args = self._creds.ws_login_args(str(self._time.now_ms() // 1000))
        await ws.send(json.dumps({"op": "login", "args": [args]}))
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if msg.get("event") == "error":
                raise AuthError(str(msg.get("msg")), code=str(msg.get("code")), venue=c.VENUE)
            if msg.get("event") == "login":
                return

    async def _subscribe(self, ws: ClientConnection) -> list[str | bytes]:
        """Subscribe and wait for every channel's ack; frames pushed meanwhile are returned."""
        await ws.send(json.dumps({"op": "subscribe", "args": list(CHANNELS)}))
        acks, early = 0, []
        while acks < len(CHANNELS):
            raw = await asyncio.wait_for(ws.recv(), 10)
            if raw not in (c.WS_PONG, b"pong") and json.loads(raw).get("event") == "subscribe":
                acks += 1
            else:
                early.append(raw)
        return early

    async def _frames(
        self, ws: ClientConnection, early: list[str | bytes]
    ) -> AsyncIterator[object]:
        yield HEARTBEAT  # subscribed: lets the reconnect loop report the gap right away
        for raw in early:
            parsed = parse_message(raw)
            for event in [] if isinstance(parsed, Heartbeat) else parsed:
                yield event
        while True:
            try:
                raw = await asyncio.wait_for(ws.recv(), self.heartbeat_interval)
            except TimeoutError:
                await ws.send(c.WS_PING)
                continue
            parsed = parse_message(raw)
            if isinstance(parsed, Heartbeat):
                yield parsed
                continue
            for event in parsed:
                yield event

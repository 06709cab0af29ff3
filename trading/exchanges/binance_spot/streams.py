"""Binance spot user-data stream over the WebSocket API (docs/protocols.md §1.7).

The REST listenKey flow was retired on 2026-02-20; we subscribe with
``userDataStream.subscribe.signature`` (works with HMAC keys, no session logon) and receive
``{"subscriptionId": N, "event": {...}}`` frames. One session = connect, subscribe, read; the
reconnect loop (:mod:`trading.exchanges.reconnect`) runs sessions. When the socket is quiet for
``heartbeat_interval`` we send a WS-API ``ping`` request: its reply is a liveness heartbeat.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from trading.exchanges.binance_spot import constants as c
from trading.exchanges.binance_spot.auth import Signer, ws_signed_params
from trading.exchanges.binance_spot.mapping import (
    error_for,
    parse_account_position,
    parse_execution_report,
)
from trading.exchanges.errors import ClockSkew, ProtocolError
from trading.exchanges.reconnect import HEARTBEAT, Heartbeat
from trading.exchanges.timesync import TimeSync
from trading.exchanges.types import StreamEvent

PARSERS: dict[str, Callable[[Mapping[str, Any]], StreamEvent]] = {
    "executionReport": parse_execution_report,
    "outboundAccountPosition": parse_account_position,
}
TERMINATING = frozenset({"eventStreamTerminated", "listenKeyExpired"})


def reply_error(frame: Mapping[str, Any]) -> Exception:
    """The error of a refused WS-API request reply (``status`` ≠ 200)."""
    err = frame.get("error") or {}
    return error_for(int(err.get("code", 0)), str(err.get("msg", "")))


def parse_frame(frame: Mapping[str, Any]) -> StreamEvent | Heartbeat | None:
    """One WS-API frame → a typed event, a heartbeat (request replies), or ``None`` (ignored
    event types such as ``balanceUpdate``). Raises on errors and on stream termination."""
    if "event" in frame:
        event = frame["event"]
        kind = event.get("e")
        if kind in TERMINATING:
            raise ConnectionError(f"user data stream ended: {kind}")
        parser = PARSERS.get(kind)
        return parser(event) if parser else None
    if "id" in frame:
        if frame.get("status", 200) != 200:
            raise reply_error(frame)
        return HEARTBEAT
    raise ProtocolError(f"unexpected frame: {str(frame)[:200]}", venue=c.VENUE)


HEARTBEAT_S = 15.0  # a quiet socket sends a WS-API ping after this long


class UserStream:
    """Opens user-data sessions for one API key (``open_session`` is the reconnect loop's opener)."""

    def __init__(
        self,
        url: str,
        api_key: str,
        signer: Signer,
        time: TimeSync,
        *,
        heartbeat_interval: float = HEARTBEAT_S,
    ) -> None:
        self.url = url
        self._api_key = api_key
        self._signer = signer
        self._time = time
        self.heartbeat_interval = heartbeat_interval
        self.sessions_opened = 0
        self._ids = itertools.count(1)

    @asynccontextmanager
    async def open_session(self) -> AsyncIterator[AsyncIterator[object]]:
        await self._time.ensure()
        async with connect(self.url, open_timeout=10, max_queue=1024) as ws:
            try:
                await self._subscribe(ws)
            except ClockSkew:
                await self._time.sync()  # the next session signs with the corrected offset
                raise
            self.sessions_opened += 1  # monitoring: subscribed sessions so far
            yield self._frames(ws)

    @property
    def api_key(self) -> str:
        return self._api_key

    def _request(self, method: str, params: Mapping[str, Any]) -> str:
        return json.dumps({"id": f"f{next(self._ids)}", "method": method, "params": params})

    async def _subscribe(self, ws: ClientConnection) -> None:
        params = ws_signed_params({"timestamp": self._time.now_ms()}, self._api_key, self._signer)
        await ws.send(self._request(c.WS_SUBSCRIBE_SIGNATURE, params))
        while True:  # events cannot arrive before the subscription; the first frame is the reply
            reply = parse_frame(json.loads(await asyncio.wait_for(ws.recv(), 10)))
            if reply is HEARTBEAT:
                return

    async def _frames(self, ws: ClientConnection) -> AsyncIterator[object]:
        yield HEARTBEAT  # subscribed: lets the reconnect loop report the gap right away
        while True:
            try:
                raw = await asyncio.wait_for(ws.recv(), self.heartbeat_interval)
            except TimeoutError:
                await ws.send(self._request(c.WS_PING, {}))
                continue
            item = parse_frame(json.loads(raw))
            if item is not None:
                yield item

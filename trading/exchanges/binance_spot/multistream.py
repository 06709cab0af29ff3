"""Many accounts' user-data streams on ONE Binance WebSocket-API connection (docs/protocols.md
§1.7).

Binance limits REST request weight per IP (6000 a minute); ``GET /api/v3/account`` costs 20, so
polling the balances of 100 followers every 3 s would need 40 000 a minute. The WS-API instead
allows up to 1000 ``userDataStream.subscribe.signature`` subscriptions on one session (one per
account) and pushes ``outboundAccountPosition`` whenever a balance changes: this module is that
session. Frames are ``{"subscriptionId": N, "event": {...}}``; replies to requests carry our ``id``.

Usage — one reader, any number of (un)subscribers on the same loop::

    async with MultiStream.connect(url) as ms:
        reader = asyncio.create_task(consume(ms.events()))   # yields (key, StreamEvent)
        await ms.subscribe(follower_id, signed_params)        # raises the venue's error
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Hashable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from trading.exchanges.binance_spot import constants as c
from trading.exchanges.binance_spot.streams import PARSERS, TERMINATING, reply_error
from trading.exchanges.errors import ProtocolError
from trading.exchanges.types import StreamEvent

MAX_SUBSCRIPTIONS = 1000  # per session (docs/protocols.md §1.7)
WS_UNSUBSCRIBE = "userDataStream.unsubscribe"


class StreamEnded(Exception):
    """One account's subscription was ended by the venue (``eventStreamTerminated``)."""

    def __init__(self, key: Hashable) -> None:
        super().__init__(f"user data stream of {key!r} ended")
        self.key = key


class MultiStream:
    """One WS-API session carrying the user-data subscriptions of many accounts."""

    def __init__(
        self,
        ws: ClientConnection,
        *,
        heartbeat_interval: float = 15.0,
        reply_timeout: float = 10.0,
        kinds: frozenset[str] | None = None,
    ) -> None:
        """``kinds``: the event types to parse and yield (default: every type we parse); the
        others are dropped unparsed — a balance cache needs no ``executionReport``."""
        self._ws = ws
        self._parsers = {k: v for k, v in PARSERS.items() if kinds is None or k in kinds}
        self.heartbeat_interval = heartbeat_interval
        self.reply_timeout = reply_timeout
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._by_sub: dict[int, Hashable] = {}
        self._by_key: dict[Hashable, int] = {}

    @classmethod
    @asynccontextmanager
    async def connect(cls, url: str, **kwargs: Any) -> AsyncIterator[MultiStream]:
        async with connect(url, open_timeout=10, max_queue=4096) as ws:
            yield cls(ws, **kwargs)

    @property
    def keys(self) -> set[Hashable]:
        """The accounts subscribed on this session."""
        return set(self._by_key)

    async def subscribe(self, key: Hashable, signed_params: Mapping[str, Any]) -> int:
        """Subscribe one account (params from ``BinanceSpotClient.ws_subscription_params``).
        Returns the subscription id; raises the venue's error (e.g. ``AuthError``)."""
        if key in self._by_key:
            return self._by_key[key]
        if len(self._by_key) >= MAX_SUBSCRIPTIONS:
            raise ProtocolError(f"a session holds at most {MAX_SUBSCRIPTIONS}", venue=c.VENUE)
        result = await self._call(c.WS_SUBSCRIBE_SIGNATURE, dict(signed_params))
        sub_id = int(result["subscriptionId"])
        self._by_sub[sub_id], self._by_key[key] = key, sub_id
        return sub_id

    async def unsubscribe(self, key: Hashable) -> None:
        sub_id = self._by_key.pop(key, None)
        if sub_id is not None:
            self._by_sub.pop(sub_id, None)
            await self._call(WS_UNSUBSCRIBE, {"subscriptionId": sub_id})

    async def events(self) -> AsyncIterator[tuple[Hashable, StreamEvent | StreamEnded]]:
        """The session's only reader: yields ``(key, event)`` for parsed events and
        ``(key, StreamEnded)`` when one subscription ends; resolves request replies; pings when
        quiet. Ends (raises) when the connection does."""
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(self._ws.recv(), self.heartbeat_interval)
                except TimeoutError:
                    await self._send(c.WS_PING, {})
                    continue
                item = self._handle(json.loads(raw))
                if item is not None:
                    yield item
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("user data session closed"))

    # --- internals --------------------------------------------------------------------------------
    def _handle(self, frame: Mapping[str, Any]) -> tuple[Hashable, Any] | None:
        if "event" in frame:
            return self._event(frame)
        future = self._pending.pop(str(frame.get("id")), None)
        if future is None or future.done():
            return None  # a ping reply, or a reply nobody waits for any more
        if frame.get("status", 200) == 200:
            future.set_result(frame.get("result"))
        else:
            future.set_exception(reply_error(frame))
        return None

    def _event(self, frame: Mapping[str, Any]) -> tuple[Hashable, Any] | None:
        key = self._by_sub.get(int(frame.get("subscriptionId", -1)))
        event = frame["event"]
        if key is None:
            return None  # unsubscribed meanwhile
        if event.get("e") in TERMINATING:
            self._by_sub.pop(self._by_key.pop(key), None)
            return key, StreamEnded(key)
        parser = self._parsers.get(event.get("e"))
        return (key, parser(event)) if parser else None

    async def _send(self, method: str, params: Mapping[str, Any], rid: str = "") -> None:
        rid = rid or f"m{next(self._ids)}"
        await self._ws.send(json.dumps({"id": rid, "method": method, "params": params}))

    async def _call(self, method: str, params: Mapping[str, Any]) -> Any:
        """Send a request and wait for its reply (registered before sending: the reader may
        resolve it as soon as the send yields)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        rid = f"m{next(self._ids)}"
        self._pending[rid] = future
        try:
            await self._send(method, params, rid)
            return await asyncio.wait_for(future, self.reply_timeout)
        finally:
            self._pending.pop(rid, None)

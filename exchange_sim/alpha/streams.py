"""The nbstream WebSocket (``/w3w/stream``, ``/w3w/wsa/stream``, ``/w3w/wsa``),
docs/protocols.md §4.1/§4.4.

Clients send ``{"method":"SUBSCRIBE","params":[...],"id":n}`` and get ``{"result":null,"id":n}``;
then frames ``{"stream": name, "data": {...}}``. ``alpha@<listenKey>`` carries the key owner's
``executionReport`` events; ``<symbol>@aggTrade`` (lower-case symbol) the public prints. Both
kinds work on every path. ``UNSUBSCRIBE`` and ``LIST_SUBSCRIPTIONS`` work too.

Faults, keyed by the web session id that owns a subscribed listen key (a global fault also hits
connections without one): ``ws_disconnect`` (close), ``ws_stall`` (swallow ``count`` events),
``ws_delay`` (hold each event ``ms``), ``listen_key_expired`` (a ``listenKeyExpired`` frame, the
key is forgotten, then close; ``get-listen-key`` hands out a new key). A key that was not
re-fetched within ``listen_key_ttl_ms`` (``POST /sim/alpha/config``) expires the same way.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from exchange_sim.alpha.state import AlphaState, ListenKey
from exchange_sim.events import Sink
from exchange_sim.world import World

PRIVATE_PREFIX = "alpha@"
POLL_S = 0.2
PATHS = ("/w3w/stream", "/w3w/wsa/stream", "/w3w/wsa")


def _normal(name: str) -> str:
    symbol, _, kind = name.partition("@")
    return f"{symbol.lower()}@{kind}"


class Connection:
    """One nbstream socket: its market stream names and its listen keys."""

    def __init__(self, world: World, st: AlphaState, ws: WebSocket) -> None:
        self.world, self.st, self.ws = world, st, ws
        self.sink = Sink()
        self.names: list[str] = []
        self.keys: dict[str, ListenKey] = {}
        self.users: set[str] = set()

    # --- subscriptions ----------------------------------------------------------------------

    def _subscribe(self, name: str) -> bool:
        if name.startswith(PRIVATE_PREFIX):
            key = name[len(PRIVATE_PREFIX) :]
            owner = self.st.listen_keys.get(key)
            if owner is None or owner.expired(self.world.clock_ms()):
                return False
            self.keys[key] = owner
            if owner.user_id not in self.users:
                self.users.add(owner.user_id)
                self.st.user_hub.add(owner.user_id, self.sink)
            return True
        if "@" not in name:
            return False
        name = _normal(name)
        if name not in self.names:
            self.names.append(name)
            self.st.market_hub.add(name, self.sink)
        return True

    def _unsubscribe(self, name: str) -> None:
        if name.startswith(PRIVATE_PREFIX):
            owner = self.keys.pop(name[len(PRIVATE_PREFIX) :], None)
            if owner is not None and all(k.user_id != owner.user_id for k in self.keys.values()):
                self.users.discard(owner.user_id)
                self.st.user_hub.remove(owner.user_id, self.sink)
            return
        name = _normal(name)
        if name in self.names:
            self.names.remove(name)
            self.st.market_hub.remove(name, self.sink)

    def close_all(self) -> None:
        for name in list(self.names):
            self.st.market_hub.remove(name, self.sink)
        for user_id in self.users:
            self.st.user_hub.remove(user_id, self.sink)
        self.names.clear()
        self.users.clear()

    async def control(self, raw: str) -> None:
        try:
            frame = json.loads(raw)
            method, params, ident = frame["method"], frame.get("params") or [], frame.get("id")
        except (ValueError, KeyError, TypeError):
            await self._send({"error": {"code": 2, "msg": "Invalid request"}})
            return
        result: Any = None
        if method == "SUBSCRIBE":
            with self.world.lock:
                bad = [p for p in params if not self._subscribe(str(p))]
            if bad:
                await self._send(
                    {"error": {"code": 2, "msg": f"Invalid stream {bad}"}, "id": ident}
                )
                return
        elif method == "UNSUBSCRIBE":
            for p in params:
                self._unsubscribe(str(p))
        elif method == "LIST_SUBSCRIPTIONS":
            result = self.names + [PRIVATE_PREFIX + k for k in self.keys]
        else:
            await self._send({"error": {"code": 1, "msg": "Invalid method"}, "id": ident})
            return
        await self._send({"result": result, "id": ident})

    # --- delivery ---------------------------------------------------------------------------

    async def _send(self, payload: Any) -> None:
        await self.ws.send_text(json.dumps(payload, separators=(",", ":")))

    def _account(self) -> str | None:
        """The web session whose faults apply; a connection with market streams only answers
        to faults armed for its first stream name (``alpha_1usdt@aggTrade``) or global ones."""
        session = next((k.session_id for k in self.keys.values()), None)
        return session or (self.names[0] if self.names else None)

    async def _faults(self) -> bool:
        faults = self.world.faults
        if faults.take("ws_disconnect", self._account()) is not None:
            await self.ws.close(code=1001)
            return True
        for key, owner in list(self.keys.items()):
            lapsed = owner.expired(self.world.clock_ms())
            if lapsed or faults.take("listen_key_expired", owner.session_id) is not None:
                with self.world.lock:
                    self.st.listen_keys.pop(key, None)
                    if self.st.session_keys.get(owner.session_id) == key:
                        del self.st.session_keys[owner.session_id]
                now = self.world.clock_ms()
                data = {"e": "listenKeyExpired", "E": now, "listenKey": key}
                await self._send({"stream": PRIVATE_PREFIX + key, "data": data})
                await self.ws.close(code=1000)
                return True
        return False

    def _frames(self, item: Any) -> list[dict[str, Any]]:
        if item[0] == "market":
            _, name, data = item
            return [{"stream": name, "data": data}] if name in self.names else []
        _, user_id, data = item
        return [
            {"stream": PRIVATE_PREFIX + key, "data": data}
            for key, owner in self.keys.items()
            if owner.user_id == user_id
        ]

    async def forward(self) -> None:
        faults = self.world.faults
        while True:
            try:
                item = await asyncio.wait_for(self.sink.queue.get(), POLL_S)
            except TimeoutError:
                item = None
            if await self._faults():
                return
            if item is None:
                continue
            frames = self._frames(item)
            if not frames:
                continue
            if faults.take("ws_stall", self._account()) is not None:
                continue
            delay = faults.take("ws_delay", self._account())
            if delay is not None:
                await asyncio.sleep(int(delay.params.get("ms", 1000)) / 1000)
            for frame in frames:
                await self._send(frame)

    async def run(self) -> None:
        await self.ws.accept()
        sender = asyncio.create_task(self.forward())
        try:
            while not sender.done():
                await self.control(await self.ws.receive_text())
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            sender.cancel()
            with self.world.lock:
                self.close_all()


def routes(world: World, st: AlphaState) -> list[BaseRoute]:
    async def endpoint(ws: WebSocket) -> None:
        conn = Connection(world, st, ws)
        streams = ws.query_params.get("streams")
        if streams:
            with world.lock:
                for name in streams.split("/"):
                    conn._subscribe(name)
        await conn.run()

    return [WebSocketRoute(path, endpoint) for path in PATHS]

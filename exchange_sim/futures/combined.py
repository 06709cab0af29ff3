"""The official SDK's combined-stream endpoints: ``/{market,public,private}/stream`` (also under
``/fstream``).

``binance-sdk-derivatives-trading-usds-futures`` opens one connection per URL path (its
``stream_url`` + ``/<path>/stream``) and subscribes with ``{"method": "SUBSCRIBE", "params":
[names], "id": n}`` frames, answered ``{"result": null, "id": n}``. Frames arrive wrapped as
``{"stream": name, "data": event}``. On ``private`` a stream name is a listen key (user data:
ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, ALGO_UPDATE); on ``market``/``public`` a name is a market
stream topic on the futures hub (``btcusdt@markPrice``, …) — whatever the venue publishes there.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from exchange_sim.futures.hub import CLOSE, Subscriber
from exchange_sim.futures.state import FuturesState
from exchange_sim.world import World

PATHS = ("market", "public", "private")


class Connection:
    """One combined-stream socket: its subscriptions, one inbox per topic."""

    def __init__(self, ws: WebSocket, state: FuturesState, private: bool) -> None:
        self.ws, self.state, self.private = ws, state, private
        self.outbox: asyncio.Queue[Any] = asyncio.Queue()
        self.subs: dict[str, tuple[Subscriber, asyncio.Task]] = {}

    def subscribe(self, names: list[str]) -> str | None:
        for name in names:
            topic = name if self.private else name.lower()
            if topic in self.subs:
                continue
            if self.private and topic not in self.state.listen_keys:
                return f"Invalid listen key {name}"
            sub = Subscriber(topic)
            self.state.hub.add(topic, sub)
            self.subs[topic] = (sub, asyncio.create_task(self._relay(topic, sub)))
        return None

    def unsubscribe(self, names: list[str]) -> None:
        for name in names:
            topic = name if self.private else name.lower()
            entry = self.subs.pop(topic, None)
            if entry:
                self.state.hub.remove(entry[0], topic)
                entry[1].cancel()

    async def _relay(self, topic: str, sub: Subscriber) -> None:
        while True:
            message = await sub.queue.get()
            if message is CLOSE:
                self.unsubscribe([topic])
                return
            await self.outbox.put({"stream": topic, "data": message})

    async def control(self, text: str) -> dict[str, Any]:
        try:
            frame = json.loads(text)
            method, params, ident = frame["method"], frame.get("params") or [], frame.get("id")
        except (ValueError, KeyError, TypeError):
            return {"error": {"code": 2, "msg": "Invalid request"}}
        if method == "SUBSCRIBE":
            error = self.subscribe([str(p) for p in params])
            if error:
                return {"error": {"code": 2, "msg": error}, "id": ident}
            return {"result": None, "id": ident}
        if method == "UNSUBSCRIBE":
            self.unsubscribe([str(p) for p in params])
            return {"result": None, "id": ident}
        if method == "LIST_SUBSCRIPTIONS":
            return {"result": list(self.subs), "id": ident}
        return {"error": {"code": 1, "msg": "Invalid method"}, "id": ident}

    async def forward(self) -> None:
        while True:
            message = await self.outbox.get()
            await self.ws.send_text(json.dumps(message, separators=(",", ":")))

    async def run(self, initial: list[str]) -> None:
        self.subscribe(initial)
        sender = asyncio.create_task(self.forward())
        try:
            while True:
                await self.outbox.put(await self.control(await self.ws.receive_text()))
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            sender.cancel()
            self.unsubscribe(list(self.subs))


def routes(world: World) -> list[BaseRoute]:
    state: FuturesState = world.venues["binance_futures"]

    def endpoint(kind: str) -> Any:
        async def serve(ws: WebSocket) -> None:
            await ws.accept()
            names = [n for n in ws.query_params.get("streams", "").split("/") if n]
            await Connection(ws, state, private=kind == "private").run(names)

        return serve

    # The SDK appends "/stream" only to a base URL not already ending in "stream", so a sim base
    # of ``ws://host:port`` (like ``wss://fstream.binance.com``) reaches ``/<kind>/stream``.
    return [
        WebSocketRoute(f"{prefix}/{kind}/stream", endpoint(kind))
        for prefix in ("", "/fstream")
        for kind in PATHS
    ]

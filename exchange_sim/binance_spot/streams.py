"""Binance market streams (``/ws/<stream>``, ``/ws``, ``/stream?streams=``) and the legacy
listen-key user stream (``/ws/<listenKey>``, events at top level).

``<symbol>@aggTrade`` and ``<symbol>@trade`` push on every price move (a synthetic print) and on
every simulated fill. Live ``SUBSCRIBE`` / ``UNSUBSCRIBE`` / ``LIST_SUBSCRIPTIONS`` frames work
on every market connection; ``/stream`` wraps payloads as ``{"stream", "data"}``.
"""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from exchange_sim.binance_spot.state import SpotVenue, Trade
from exchange_sim.events import Sink
from exchange_sim.numbers import fmt8
from exchange_sim.world import World
from exchange_sim.wsutil import pump

KINDS = ("aggTrade", "trade")
_NAMES: dict[str, list[str]] = {}


def _trade_payloads(
    venue: SpotVenue, symbol: str, price: Decimal, qty: Decimal, buyer_maker: bool
) -> None:
    hub = venue.market_hub
    names = _NAMES.get(symbol)
    if names is None:
        names = _NAMES[symbol] = [f"{symbol.lower()}@{kind}" for kind in KINDS]
    if not (hub.has(names[0]) or hub.has(names[1])):
        return
    now = venue.world.clock_ms()
    trade_id = venue.world.next_id()
    p, q = fmt8(price), fmt8(qty)
    agg = {
        "e": "aggTrade",
        "E": now,
        "s": symbol,
        "a": venue.next_agg_id(),
        "p": p,
        "q": q,
        "f": trade_id,
        "l": trade_id,
        "T": now,
        "m": buyer_maker,
        "M": True,
    }
    trade = {
        "e": "trade",
        "E": now,
        "s": symbol,
        "t": trade_id,
        "p": p,
        "q": q,
        "T": now,
        "m": buyer_maker,
        "M": True,
    }
    hub.publish(names[0], (names[0], agg))
    hub.publish(names[1], (names[1], trade))


def attach(venue: SpotVenue) -> None:
    """Feed the market streams from price moves and fills."""

    def on_price(symbol: str, price: Decimal) -> None:
        _trade_payloads(venue, symbol, price, Decimal("0.01"), False)

    def on_trade(symbol: str, trade: Trade) -> None:
        _trade_payloads(venue, symbol, trade.price, trade.qty, trade.is_buyer)

    venue.world.market.subscribe(on_price)
    venue.trade_listener = on_trade
    venue.listen_key_handler = lambda ws, key: serve_listen_key(venue, ws, key)


class MarketConnection:
    """One market-stream socket and the stream names it follows."""

    def __init__(self, venue: SpotVenue, ws: WebSocket, combined: bool) -> None:
        self.venue, self.ws, self.combined = venue, ws, combined
        self.sink = Sink()
        self.names: list[str] = []

    def subscribe(self, names: list[str]) -> None:
        for name in names:
            if name not in self.names:
                self.names.append(name)
                self.venue.market_hub.add(name, self.sink)

    def unsubscribe(self, names: list[str]) -> None:
        for name in names:
            if name in self.names:
                self.names.remove(name)
                self.venue.market_hub.remove(name, self.sink)

    async def control(self, raw: str) -> None:
        try:
            frame = json.loads(raw)
            method, params, ident = frame["method"], frame.get("params") or [], frame.get("id")
        except (ValueError, KeyError, TypeError):
            await self.ws.send_text(json.dumps({"error": {"code": 2, "msg": "Invalid request"}}))
            return
        result: Any = None
        if method == "SUBSCRIBE":
            self.subscribe([str(p) for p in params])
        elif method == "UNSUBSCRIBE":
            self.unsubscribe([str(p) for p in params])
        elif method == "LIST_SUBSCRIPTIONS":
            result = list(self.names)
        else:
            error = {"error": {"code": 1, "msg": "Invalid method"}, "id": ident}
            await self.ws.send_text(json.dumps(error))
            return
        await self.ws.send_text(json.dumps({"result": result, "id": ident}))

    async def forward(self) -> None:
        while True:
            name, data = await self.sink.queue.get()
            payload = {"stream": name, "data": data} if self.combined else data
            await self.ws.send_text(json.dumps(payload, separators=(",", ":")))

    async def run(self) -> None:
        sender = asyncio.create_task(self.forward())
        try:
            while True:
                await self.control(await self.ws.receive_text())
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            sender.cancel()
            self.unsubscribe(list(self.names))


def _stream_names(raw: str) -> list[str]:
    """Stream names are lower-case except the ``@aggTrade`` style suffixes."""
    out = []
    for name in raw.split("/"):
        if "@" in name:
            symbol, _, kind = name.partition("@")
            out.append(f"{symbol.lower()}@{kind}")
    return out


async def serve_listen_key(venue: SpotVenue, ws: WebSocket, key: str) -> None:
    account = venue.listen_key_owner.get(key)
    if account is None:
        await ws.close(code=1008)
        return
    await ws.accept()
    sink = Sink()
    venue.user_hub.add(account.api_key, sink)
    now = venue.world.clock_ms

    def expired() -> Any:
        venue.close_listen_key(key)
        return {"e": "listenKeyExpired", "E": now(), "listenKey": key}

    task = asyncio.create_task(
        pump(ws, sink, account.api_key, venue.world.faults, lambda e: e, expired)
    )
    try:
        while not task.done():
            await ws.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        task.cancel()
        venue.user_hub.remove(account.api_key, sink)


def routes(world: World, venue: SpotVenue) -> list[BaseRoute]:
    async def raw_stream(ws: WebSocket) -> None:
        name = ws.path_params["name"]
        if "@" not in name:
            handler = world.listen_keys.get(name)
            if handler is None:
                await ws.close(code=1008)
                return
            await handler(ws)
            return
        await ws.accept()
        conn = MarketConnection(venue, ws, combined=False)
        conn.subscribe(_stream_names(name))
        await conn.run()

    async def bare(ws: WebSocket) -> None:
        await ws.accept()
        await MarketConnection(venue, ws, combined=False).run()

    async def combined(ws: WebSocket) -> None:
        await ws.accept()
        conn = MarketConnection(venue, ws, combined=True)
        conn.subscribe(_stream_names(ws.query_params.get("streams", "")))
        await conn.run()

    return [
        WebSocketRoute("/ws/{name:path}", raw_stream),
        WebSocketRoute("/ws", bare),
        WebSocketRoute("/stream", combined),
    ]

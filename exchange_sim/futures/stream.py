"""Futures user-data stream: listenKey REST (POST/PUT/DELETE) and the WebSocket.

Connect at ``/fstream/ws/<listenKey>`` (the connectors' sim base is ``ws://host:port/fstream``;
prod is ``wss://fstream.binance.com/ws/<listenKey>``); the key is also registered on the shared
``/ws/<listenKey>`` path. Events arrive unwrapped at the top level. A key lives 60 minutes after
its last keepalive; on expiry (or fault ``listen_key_expired``) the stream sends
``{"e":"listenKeyExpired","E":..,"listenKey":..}`` and closes.
"""

from __future__ import annotations

import asyncio
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket

from exchange_sim.futures.auth import ApiError, Params
from exchange_sim.futures.hub import CLOSE, Subscriber, serve
from exchange_sim.futures.state import Account, FuturesState
from exchange_sim.world import World

KEY_TTL_MS = 60 * 60 * 1000


def _state(world: World) -> FuturesState:
    return world.venues["binance_futures"]


async def create_key(request: Request, world: World, acc: Account, params: Params) -> Response:
    state = _state(world)
    now = world.clock_ms()
    with world.lock:
        if not acc.listen_key or acc.listen_key_expiry <= now:
            if acc.listen_key:
                state.listen_keys.pop(acc.listen_key, None)
            acc.listen_key = secrets.token_urlsafe(48)[:64]
            state.listen_keys[acc.listen_key] = acc.api_key
            world.listen_keys[acc.listen_key] = lambda ws: user_stream(ws, world)
        acc.listen_key_expiry = now + KEY_TTL_MS
    return JSONResponse({"listenKey": acc.listen_key})


async def keepalive(request: Request, world: World, acc: Account, params: Params) -> Response:
    now = world.clock_ms()
    with world.lock:
        if not acc.listen_key or acc.listen_key_expiry <= now:
            raise ApiError(-1125, "This listenKey does not exist.")
        acc.listen_key_expiry = now + KEY_TTL_MS
    return JSONResponse({"listenKey": acc.listen_key})


async def close_key(request: Request, world: World, acc: Account, params: Params) -> Response:
    with world.lock:
        if acc.listen_key:
            expire(world, acc, notify=False)
    return JSONResponse({})


def expire(world: World, acc: Account, notify: bool = True) -> None:
    """Invalidate the account's listen key; connected streams get listenKeyExpired, then close."""
    key, state = acc.listen_key, _state(world)
    if notify:
        event = {"e": "listenKeyExpired", "E": world.clock_ms(), "listenKey": key}
        state.hub.publish(key, event)
    state.hub.publish(key, CLOSE)
    state.listen_keys.pop(key, None)
    world.listen_keys.pop(key, None)
    acc.listen_key, acc.listen_key_expiry = "", 0


async def ws_endpoint(websocket: WebSocket) -> None:
    world: World = websocket.app.state.world
    await user_stream(websocket, world)


async def user_stream(websocket: WebSocket, world: World) -> None:
    state = _state(world)
    key = websocket.path_params.get("listen_key") or websocket.url.path.rsplit("/", 1)[-1]
    api_key = state.listen_keys.get(key)
    if api_key is None:
        await websocket.close(code=1008)
        return
    await websocket.accept()
    sub = Subscriber(api_key)
    state.hub.add(key, sub)
    watcher = asyncio.create_task(_watch_expiry(world, state.accounts[api_key], key))
    try:
        await serve(websocket, sub, world.faults)
    finally:
        watcher.cancel()
        state.hub.remove(sub)


async def _watch_expiry(world: World, acc: Account, key: str) -> None:
    while acc.listen_key == key:
        await asyncio.sleep(0.05)
        with world.lock:
            if acc.listen_key != key:
                return
            fault = world.faults.take("listen_key_expired", acc.api_key)
            if fault or acc.listen_key_expiry <= world.clock_ms():
                expire(world, acc)
                return

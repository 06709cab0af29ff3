"""Public futures market data the signals product reads: the combined kline stream and the
funding-rate history.

``/fstream/stream?streams=btcusdt@kline_5m/ethusdt@kline_1h`` (the connectors' sim stream base is
``ws://host:port/fstream``; prod is ``wss://fstream.binance.com/stream?streams=…``) pushes each
candle as it forms, every ``UPDATE_S``, wrapped ``{"stream", "data": {"e": "kline", "k": {…}}}``;
when the simulator's clock enters a new candle the previous one is sent once more with
``"x": true`` (closed). Candles come from the same :class:`PriceHistory` as ``/fapi/v1/klines``,
so the stream and REST agree. ``GET /fapi/v1/fundingRate`` gives 8-hourly settlements with a
seeded rate near the usual 0.01 % and the 1h close as mark price.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from exchange_sim.futures import engine
from exchange_sim.futures.auth import ApiError, Params
from exchange_sim.futures.klines import INTERVALS_MS, PriceHistory, _rng
from exchange_sim.world import World

UPDATE_S = 0.5
FUNDING_MS = 8 * 3_600_000


def _history(world: World) -> PriceHistory:
    return world.venues["binance_futures"].history


def _pairs(streams: str) -> list[tuple[str, str]] | None:
    pairs = []
    for name in filter(None, streams.split("/")):
        symbol, _, kind = name.partition("@kline_")
        if not symbol or kind not in INTERVALS_MS:
            return None
        pairs.append((symbol.upper(), kind))
    return pairs or None


def kline_event(row: list, interval: str, symbol: str, closed: bool, now: int) -> dict:
    """A Binance kline stream event from a 12-element REST row."""
    k = {
        "t": row[0], "T": row[6], "s": symbol, "i": interval, "f": 0, "L": 0, "o": row[1],
        "c": row[4], "h": row[2], "l": row[3], "v": row[5], "n": row[8], "x": closed,
        "q": row[7], "V": row[9], "Q": row[10], "B": "0",
    }  # fmt: skip
    return {"stream": f"{symbol.lower()}@kline_{interval}",
            "data": {"e": "kline", "E": now, "s": symbol, "k": k}}  # fmt: skip


async def kline_stream(websocket: WebSocket) -> None:
    world: World = websocket.app.state.world
    pairs = _pairs(websocket.query_params.get("streams", ""))
    if pairs is None:
        await websocket.close(code=1008)
        return
    await websocket.accept()
    reader = asyncio.create_task(_drain(websocket))
    try:
        await _push(websocket, world, pairs, reader)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        reader.cancel()


async def _drain(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()


async def _push(
    websocket: WebSocket, world: World, pairs: list[tuple[str, str]], reader: asyncio.Task
) -> None:
    history, last_open = _history(world), dict.fromkeys(pairs, -1)
    while not reader.done():
        now = world.clock_ms()
        for symbol, interval in pairs:
            rows = history.candles(symbol, interval, now, 1, None, None)
            if not rows:
                continue
            current, previous = rows[-1], last_open[(symbol, interval)]
            if 0 <= previous < current[0]:
                done = history.candles(symbol, interval, now, 1, previous, previous)
                if done:
                    await websocket.send_json(kline_event(done[0], interval, symbol, True, now))
            await websocket.send_json(kline_event(current, interval, symbol, False, now))
            last_open[(symbol, interval)] = current[0]
        await asyncio.sleep(UPDATE_S)


async def funding_rate(request: Request, world: World, params: Params) -> Response:
    """``GET /fapi/v1/fundingRate``: ``symbol``, ``startTime``, ``endTime``, ``limit`` ≤ 1000."""
    symbol = engine.spec_of(params.req("symbol")).symbol
    limit = params.integer("limit", 100) or 100
    if not 1 <= limit <= 1000:
        raise ApiError(-1130, "Data sent for parameter 'limit' is not valid.")
    now = world.clock_ms()
    end, start = min(params.integer("endTime") or now, now), params.integer("startTime")
    last = end // FUNDING_MS * FUNDING_MS
    first = (
        last - (limit - 1) * FUNDING_MS if start is None else -(-start // FUNDING_MS) * FUNDING_MS
    )
    times = list(range(first, last + 1, FUNDING_MS))[:limit]
    return JSONResponse([_funding_row(world, symbol, t, now) for t in times])


def _funding_row(world: World, symbol: str, when: int, now: int) -> dict:
    rate = 0.0001 + _rng(symbol, when, "funding").gauss(0, 0.00004)
    hour = _history(world).candles(symbol, "1h", now, 1, when - 3_600_000, when - 3_600_000)
    return {
        "symbol": symbol,
        "fundingTime": when,
        "fundingRate": f"{rate:.8f}",
        "markPrice": hour[0][4] if hour else "0",
    }

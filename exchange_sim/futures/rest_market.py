"""Public market endpoints: ping, time, exchangeInfo, klines, ticker price, premium index."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.futures import engine, views
from exchange_sim.futures.auth import ApiError, Params
from exchange_sim.futures.klines import INTERVALS_MS
from exchange_sim.futures.symbols import CONTRACTS, exchange_info
from exchange_sim.world import World


async def ping(request: Request, world: World, params: Params) -> Response:
    return JSONResponse({})


async def server_time(request: Request, world: World, params: Params) -> Response:
    return JSONResponse({"serverTime": world.clock_ms()})


async def info(request: Request, world: World, params: Params) -> Response:
    return JSONResponse(exchange_info(world.clock_ms()))


async def klines(request: Request, world: World, params: Params) -> Response:
    symbol = engine.spec_of(params.req("symbol")).symbol
    interval = params.req("interval")
    if interval not in INTERVALS_MS:
        raise ApiError(-1120, "Invalid interval.")
    limit = params.integer("limit", 500) or 500
    if not 1 <= limit <= 1500:
        raise ApiError(-1130, "Data sent for parameter 'limit' is not valid.")
    history = world.venues["binance_futures"].history
    rows = history.candles(
        symbol,
        interval,
        world.clock_ms(),
        limit,
        params.integer("startTime"),
        params.integer("endTime"),
    )
    return JSONResponse(rows)


async def ticker_price(request: Request, world: World, params: Params) -> Response:
    symbol = params.get("symbol").upper()
    now = world.clock_ms()

    def row(name: str) -> dict:
        return {"symbol": name, "price": views.s(engine.mark(world, name)), "time": now}

    if symbol:
        return JSONResponse(row(engine.spec_of(symbol).symbol))
    return JSONResponse([row(name) for name in CONTRACTS])


async def premium_index(request: Request, world: World, params: Params) -> Response:
    symbol = params.get("symbol").upper()
    now = world.clock_ms()

    def row(name: str) -> dict:
        price = views.s(engine.mark(world, name))
        return {
            "symbol": name, "markPrice": price, "indexPrice": price,
            "estimatedSettlePrice": price, "lastFundingRate": "0.00010000",
            "interestRate": "0.00010000", "nextFundingTime": (now // 28_800_000 + 1) * 28_800_000,
            "time": now,
        }  # fmt: skip

    if symbol:
        return JSONResponse(row(engine.spec_of(symbol).symbol))
    return JSONResponse([row(name) for name in CONTRACTS])

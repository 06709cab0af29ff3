"""The venue-neutral control API under ``/sim`` (JSON in, JSON out): health, prices, clock, faults.

Venue modules add their own control routes under ``/sim/<venue>/...`` from their ``install``;
``route()`` below gives them the same JSON conventions: a handler takes ``(request, world)`` and
returns a JSON-able value; raising ``ControlError`` (or ``ValueError``/``KeyError`` for a bad
field) answers ``400 {"error": "..."}``, ``NotFound`` answers 404. See docs/simulator.md.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from exchange_sim.faults import GLOBAL, KINDS
from exchange_sim.numbers import parse_decimal
from exchange_sim.world import World, wall_clock_ms

Handler = Callable[[Request, World], Awaitable[Any]]


class ControlError(Exception):
    """A bad control request (400)."""


class NotFound(ControlError):
    """The named account / order does not exist (404)."""


def route(world: World, path: str, handler: Handler, methods: list[str]) -> Route:
    """A ``/sim`` route whose handler returns JSON-able data; errors become 400/404 JSON."""

    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request, world)
        except NotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        except (ControlError, ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=400)
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    return Route(path, endpoint, methods=methods)


async def read_json(request: Request) -> dict[str, Any]:
    """The JSON object body ({} when empty)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ControlError(f"body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ControlError("body must be a JSON object")
    return data


def decimal_field(value: Any, name: str) -> Decimal:
    """A money field given as a string (or int) → Decimal; floats are refused on purpose."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ControlError(f"{name} must be a decimal string")
    parsed = parse_decimal(str(value))
    if parsed is None:
        raise ControlError(f"{name} is not a decimal: {value!r}")
    return parsed


def balances_field(value: Any) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise ControlError("balances must be an object {asset: amount}")
    out = {str(k).upper(): decimal_field(v, f"balances.{k}") for k, v in value.items()}
    if any(v < 0 for v in out.values()):
        raise ControlError("balances must not be negative")
    return out


# -- venue-neutral handlers ------------------------------------------------------------------


async def health(request: Request, world: World) -> Any:
    return {"status": "ok", "time": world.clock_ms(), "venues": sorted(world.venues)}


async def prices_get(request: Request, world: World) -> Any:
    return {symbol: str(price) for symbol, price in world.market.prices().items()}


async def prices_post(request: Request, world: World) -> Any:
    """Set (``prices`` / ``symbol``+``price``), move (``move_pct``), script or step prices."""
    body = await read_json(request)
    with world.lock:
        for symbol, price in (body.get("prices") or {}).items():
            world.market.set_price(symbol, decimal_field(price, f"prices.{symbol}"))
        symbol = body.get("symbol")
        if symbol is not None:
            _price_action(world, str(symbol).upper(), body)
    return await prices_get(request, world)


def _price_action(world: World, symbol: str, body: dict[str, Any]) -> None:
    if world.market.price(symbol) is None and "price" not in body:
        raise NotFound(f"unknown symbol {symbol}")
    if "price" in body:
        world.market.set_price(symbol, decimal_field(body["price"], "price"))
    if "move_pct" in body:
        world.market.move(symbol, decimal_field(body["move_pct"], "move_pct"))
    if "script" in body:
        world.market.script(symbol, [decimal_field(p, "script[]") for p in body["script"]])
    for _ in range(int(body.get("steps", 0))):
        world.market.step(symbol)


async def clock_post(request: Request, world: World) -> Any:
    """Skew the server clock (``offset_ms``), pin it (``fixed_ms``) or restore it (``{}``)."""
    body = await read_json(request)
    if "fixed_ms" in body:
        fixed = int(body["fixed_ms"])
        world.clock_ms = lambda: fixed
    elif body.get("offset_ms"):
        offset = int(body["offset_ms"])
        world.clock_ms = lambda: wall_clock_ms() + offset
    else:
        world.clock_ms = wall_clock_ms
    return {"serverTime": world.clock_ms()}


async def faults_list(request: Request, world: World) -> Any:
    return [fault.as_json() for fault in world.faults.list()]


async def faults_post(request: Request, world: World) -> Any:
    body = await read_json(request)
    kind = body.get("kind")
    if kind not in KINDS:
        raise ControlError(f"unknown fault kind {kind!r}; known: {sorted(KINDS)}")
    params = body.get("params") or {}
    if not isinstance(params, dict):
        raise ControlError("params must be an object")
    account = str(body.get("account") or GLOBAL)
    fault = world.faults.arm(kind, account=account, count=int(body.get("count", 1)), **params)
    return fault.as_json()


async def faults_delete(request: Request, world: World) -> Any:
    account = request.query_params.get("account")
    kind = request.query_params.get("kind")
    return {"cleared": world.faults.clear(account=account, kind=kind)}


async def reset(request: Request, world: World) -> Any:
    world.reset()
    return {"status": "ok"}


def install(world: World) -> list[BaseRoute]:
    return [
        route(world, "/sim/health", health, ["GET"]),
        route(world, "/sim/prices", prices_get, ["GET"]),
        route(world, "/sim/prices", prices_post, ["POST"]),
        route(world, "/sim/clock", clock_post, ["POST"]),
        route(world, "/sim/faults", faults_list, ["GET"]),
        route(world, "/sim/faults", faults_post, ["POST"]),
        route(world, "/sim/faults", faults_delete, ["DELETE"]),
        route(world, "/sim/reset", reset, ["POST"]),
    ]

"""Control routes for Bitget spot under ``/sim/bitget`` (accounts, balances, trades, orders)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute

from exchange_sim.bitget import engine, views
from exchange_sim.bitget.state import BitgetAccount, BitgetError, BitgetVenue
from exchange_sim.control import NotFound, balances_field, decimal_field, read_json, route
from exchange_sim.numbers import plain
from exchange_sim.world import World

VENUE = "bitget"


def venue_of(world: World) -> BitgetVenue:
    venue: BitgetVenue = world.venues[VENUE]
    return venue


def _account(request: Request, world: World) -> BitgetAccount:
    account = venue_of(world).find(request.path_params["account"])
    if account is None:
        raise NotFound(f"no Bitget account {request.path_params['account']!r}")
    return account


def balances_json(account: BitgetAccount) -> dict[str, dict[str, str]]:
    return {
        c: {"available": plain(a), "frozen": plain(f)} for c, (a, f) in account.balances.items()
    }


def summary(account: BitgetAccount, with_secret: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "account_id": account.account_id,
        "name": account.name,
        "api_key": account.api_key,
        "demo": account.demo,
        "fee_rate": str(account.fee_rate),
        "limit_fill_parts": account.limit_fill_parts,
        "balances": balances_json(account),
    }
    if with_secret:
        out["api_secret"] = account.api_secret
        out["passphrase"] = account.passphrase
    return out


async def create(request: Request, world: World) -> Any:
    body = await read_json(request)
    extra = {"fee_rate": decimal_field(body["fee_rate"], "fee_rate")} if "fee_rate" in body else {}
    with world.lock:
        account = venue_of(world).create_account(
            name=str(body.get("name") or ""),
            balances=balances_field(body.get("balances") or {}),
            api_key=body.get("api_key"),
            api_secret=body.get("api_secret"),
            passphrase=body.get("passphrase"),
            demo=bool(body.get("demo", False)),
            limit_fill_parts=int(body.get("limit_fill_parts", 1)),
            **extra,
        )
    return summary(account, with_secret=True)


async def list_accounts(request: Request, world: World) -> Any:
    return [summary(a) for a in venue_of(world).accounts.values()]


async def detail(request: Request, world: World) -> Any:
    return summary(_account(request, world))


async def balances_get(request: Request, world: World) -> Any:
    return balances_json(_account(request, world))


async def balances_put(request: Request, world: World) -> Any:
    account = _account(request, world)
    wanted = balances_field((await read_json(request)).get("balances"))
    with world.lock:
        for coin, amount in wanted.items():
            account.balance(coin)[0] = amount
        account.u_time = world.clock_ms()
        engine.push_account(venue_of(world), account, list(wanted))
    return balances_json(account)


async def trade(request: Request, world: World) -> Any:
    """Place an order for the account through the real engine (same pushes as an API order)."""
    account = _account(request, world)
    body = {k: str(v) for k, v in (await read_json(request)).items() if v is not None}
    venue = venue_of(world)
    try:
        with world.lock:
            order = engine.place(venue, account, body)
    except BitgetError as exc:
        return JSONResponse({"code": exc.code, "msg": exc.msg}, status_code=400)
    return views.order_info(order)


async def orders(request: Request, world: World) -> Any:
    account = _account(request, world)
    return [views.order_info(o) for o in account.orders.values()]


def install(world: World) -> list[BaseRoute]:
    base = "/sim/bitget/accounts"
    one = base + "/{account}"
    return [
        route(world, base, create, ["POST"]),
        route(world, base, list_accounts, ["GET"]),
        route(world, one, detail, ["GET"]),
        route(world, one + "/balances", balances_get, ["GET"]),
        route(world, one + "/balances", balances_put, ["PUT", "POST"]),
        route(world, one + "/trade", trade, ["POST"]),
        route(world, one + "/orders", orders, ["GET"]),
    ]

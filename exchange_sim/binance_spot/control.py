"""Control routes for Binance spot under ``/sim/binance`` (accounts, balances, trades, orders)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute

from exchange_sim.binance_spot import engine, views
from exchange_sim.binance_spot.state import BinanceError, SpotAccount, SpotVenue
from exchange_sim.binance_spot.validate import parse_new_order
from exchange_sim.control import NotFound, balances_field, decimal_field, read_json, route
from exchange_sim.numbers import fmt8
from exchange_sim.world import World

VENUE = "binance_spot"


def venue_of(world: World) -> SpotVenue:
    venue: SpotVenue = world.venues[VENUE]
    return venue


def _account(request: Request, world: World) -> SpotAccount:
    account = venue_of(world).find(request.path_params["account"])
    if account is None:
        raise NotFound(f"no Binance spot account {request.path_params['account']!r}")
    return account


def summary(account: SpotAccount, with_secret: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "account_id": account.account_id,
        "name": account.name,
        "api_key": account.api_key,
        "maker_rate": str(account.maker_rate),
        "taker_rate": str(account.taker_rate),
        "limit_fill_parts": account.limit_fill_parts,
        "key_type": "ED25519" if account.ed25519_key is not None else "HMAC",
        "balances": balances_json(account),
    }
    if with_secret:
        out["api_secret"] = account.api_secret
    return out


def balances_json(account: SpotAccount) -> dict[str, dict[str, str]]:
    return {a: {"free": fmt8(f), "locked": fmt8(lk)} for a, (f, lk) in account.balances.items()}


async def create(request: Request, world: World) -> Any:
    body = await read_json(request)
    rates = {k: decimal_field(body[k], k) for k in ("maker_rate", "taker_rate") if k in body}
    with world.lock:
        account = venue_of(world).create_account(
            name=str(body.get("name") or ""),
            balances=balances_field(body.get("balances") or {}),
            api_key=body.get("api_key"),
            api_secret=body.get("api_secret"),
            limit_fill_parts=int(body.get("limit_fill_parts", 1)),
            ed25519_public_key=body.get("ed25519_public_key"),
            **rates,
        )
    return summary(account, with_secret=True)


async def list_accounts(request: Request, world: World) -> Any:
    return [summary(a) for a in venue_of(world).accounts.values()]


async def detail(request: Request, world: World) -> Any:
    return summary(_account(request, world))


async def balances_get(request: Request, world: World) -> Any:
    return balances_json(_account(request, world))


async def balances_put(request: Request, world: World) -> Any:
    """Set free balances of the given assets (a deposit/withdrawal: ``balanceUpdate`` event)."""
    account = _account(request, world)
    wanted = balances_field((await read_json(request)).get("balances"))
    venue = venue_of(world)
    with world.lock:
        now = world.clock_ms()
        for asset, amount in wanted.items():
            row = account.balance(asset)
            delta, row[0] = amount - row[0], amount
            account.update_time = now
            event = {"e": "balanceUpdate", "E": now, "a": asset, "d": fmt8(delta), "T": now}
            venue.user_hub.publish(account.api_key, event)
        if wanted:
            position = views.account_position(account, list(wanted), now)
            venue.user_hub.publish(account.api_key, position)
    return balances_json(account)


def _as_params(body: dict[str, Any]) -> dict[str, str]:
    params = {k: str(v) for k, v in body.items() if v is not None}
    params.setdefault("type", "MARKET")
    return params


async def trade(request: Request, world: World) -> Any:
    """Place an order for the account through the real engine (same events as an API order)."""
    account = _account(request, world)
    params = _as_params(await read_json(request))
    params["newOrderRespType"] = "FULL"
    venue = venue_of(world)
    try:
        with world.lock:
            order = engine.place(venue, account, parse_new_order(params))
    except BinanceError as exc:
        return JSONResponse({"code": exc.code, "msg": exc.msg}, status_code=400)
    return views.order_full(order, order.time)


async def orders(request: Request, world: World) -> Any:
    account = _account(request, world)
    status = request.query_params.get("status")
    symbol = request.query_params.get("symbol")
    return [
        views.order_query(o)
        for o in account.orders.values()
        if (not status or o.status == status) and (not symbol or o.symbol == symbol.upper())
    ]


async def trades(request: Request, world: World) -> Any:
    return [views.my_trade(t) for t in _account(request, world).trades]


def install(world: World) -> list[BaseRoute]:
    base = "/sim/binance/accounts"
    one = base + "/{account}"
    return [
        route(world, base, create, ["POST"]),
        route(world, base, list_accounts, ["GET"]),
        route(world, one, detail, ["GET"]),
        route(world, one + "/balances", balances_get, ["GET"]),
        route(world, one + "/balances", balances_put, ["PUT", "POST"]),
        route(world, one + "/trade", trade, ["POST"]),
        route(world, one + "/orders", orders, ["GET"]),
        route(world, one + "/trades", trades, ["GET"]),
    ]

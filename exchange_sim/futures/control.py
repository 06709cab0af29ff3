"""Control API for futures under ``/sim/futures`` (see docs/simulator.md).

- ``POST /sim/futures/accounts`` ``{"api_key"?, "secret"?, "balance": "10000", "leverage"?}``
  → ``{"api_key", "secret", "balance"}``
- ``GET /sim/futures/accounts/{api_key}`` → wallet, positions, open orders and algo orders
- ``POST /sim/futures/accounts/{api_key}/balance`` ``{"balance": "500"}`` sets the wallet
- ``POST /sim/futures/accounts/{api_key}/listen-key/expire`` expires the user stream now
- ``POST /sim/futures/accounts/{api_key}/settings`` ``{"can_withdraw"?, "dual_side"?,
  "multi_assets"?}`` sets the key's withdrawal permission and the account's modes (the creation
  body accepts the same keys)
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from exchange_sim.control import NotFound, decimal_field, read_json, route
from exchange_sim.futures import engine, stream, views
from exchange_sim.futures.state import Account, FuturesState
from exchange_sim.world import World


def _state(world: World) -> FuturesState:
    return world.venues["binance_futures"]


def create_account(world: World, api_key: str, secret: str, balance: Any) -> Account:
    state = _state(world)
    with world.lock:
        if api_key in state.accounts:
            raise ValueError(f"api_key {api_key} already exists")
        acc = Account(api_key=api_key, secret=secret, wallet=balance)
        state.accounts[api_key] = acc
    return acc


async def accounts_post(request: Request, world: World) -> Any:
    body = await read_json(request)
    api_key = str(body.get("api_key") or secrets.token_hex(32))
    secret = str(body.get("secret") or secrets.token_hex(32))
    balance = decimal_field(body.get("balance", "10000"), "balance")
    acc = create_account(world, api_key, secret, balance)
    _apply_settings(acc, body)
    if "leverage" in body:
        for symbol in body.get("symbols") or ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT"]:
            acc.leverage[symbol] = int(body["leverage"])
    return {"api_key": acc.api_key, "secret": acc.secret, "balance": views.s(acc.wallet)}


def _account(request: Request, world: World) -> Account:
    acc = _state(world).accounts.get(request.path_params["api_key"])
    if acc is None:
        raise NotFound("unknown futures account")
    return acc


async def account_get(request: Request, world: World) -> Any:
    acc = _account(request, world)
    with world.lock:
        return {
            "api_key": acc.api_key,
            "wallet": views.s(acc.wallet),
            "available": views.s(engine.available(world, acc)),
            "positions": [
                views.position_v3(acc, p, engine.mark(world, p.symbol))
                for p in acc.positions.values()
                if p.amount
            ],
            "orders": [views.order_json(o) for o in acc.orders.values()],
            "algo_orders": [views.algo_json(a) for a in acc.algos.values()],
            "listen_key": acc.listen_key,
        }


async def balance_post(request: Request, world: World) -> Any:
    acc = _account(request, world)
    body = await read_json(request)
    with world.lock:
        acc.wallet = decimal_field(body.get("balance"), "balance")
    return {"api_key": acc.api_key, "wallet": views.s(acc.wallet)}


SETTINGS = ("can_withdraw", "dual_side", "multi_assets")


def _apply_settings(acc: Account, body: dict[str, Any]) -> None:
    for name in SETTINGS:
        if name in body:
            setattr(acc, name, bool(body[name]))


async def settings_post(request: Request, world: World) -> Any:
    acc = _account(request, world)
    body = await read_json(request)
    with world.lock:
        _apply_settings(acc, body)
    return {name: getattr(acc, name) for name in SETTINGS}


async def expire_key(request: Request, world: World) -> Any:
    acc = _account(request, world)
    with world.lock:
        had = bool(acc.listen_key)
        if had:
            stream.expire(world, acc)
    return {"expired": had}


def routes(world: World) -> list[BaseRoute]:
    base = "/sim/futures/accounts"
    return [
        route(world, base, accounts_post, ["POST"]),
        route(world, base + "/{api_key}", account_get, ["GET"]),
        route(world, base + "/{api_key}/balance", balance_post, ["POST"]),
        route(world, base + "/{api_key}/listen-key/expire", expire_key, ["POST"]),
        route(world, base + "/{api_key}/settings", settings_post, ["POST"]),
    ]

"""Control API for Binance Alpha under ``/sim/alpha`` (see docs/simulator.md, "Binance Alpha").

- ``POST /sim/alpha/tokens`` ``{"price", "alphaId"?, "symbol"?, "name"?, "tradeDecimal"?,
  "pricePrecision"?, "mulPoint"?, "minNotional"?, "decimals"?, "offline"?}`` → the token
  (a new ``ALPHA_<n>`` when ``alphaId`` is omitted; an existing one is updated);
  ``GET /sim/alpha/tokens``
- ``POST /sim/alpha/tokens/{alphaId}/price`` ``{"price"}`` (also ``POST /sim/prices`` with the
  symbol ``ALPHA_<n>USDT``: Alpha prices live in the shared market)
- ``POST /sim/alpha/sessions/{session_id}/fund`` ``{"balances": {"USDT": "100", "ALPHA_101":
  "5"}, "mode"?: "set"|"add"}`` — the web user's free balances (shared with event contracts)
- ``GET /sim/alpha/sessions/{session_id}`` balances, locked, today's volume;
  ``GET /sim/alpha/sessions/{session_id}/orders`` every Alpha order of the session's user
- ``POST /sim/alpha/config`` ``{"auto_fill", "fill_parts", "fee_rate", "max_open"}`` (any subset)
- ``POST /sim/alpha/orders/{orderId}/fill`` ``{"qty"?, "price"?}`` fill (part of) an open order
  now, at its own price unless ``price`` is given
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from exchange_sim.alpha import engine
from exchange_sim.alpha.rest import alpha_of, token_json
from exchange_sim.alpha.state import AlphaConfig, AlphaState, Token, s8
from exchange_sim.control import (
    ControlError,
    NotFound,
    balances_field,
    decimal_field,
    read_json,
    route,
)
from exchange_sim.web.session import WebSession, state_of
from exchange_sim.world import World


def create_token(world: World, body: dict[str, Any]) -> Token:
    """Create or update a token and put its price in the market (caller holds the lock)."""
    st = alpha_of(world)
    alpha_id = str(body.get("alphaId") or "")
    if not alpha_id:
        while f"ALPHA_{st.next_alpha}" in st.tokens:
            st.next_alpha += 1
        alpha_id = f"ALPHA_{st.next_alpha}"
    if not alpha_id.startswith("ALPHA_") or not alpha_id[6:].isdigit():
        raise ControlError("alphaId must look like ALPHA_<n>")
    token = st.tokens.get(alpha_id)
    if token is None:
        if "price" not in body:
            raise ControlError("price is required for a new token")
        n = alpha_id[6:]
        digest = hashlib.sha256(alpha_id.encode()).hexdigest()
        token = Token(alpha_id=alpha_id, symbol=str(body.get("symbol") or f"TKN{n}"),
                      name=str(body.get("name") or f"Token {n}"), contract_address=f"0x{digest[:40]}",
                      listing_ms=world.clock_ms())  # fmt: skip
    _apply(token, body)
    st.add_token(token)
    symbol = token.trading_symbol()
    if "price" in body:
        price = decimal_field(body["price"], "price")
        if price <= 0 or price % token.tick:
            raise ControlError(f"price must be a positive multiple of {token.tick}")
        price = price.quantize(token.tick)  # klines and the seeded walk keep the token's decimals
        assert st.history is not None
        st.history.anchor(symbol, price)
        world.market.set_price(symbol, price)
    return token


def _apply(token: Token, body: dict[str, Any]) -> None:
    for key, attr in (("symbol", "symbol"), ("name", "name"), ("chainId", "chain_id")):
        if key in body:
            setattr(token, attr, str(body[key]))
    for key, attr in (("tradeDecimal", "trade_decimal"), ("pricePrecision", "price_decimal"),
                      ("decimals", "decimals")):  # fmt: skip
        if key in body:
            value = int(body[key])
            if not 0 <= value <= 18:
                raise ControlError(f"{key} must be 0..18")
            setattr(token, attr, value)
    for key, attr in (("mulPoint", "mul_point"), ("minNotional", "min_notional")):
        if key in body:
            setattr(token, attr, decimal_field(body[key], key))
    if "offline" in body:
        token.offline = bool(body["offline"])
    if "offsell" in body:
        token.offsell = bool(body["offsell"])


async def tokens_post(request: Request, world: World) -> Any:
    body = await read_json(request)
    with world.lock:
        return token_json(world, create_token(world, body))


async def tokens_get(request: Request, world: World) -> Any:
    with world.lock:
        return [token_json(world, t) for t in alpha_of(world).tokens.values()]


async def token_price(request: Request, world: World) -> Any:
    body = await read_json(request)
    with world.lock:
        if request.path_params["alpha_id"] not in alpha_of(world).tokens:
            raise NotFound("unknown alphaId")
        token = create_token(world, {"alphaId": request.path_params["alpha_id"],
                                     "price": body.get("price")})  # fmt: skip
        return token_json(world, token)


def _session(request: Request, world: World) -> WebSession:
    session = state_of(world).sessions.get(request.path_params["session_id"])
    if session is None:
        raise NotFound("unknown web session")
    return session


def session_summary(world: World, session: WebSession) -> dict[str, Any]:
    st = alpha_of(world)
    user = state_of(world).users[session.user_id]
    return {
        "session_id": session.session_id,
        "user_id": user.user_id,
        "balances": {k: str(v) for k, v in user.balances.items()},
        "locked": {k: str(v) for k, v in st.locked[user.user_id].items() if v},
        "today_volume": {
            k: str(v) for k, v in engine.today_volume(world, st, user.user_id).items()
        },
        "listen_key": st.session_keys.get(session.session_id),
    }


async def fund(request: Request, world: World) -> Any:
    body = await read_json(request)
    balances = balances_field(body.get("balances") or {})
    mode = body.get("mode", "set")
    if mode not in ("set", "add"):
        raise ControlError("mode must be set or add")
    with world.lock:
        session = _session(request, world)
        user = state_of(world).users[session.user_id]
        for asset, amount in balances.items():
            user.balances[asset] = amount + (user.balance(asset) if mode == "add" else 0)
        return session_summary(world, session)


async def session_get(request: Request, world: World) -> Any:
    with world.lock:
        return session_summary(world, _session(request, world))


async def session_orders(request: Request, world: World) -> Any:
    with world.lock:
        session = _session(request, world)
        orders = sorted(alpha_of(world).user_orders(session.user_id), key=lambda o: o.order_id)
        return [o.row() | {"session_id": o.session_id, "locked": s8(o.locked)} for o in orders]


def config_json(cfg: AlphaConfig) -> dict[str, Any]:
    return {"auto_fill": cfg.auto_fill, "fill_parts": cfg.fill_parts,
            "fee_rate": str(cfg.fee_rate), "max_open": cfg.max_open,
            "listen_key_ttl_ms": cfg.listen_key_ttl_ms}  # fmt: skip


async def config_post(request: Request, world: World) -> Any:
    body = await read_json(request)
    with world.lock:
        cfg = alpha_of(world).config
        if "auto_fill" in body:
            cfg.auto_fill = bool(body["auto_fill"])
        if "fill_parts" in body:
            if int(body["fill_parts"]) < 1:
                raise ControlError("fill_parts must be >= 1")
            cfg.fill_parts = int(body["fill_parts"])
        if "fee_rate" in body:
            cfg.fee_rate = decimal_field(body["fee_rate"], "fee_rate")
        if "max_open" in body:
            cfg.max_open = int(body["max_open"])
        if "listen_key_ttl_ms" in body:
            cfg.listen_key_ttl_ms = int(body["listen_key_ttl_ms"])
        return config_json(cfg)


async def order_fill(request: Request, world: World) -> Any:
    body = await read_json(request)
    with world.lock:
        st = alpha_of(world)
        order = st.orders.get(int(request.path_params["order_id"]))
        if order is None:
            raise NotFound("unknown Alpha order")
        if order.status not in ("NEW", "PARTIALLY_FILLED"):
            raise ControlError(f"order is {order.status}")
        qty = decimal_field(body["qty"], "qty") if "qty" in body else order.remaining
        price = decimal_field(body["price"], "price") if "price" in body else order.price
        if (price > order.price) if order.side == "BUY" else (price < order.price):
            raise ControlError("price must be at or better than the order's limit price")
        if qty <= 0 or qty > order.remaining or qty % order.token.step:
            raise ControlError(f"qty must be a multiple of {order.token.step} up to the remainder")
        engine.fill(world, st, order, qty, price, maker=True)
        return order.row()


def reset_config(st: AlphaState) -> None:
    st.config = AlphaConfig()


def routes(world: World) -> list[BaseRoute]:
    p = "/sim/alpha"
    return [
        route(world, f"{p}/tokens", tokens_post, ["POST"]),
        route(world, f"{p}/tokens", tokens_get, ["GET"]),
        route(world, p + "/tokens/{alpha_id}/price", token_price, ["POST"]),
        route(world, p + "/sessions/{session_id}", session_get, ["GET"]),
        route(world, p + "/sessions/{session_id}/fund", fund, ["POST"]),
        route(world, p + "/sessions/{session_id}/orders", session_orders, ["GET"]),
        route(world, f"{p}/config", config_post, ["POST"]),
        route(world, p + "/orders/{order_id}/fill", order_fill, ["POST"]),
    ]

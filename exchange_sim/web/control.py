"""Control API for Binance web under ``/sim/web`` (see docs/simulator.md).

- ``POST /sim/web/sessions`` ``{"balances"?: {"USDT": "100"}, "user_id"?, "ttl_s"?}`` →
  ``{"session_id", "user_id", "csrftoken", "p20t", "expirationTimestamp" (s), "expires_ms"}``
- ``GET /sim/web/sessions/{id}``; ``POST /sim/web/sessions/{id}/expire``
- ``GET /sim/web/sessions/{id}/event-orders`` every event order of the session's user
- ``POST /sim/web/users/{user_id}`` ``{"balances"?, "unavailable"?: bool}``
- ``POST /sim/web/config`` ``{"session_ttl_s", "qr_ttl_s", "qr_auto_confirm_s",
  "event_payout": {"BTCUSDT:TEN_MINUTE": "0.85"}, "event_default_payout", "event_min_stake",
  "event_max_stake", "event_max_open"}`` (any subset) → the whole config
- ``GET /sim/web/qr``; ``POST /sim/web/qr/{code}/scan``;
  ``POST /sim/web/qr/{code}/confirm`` ``{"user_id"?, "balances"?}`` → the session
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from exchange_sim.control import (
    ControlError,
    NotFound,
    balances_field,
    decimal_field,
    read_json,
    route,
)
from exchange_sim.web import event, qr
from exchange_sim.web.session import WebError, WebSession, state_of
from exchange_sim.world import World


def session_json(world: World, session: WebSession) -> dict[str, Any]:
    user = state_of(world).users[session.user_id]
    return {
        "session_id": session.session_id,
        "user_id": session.user_id,
        "csrftoken": session.csrftoken,
        "p20t": session.p20t,
        "expirationTimestamp": session.expires_ms // 1000,
        "expires_ms": session.expires_ms,
        "live": session.live(world.clock_ms()),
        "balances": {k: str(v) for k, v in user.balances.items()},
    }


def _session(request: Request, world: World) -> WebSession:
    session = state_of(world).sessions.get(request.path_params["session_id"])
    if session is None:
        raise NotFound("unknown web session")
    return session


async def sessions_post(request: Request, world: World) -> Any:
    body = await read_json(request)
    state = state_of(world)
    with world.lock:
        user = state.user(body.get("user_id"))
        user.balances.update(balances_field(body.get("balances") or {}))
        ttl = int(body["ttl_s"]) if "ttl_s" in body else None
        session = state.new_session(user, world.clock_ms(), ttl)
        return session_json(world, session)


async def session_get(request: Request, world: World) -> Any:
    with world.lock:
        return session_json(world, _session(request, world))


async def session_expire(request: Request, world: World) -> Any:
    with world.lock:
        session = _session(request, world)
        session.revoked = True
        return session_json(world, session)


async def event_orders(request: Request, world: World) -> Any:
    with world.lock:
        session = _session(request, world)
        event.settle_due(world)
        mine = [o for o in event.orders(state_of(world)) if o.user_id == session.user_id]
        return [o.row() | {"session_id": o.session_id} for o in mine]


async def user_post(request: Request, world: World) -> Any:
    body = await read_json(request)
    with world.lock:
        user = state_of(world).user(request.path_params["user_id"])
        user.balances.update(balances_field(body.get("balances") or {}))
        if "unavailable" in body:
            user.unavailable = bool(body["unavailable"])
        return {"user_id": user.user_id, "balances": {k: str(v) for k, v in user.balances.items()}}


INT_FIELDS = ("session_ttl_s", "qr_ttl_s", "event_max_open")
DEC_FIELDS = ("event_default_payout", "event_min_stake", "event_max_stake")


async def config_post(request: Request, world: World) -> Any:
    body = await read_json(request)
    cfg = state_of(world).config
    with world.lock:
        for name in INT_FIELDS:
            if name in body:
                setattr(cfg, name, int(body[name]))
        for name in DEC_FIELDS:
            if name in body:
                setattr(cfg, name, decimal_field(body[name], name))
        if "qr_auto_confirm_s" in body:
            cfg.qr_auto_confirm_s = float(body["qr_auto_confirm_s"])
        for key, ratio in (body.get("event_payout") or {}).items():
            cfg.event_payout[str(key)] = decimal_field(ratio, f"event_payout.{key}")
    return _config_json(cfg)


def _config_json(cfg: Any) -> dict[str, Any]:
    out = {name: getattr(cfg, name) for name in (*INT_FIELDS, "qr_auto_confirm_s")}
    out.update({name: str(getattr(cfg, name)) for name in DEC_FIELDS})
    out["event_payout"] = {k: str(v) for k, v in cfg.event_payout.items()}
    return out


async def qr_list(request: Request, world: World) -> Any:
    with world.lock:
        return [
            {"qrCode": q.code, "status": qr.current(world, q), "session_id": q.session_id}
            for q in qr.codes(state_of(world)).values()
        ]


def _qr(request: Request, world: World) -> qr.QrLogin:
    try:
        return qr.find(world, request.path_params["code"])
    except WebError:
        raise NotFound("unknown qrCode") from None


async def qr_scan(request: Request, world: World) -> Any:
    with world.lock:
        code = _qr(request, world)
        if qr.current(world, code) not in ("NEW", "SCAN"):
            raise ControlError(f"qrCode is {code.status}")
        code.status = "SCAN"
        return {"qrCode": code.code, "status": code.status}


async def qr_confirm(request: Request, world: World) -> Any:
    body = await read_json(request)
    with world.lock:
        code = _qr(request, world)
        if qr.current(world, code) == "EXPIRED":
            raise ControlError("qrCode is EXPIRED")
        code.user_id = str(body.get("user_id") or code.user_id)
        code.balances = balances_field(body.get("balances") or {"USDT": "1000"})
        return session_json(world, qr.confirm(world, code))


def routes(world: World) -> list[BaseRoute]:
    s = "/sim/web/sessions"
    return [
        route(world, s, sessions_post, ["POST"]),
        route(world, s + "/{session_id}", session_get, ["GET"]),
        route(world, s + "/{session_id}/expire", session_expire, ["POST"]),
        route(world, s + "/{session_id}/event-orders", event_orders, ["GET"]),
        route(world, "/sim/web/users/{user_id}", user_post, ["POST"]),
        route(world, "/sim/web/config", config_post, ["POST"]),
        route(world, "/sim/web/qr", qr_list, ["GET"]),
        route(world, "/sim/web/qr/{code}/scan", qr_scan, ["POST"]),
        route(world, "/sim/web/qr/{code}/confirm", qr_confirm, ["POST"]),
    ]

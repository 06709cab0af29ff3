"""Binance web QR-code login (docs/protocols.md §6) on the ``accounts.binance.com`` paths.

1. ``POST /bapi/accounts/v2/public/qrcode/login/get`` → ``data: {qrCode}`` (v1: ``data`` = code).
2. ``POST /bapi/accounts/v{1,2}/public/qrcode/login/query`` ``{qrCode}`` → ``data: {status}`` with
   status ``NEW`` → ``SCAN`` (the app scanned it) → ``CONFIRM`` (the user confirmed), or
   ``EXPIRED`` once ``qr_ttl_s`` (default 60 s) passed unconfirmed; an unknown code answers
   success with status ``EXPIRED`` too (as the venue does), never an error. The operator drives
   it with ``POST /sim/web/qr/{qrCode}/scan`` and ``/confirm``, or ``qr_auto_confirm_s`` confirms
   by itself. The CONFIRM reply creates the web session and carries it in cookies only (web
   clients get no token in the body): ``Set-Cookie: p20t=...; Max-Age=...`` and ``csrftoken=...``.
3. ``POST /bapi/accounts/v2/private/authcenter/setTrustDevice`` (header ``csrftoken`` + cookie
   ``p20t``) answers ``Set-Cookie: p20t=<same>; Max-Age=<seconds left>`` and a ``Date`` header:
   ``expirationTimestamp = Date + Max-Age`` (exact: sessions expire on whole seconds).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from email.utils import formatdate

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.web.common import json_body
from exchange_sim.web.session import (
    WebError,
    WebSession,
    WebState,
    WebUser,
    envelope,
    ok,
    state_of,
)
from exchange_sim.world import World


@dataclass
class QrLogin:
    """One login QR code and who confirmed it."""

    code: str
    created_ms: int
    status: str = "NEW"
    session_id: str = ""
    user_id: str = ""  # bind to this web user on confirm (else a new user)
    balances: dict[str, Decimal] = field(default_factory=dict)


def codes(state: WebState) -> dict[str, QrLogin]:
    return state.extra.setdefault("qr", {})


def current(world: World, qr: QrLogin) -> str:
    """The code's status now: applies expiry and the auto-confirm option."""
    state, now = state_of(world), world.clock_ms()
    if qr.status in ("NEW", "SCAN"):
        age_s = (now - qr.created_ms) / 1000
        auto = state.config.qr_auto_confirm_s
        if 0 <= auto <= age_s < state.config.qr_ttl_s:
            confirm(world, qr)
        elif age_s >= state.config.qr_ttl_s:
            qr.status = "EXPIRED"
        elif 0 <= auto / 2 <= age_s:
            qr.status = "SCAN"
    return qr.status


def confirm(world: World, qr: QrLogin) -> WebSession:
    """The user confirmed in the app: create (once) the session this code logs in."""
    state = state_of(world)
    if qr.session_id:
        return state.sessions[qr.session_id]
    user = state.user(qr.user_id or None)
    for asset, amount in qr.balances.items():
        user.balances[asset] = amount
    session = state.new_session(user, world.clock_ms())
    qr.status, qr.session_id = "CONFIRM", session.session_id
    return session


async def get_code(request: Request, world: World) -> Response:
    await json_body(request)  # {"random": ...} is accepted and ignored
    code = secrets.token_hex(16)
    with world.lock:
        codes(state_of(world))[code] = QrLogin(code=code, created_ms=world.clock_ms())
    if "/v1/" in request.url.path:
        return ok(code)
    return ok({"qrCode": code, "originalQrCode": code})


async def query(request: Request, world: World) -> Response:
    body = await json_body(request)
    with world.lock:
        qr = codes(state_of(world)).get(str(body.get("qrCode", "")))
        if qr is None:
            return ok({"status": "EXPIRED"})
        status = current(world, qr)
        if status != "CONFIRM":
            return ok({"status": status})
        session = state_of(world).sessions[qr.session_id]
    response = JSONResponse(envelope({"status": "CONFIRM", "bncLocation": ""}))
    _set_session_cookies(response, session, world.clock_ms())
    return response


def _set_session_cookies(response: Response, session: WebSession, now: int) -> None:
    max_age = max(0, session.expires_ms // 1000 - now // 1000)
    response.set_cookie("p20t", session.p20t, max_age=max_age, path="/", httponly=True)
    response.set_cookie("csrftoken", session.csrftoken, max_age=max_age, path="/")


async def trust_device(
    request: Request, world: World, session: WebSession, user: WebUser
) -> Response:
    now = world.clock_ms()
    response = ok(True)
    _set_session_cookies(response, session, now)
    response.headers["Date"] = formatdate(now // 1000, usegmt=True)
    return response


def find(world: World, code: str) -> QrLogin:
    qr = codes(state_of(world)).get(code)
    if qr is None:
        raise WebError("404", "unknown qrCode")
    return qr

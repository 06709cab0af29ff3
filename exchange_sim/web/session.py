"""Binance web sessions (shared by Alpha and event contracts) and the ``bapi`` envelope.

A session is (csrftoken, p20t, expiry) bound to one web user (balances, orders). It is created
by the QR login flow or by ``POST /sim/web/sessions``. Private requests must carry the header
``csrftoken`` and the cookie ``p20t`` of one live session; anything else answers HTTP 200 with
``{"code":"100002001","message":"login state has expired, please log in again",...,
"success":false}``. Faults (keyed by session id): ``session_expired`` / ``reject_auth`` (same
answer), ``rate_limit`` (HTTP 429 then 418 with Retry-After, envelope code ``"429"``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from exchange_sim.throttle import Throttle
from exchange_sim.world import World

EXPIRED_CODE = "100002001"
EXPIRED_MSG = "login state has expired, please log in again"
PARAM_CODE = "000002"  # bapi's "illegal parameter"


class WebError(Exception):
    """A failed ``bapi`` envelope (HTTP 200 unless ``status`` says otherwise)."""

    def __init__(self, code: str, message: str, status: int = 200, headers: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        body = {
            "code": self.code,
            "message": self.message,
            "messageDetail": message_detail(),
            "data": None,
            "success": False,
        }
        return JSONResponse(body, status_code=self.status, headers=self.headers)


MESSAGE_DETAIL_FIELDS = ("title", "type", "icon", "action", "linkTitle", "linkUrl")


def message_detail() -> dict[str, None]:
    """A refusal's ``messageDetail``: an object for the page's dialog (captured 2026 v2 replies
    carry these six fields, all null), never the message again (docs/simulator.md)."""
    return dict.fromkeys(MESSAGE_DETAIL_FIELDS)


def bad_param(message: str) -> WebError:
    return WebError(PARAM_CODE, message)


def ok(data: Any) -> JSONResponse:
    return JSONResponse(envelope(data))


def envelope(data: Any) -> dict[str, Any]:
    return {"code": "000000", "message": None, "messageDetail": None, "data": data, "success": True}


@dataclass
class WebUser:
    """One Binance web user: balances by asset (USDT, ALPHA_175, ...) and venue-specific state."""

    user_id: str
    balances: dict[str, Decimal] = field(default_factory=dict)
    unavailable: bool = False  # event contracts answer 93420004 "account unavailable"

    def balance(self, asset: str) -> Decimal:
        return self.balances.get(asset, Decimal(0))


@dataclass
class WebSession:
    """One logged-in browser session."""

    session_id: str
    user_id: str
    csrftoken: str
    p20t: str
    expires_ms: int
    revoked: bool = False

    def live(self, now: int) -> bool:
        return not self.revoked and now < self.expires_ms


@dataclass
class WebConfig:
    """Runtime knobs, editable through ``POST /sim/web/config``."""

    session_ttl_s: int = 5 * 86_400
    qr_ttl_s: int = 60
    qr_auto_confirm_s: float = -1  # ≥ 0: a QR code confirms itself that long after creation
    event_payout: dict[str, Decimal] = field(default_factory=dict)  # "BTCUSDT:TEN_MINUTE" → ratio
    event_default_payout: Decimal = Decimal("0.80")
    event_min_stake: Decimal = Decimal("5")
    event_max_stake: Decimal = Decimal("250")
    event_max_open: int = 5  # the venue's open event contracts per account (93420018 beyond)


@dataclass
class WebState:
    """``world.venues["binance_web"]``."""

    users: dict[str, WebUser] = field(default_factory=dict)
    sessions: dict[str, WebSession] = field(default_factory=dict)
    by_p20t: dict[str, str] = field(default_factory=dict)
    config: WebConfig = field(default_factory=WebConfig)
    throttle: Throttle = field(default_factory=Throttle)
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, user_id: str | None = None) -> WebUser:
        user_id = user_id or f"u{secrets.token_hex(6)}"
        return self.users.setdefault(user_id, WebUser(user_id))

    def new_session(self, user: WebUser, now: int, ttl_s: int | None = None) -> WebSession:
        ttl = self.config.session_ttl_s if ttl_s is None else ttl_s
        expires = (now // 1000 + ttl) * 1000  # whole seconds: Date + Max-Age reproduces it
        session = WebSession(
            session_id=f"s{secrets.token_hex(8)}",
            user_id=user.user_id,
            csrftoken=secrets.token_hex(16),
            p20t=f"web.{secrets.randbelow(10**9)}.{secrets.token_hex(24).upper()}",
            expires_ms=expires,
        )
        self.sessions[session.session_id] = session
        self.by_p20t[session.p20t] = session.session_id
        return session


def state_of(world: World) -> WebState:
    return world.venues["binance_web"]


def authenticate(request: Request, world: World) -> tuple[WebSession, WebUser]:
    """The live session named by header ``csrftoken`` + cookie ``p20t`` (and its faults)."""
    state = state_of(world)
    p20t = request.cookies.get("p20t", "")
    session = state.sessions.get(state.by_p20t.get(p20t, ""))
    csrf = request.headers.get("csrftoken", "")
    if session is None or not csrf or not secrets.compare_digest(csrf, session.csrftoken):
        raise WebError(EXPIRED_CODE, EXPIRED_MSG)
    faults = world.faults
    if faults.take("session_expired", session.session_id) or faults.take(
        "reject_auth", session.session_id
    ):
        session.revoked = True
    if not session.live(world.clock_ms()):
        raise WebError(EXPIRED_CODE, EXPIRED_MSG)
    refused = state.throttle.check(faults, session.session_id)
    if refused is not None:
        status, retry = refused
        raise WebError("429", "Too many requests", status, {"Retry-After": str(retry)})
    return session, state.users[session.user_id]

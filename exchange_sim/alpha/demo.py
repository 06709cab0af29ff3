"""Demo Alpha tokens and a fixed, funded web session for ``runsim --demo`` (loopback only: the
session's ``csrftoken`` / ``p20t`` are public on purpose, like the demo API keys)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exchange_sim.alpha import alpha_state
from exchange_sim.alpha.control import create_token
from exchange_sim.web.session import WebSession, state_of
from exchange_sim.world import World

DEMO_TOKENS: list[dict[str, Any]] = [
    {"alphaId": "ALPHA_175", "symbol": "AITECH", "name": "Aitech", "price": "0.0123",
     "mulPoint": "4"},
    {"alphaId": "ALPHA_373", "symbol": "B2", "name": "BSquared", "price": "0.23", "mulPoint": "1"},
]  # fmt: skip
DEMO_USER = "alpha-trader"
DEMO_CSRFTOKEN = "demo-alpha-trader-csrftoken"
DEMO_P20T = "web.0.DEMOALPHATRADER"
DEMO_BALANCES = {"USDT": Decimal("1000"), "ALPHA_175": Decimal("500")}


def create_demo_alpha(world: World) -> list[dict[str, Any]]:
    """The demo tokens and the ``alpha-trader`` web session (idempotent per world). Called
    before the app is built (``runsim --demo``), it only marks the world: the Alpha module's
    ``install`` creates them once the web sessions exist."""
    st = alpha_state(world)
    if "binance_web" not in world.venues:
        st.demo_pending = True
        return _summary()
    web = state_of(world)
    with world.lock:
        for spec in DEMO_TOKENS:
            if spec["alphaId"] not in st.tokens:
                create_token(world, dict(spec))
        if DEMO_P20T not in web.by_p20t:
            user = web.user(DEMO_USER)
            user.balances.update(DEMO_BALANCES)
            now = world.clock_ms()
            session = WebSession(
                session_id="s-demo-alpha-trader",
                user_id=user.user_id,
                csrftoken=DEMO_CSRFTOKEN,
                p20t=DEMO_P20T,
                expires_ms=(now // 1000 + web.config.session_ttl_s) * 1000,
            )
            web.sessions[session.session_id] = session
            web.by_p20t[session.p20t] = session.session_id
    return _summary()


def _summary() -> list[dict[str, Any]]:
    tokens = [{"venue": "binance_alpha", "alphaId": t["alphaId"]} for t in DEMO_TOKENS]
    session_info = {"venue": "binance_web", "name": DEMO_USER, "session_id": "s-demo-alpha-trader",
                    "csrftoken": DEMO_CSRFTOKEN, "p20t": DEMO_P20T}  # fmt: skip
    return [*tokens, session_info]

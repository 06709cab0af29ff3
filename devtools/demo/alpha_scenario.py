"""Demo scenario (``run_demo_scenarios``): two sim traders' Alpha bots making cycles.

``trader1`` cycles AITECH (×4 multiplier) towards a points target and ``trader2`` B2 (×1)
towards a counted-volume target, both on the simulator's demo tokens, through the real path:
their web sessions are hosted (verified), the risk notice accepted, the bots started; the
Celery worker runs the commands and the stream process feeds the events. The scenario plays
the traders: it keeps their USDT topped up, resumes a paused bot after ``RESUME_AFTER_S``
(a person would check first) and restarts a bot that reached its target after a pause, so
the demo keeps moving for hours.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from django.db import close_old_connections
from django.utils import timezone

from accounts.models import Trader
from kernel.refusals import Refused
from trading.alpha.choices import CredentialSource
from trading.alpha.errors import NO_DEMO_TRADER
from trading.alpha.models import AlphaBot
from trading.alpha.services import bots
from trading.alpha.services.catalogue import token_get
from trading.alpha.services.credentials import credential_save
from trading.exchanges.environments import sim_url

log = logging.getLogger("fleet.demo.alpha")
INTERVAL_S = float(os.environ.get("FLEET_DEMO_ALPHA_INTERVAL_S", "5"))
RESUME_AFTER_S = 15
RESTART_AFTER_S = 60
LOW_USDT = Decimal(200)
BOTS: list[dict[str, Any]] = [
    {"trader": "trader1", "token": "ALPHA_175", "target_kind": "points", "target_value": 12,
     "buy_offset": Decimal("-0.2"), "sell_offset": Decimal("-0.2"), "order_usdt": Decimal(25)},
    {"trader": "trader2", "token": "ALPHA_373", "target_kind": "today", "target_value": 3000,
     "buy_offset": Decimal("-0.3"), "sell_offset": Decimal("-0.3"), "order_usdt": Decimal(40)},
]  # fmt: skip


def _trader(username: str) -> Trader | None:
    return Trader.objects.filter(username=username).first()


def ensure_bot(http: httpx.Client, spec: dict[str, Any], sessions: dict[str, str]) -> AlphaBot:
    """The trader's hosted sim session and configured bot (created once, then reused)."""
    trader = _trader(spec["trader"])
    if trader is None:
        raise Refused(NO_DEMO_TRADER, trader=spec["trader"])
    bot = AlphaBot.objects.filter(trader=trader, token__alpha_id=spec["token"]).first()
    resting = bot is None or bot.phase in ("idle", "stopped", "target_reached", "paused")
    if bot is not None and (spec["trader"] in sessions or not resting):
        return bot  # a running bot keeps its session (after a restart it is not topped up)
    info = http.post("/sim/web/sessions", json={"balances": {"USDT": "5000"},
                                               "ttl_s": 30 * 86400}).json()  # fmt: skip
    sessions[spec["trader"]] = info["session_id"]
    cred = credential_save(trader=trader, env="sim", csrftoken=info["csrftoken"],
                           p20t=info["p20t"], expires_at=None,
                           source=CredentialSource.ADMIN_PASTE, consent=False)  # fmt: skip
    config = {k: spec[k] for k in ("target_kind", "target_value", "buy_offset", "sell_offset",
                                   "order_usdt")} | {"offset_mode": "pct", "timeout_s": 60}  # fmt: skip
    bot = bots.bot_configure(trader=trader, token=token_get(env="sim", name=spec["token"]),
                             credential=cred, **config)  # fmt: skip
    if not bots.risk_accepted(trader):
        bots.risk_accept(trader=trader)
    return bot


def tend(http: httpx.Client, bot: AlphaBot, session_id: str | None) -> None:
    """Play the trader: top up, start, resume after a look, restart after the target."""
    if session_id is not None:
        state = http.get(f"/sim/alpha/sessions/{session_id}").json()
        if Decimal(state["balances"].get("USDT", "0")) < LOW_USDT:
            http.post(f"/sim/alpha/sessions/{session_id}/fund",
                      json={"balances": {"USDT": "5000"}, "mode": "add"})  # fmt: skip
    bot.refresh_from_db()
    idle_for = timezone.now() - bot.phase_since
    if bot.phase == "idle" or (bot.phase == "stopped" and idle_for > timedelta(seconds=5)):
        bots.bot_start(bot_id=bot.pk)
    elif bot.phase == "paused" and idle_for > timedelta(seconds=RESUME_AFTER_S):
        bots.bot_resume(bot_id=bot.pk)
    elif bot.phase == "target_reached" and idle_for > timedelta(seconds=RESTART_AFTER_S):
        bots.bot_configure(trader=bot.trader, token=bot.token, credential=bot.credential,
                           target_value=bot.target_value + 1 if bot.target_kind == "points"
                           else bot.target_value * 2)  # fmt: skip
        bots.bot_start(bot_id=bot.pk)


def run(stop: threading.Event, *, interval_s: float = INTERVAL_S, base_url: str = "") -> None:
    sessions: dict[str, str] = {}
    with httpx.Client(base_url=base_url or sim_url(), timeout=10) as http:
        while not stop.wait(interval_s):
            try:
                for spec in BOTS:
                    bot = ensure_bot(http, spec, sessions)
                    tend(http, bot, sessions.get(spec["trader"]))
            except (httpx.HTTPError, Refused) as exc:
                log.info("alpha demo: waiting (%s)", getattr(exc, "message", exc))
            except Exception:
                log.exception("alpha demo: round failed")
            finally:
                close_old_connections()

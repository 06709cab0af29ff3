"""Alpha test helpers: a sim token and funded web session, a trader with a hosted credential
and a configured bot, built through the services; the in-process streams + workers."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.services import trader_create
from trading.alpha.choices import CredentialSource
from trading.alpha.models import AlphaBot
from trading.alpha.services import bots
from trading.alpha.services.catalogue import token_get
from trading.alpha.services.credentials import credential_save


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, step: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        time.sleep(step)


class World:
    """One sim token and helpers to make traders with bots on it."""

    def __init__(self, sim: Any, *, price: str = "0.5", mul: str = "1") -> None:
        self.sim = sim
        self.token_json = sim.control.ok("POST", "/sim/alpha/tokens",
                                         json={"price": price, "mulPoint": mul})  # fmt: skip
        self.alpha_id = self.token_json["alphaId"]
        self.symbol = self.alpha_id + "USDT"
        self.n = 0
        self.sessions: dict[int, str] = {}  # bot id → its sim web session id

    def venue(self, bot: AlphaBot) -> dict[str, Any]:
        return self.sim.control.ok("GET", f"/sim/alpha/sessions/{self.sessions[bot.pk]}")

    def venue_orders(self, bot: AlphaBot) -> list[dict[str, Any]]:
        sid = self.sessions[bot.pk]
        return self.sim.control.ok("GET", f"/sim/alpha/sessions/{sid}/orders")

    def session(self, usdt: str = "1000") -> dict[str, Any]:
        return self.sim.control.ok("POST", "/sim/web/sessions", json={"balances": {"USDT": usdt}})

    def trader_bot(self, *, usdt: str = "1000", accept: bool = True, **config: Any) -> AlphaBot:
        self.n += 1
        trader = trader_create(username=f"alpha{self.n}-{time.monotonic_ns() % 10**8}",
                               password="pw-12345678",
                               expires_at=timezone.now() + timedelta(days=30))  # fmt: skip
        info = self.session(usdt)
        cred = credential_save(trader=trader, env="sim", csrftoken=info["csrftoken"],
                               p20t=info["p20t"], expires_at=None,
                               source=CredentialSource.ADMIN_PASTE, consent=False)  # fmt: skip
        token = token_get(env="sim", name=self.alpha_id)
        values = {"target_kind": "today", "target_value": Decimal(25), "offset_mode": "pct",
                  "buy_offset": Decimal(-1), "sell_offset": Decimal(-1),
                  "order_usdt": Decimal(10), "timeout_s": 30} | config  # fmt: skip
        bot = bots.bot_configure(trader=trader, token=token, credential=cred, **values)
        self.sessions[bot.pk] = info["session_id"]
        if accept:
            bots.risk_accept(trader=trader)
        return bot


@pytest.fixture
def world(sim) -> World:
    return World(sim)


def fresh(bot: AlphaBot) -> AlphaBot:
    return AlphaBot.objects.select_related("token", "credential").get(pk=bot.pk)

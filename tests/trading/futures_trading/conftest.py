"""Fixtures of the futures trading tests: a trader with a futures account on the simulator."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.choices import Environment, Venue
from accounts.models import ExchangeCredential, Trader
from accounts.services import trader_create
from trading.futures_trading.core.values import Direction, TradeChoice, TradeIntentSpec
from trading.futures_trading.models import FuturesAccount
from trading.futures_trading.services import execution, marks, venues

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    venues.reset()
    marks._cache.clear()
    execution.AFTER_ENTRY.clear()
    yield
    venues.reset()
    execution.AFTER_ENTRY.clear()


@dataclass
class Desk:
    """A trader, their sim futures account and its API key."""

    trader: Trader
    account: FuturesAccount
    api_key: str


@pytest.fixture
def desk(sim) -> Iterator:
    """``desk(balance=…, **sim settings)`` → a :class:`Desk` (BTC at 50,000)."""
    sim.control.set_price("BTCUSDT", "50000.00")

    def make(balance: str = "10000", **settings: object) -> Desk:
        n = next(_seq)
        info = sim.control.ok(
            "POST", "/sim/futures/accounts", json={"balance": balance, **settings}
        )
        trader = trader_create(
            username=f"ft{n}_{info['api_key'][:6]}", password="pw-12345678",
            expires_at=timezone.now() + timedelta(days=30),
        )  # fmt: skip
        cred = ExchangeCredential.objects.create(
            label="futures", venue=Venue.BINANCE, environment=Environment.SIM, owner=trader,
            api_key=info["api_key"], api_secret=info["secret"],
        )  # fmt: skip
        account = FuturesAccount.objects.create(trader=trader, credential=cred)
        return Desk(trader, account, info["api_key"])

    yield make


def spec(key: str = "sig-1", *, sl: str | None = "49000", tp: str | None = "52000",
         direction: Direction = Direction.LONG, symbol: str = "BTCUSDT") -> TradeIntentSpec:  # fmt: skip
    return TradeIntentSpec(
        symbol=symbol, direction=direction, entry_ref=Decimal("50000"),
        take_profit=Decimal(tp) if tp else None, stop_loss=Decimal(sl) if sl else None,
        signal_key=key,
    )  # fmt: skip


def choice(margin: str = "100", leverage: int = 10, **kw: object) -> TradeChoice:
    return TradeChoice(margin=Decimal(margin), leverage=leverage, **kw)  # type: ignore[arg-type]


def sim_account(sim, api_key: str) -> dict:
    return sim.control.ok("GET", f"/sim/futures/accounts/{api_key}")


@pytest.fixture
def api(client, desk):
    d = desk()
    reply = client.post(
        "/api/v1/auth/login",
        {"username": d.trader.username, "password": "pw-12345678", "device_id": "dev-ft"},
        content_type="application/json",
    )
    assert reply.status_code == 200, reply.content
    headers = {"HTTP_AUTHORIZATION": f"Token {reply.json()['token']}"}

    def call(method: str, path: str, body: dict | None = None):
        fn = getattr(client, method)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        return (
            fn(f"/api/v1/futures/{path}", body, **kwargs, **headers)
            if body is not None
            else fn(f"/api/v1/futures/{path}", **headers)
        )

    call.desk = d
    return call

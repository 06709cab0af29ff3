"""Fixtures of the orders tests: allowed symbols, logged-in traders, order creation that runs the
on-commit publish (tests run inside a transaction that never commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Trader
from accounts.services import session_login, trader_create
from orders import services
from orders.models import EventSymbol


@dataclass
class LoggedIn:
    trader: Trader
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Token {self.token}"}


@pytest.fixture
def symbols(db):
    for name in ("BTCUSDT", "ETHUSDT", "BNBUSDT"):
        EventSymbol.objects.create(symbol=name)
    EventSymbol.objects.create(symbol="OLDUSDT", is_active=False)


@pytest.fixture
def make_trader(db, django_capture_on_commit_callbacks):
    counter = iter(range(1, 10_000))

    def make(amount: str = "10", **kwargs) -> LoggedIn:
        name = kwargs.pop("username", f"t{next(counter)}")
        with django_capture_on_commit_callbacks(execute=True):
            trader = trader_create(
                username=name,
                password="pw-123456",
                expires_at=timezone.now() + timedelta(days=5),
                order_amount=Decimal(amount),
            )
            result = session_login(username=name, password="pw-123456", device_id="d", ip=None)
        return LoggedIn(trader, result.token)

    return make


@pytest.fixture
def make_order(symbols, django_capture_on_commit_callbacks):
    def make(**kwargs):
        kwargs.setdefault("symbol", "BTCUSDT")
        kwargs.setdefault("direction", "LONG")
        kwargs.setdefault("time_increment", "TEN_MINUTE")
        with django_capture_on_commit_callbacks(execute=True):
            return services.order_create(**kwargs)

    return make


@pytest.fixture
def pull(client):
    def do(who: LoggedIn, expect: int = 200, ack: list[str] | None = None) -> dict:
        query = {"ack": ",".join(ack)} if ack else {}
        response = client.get("/api/v1/event-orders/pull", query, **who.auth)
        assert response.status_code == expect, response.content
        return response.json()

    return do


def ids(body: dict) -> list[int]:
    return [o["id"] for o in body["orders"]]


def acks(body: dict) -> list[str]:
    """The delivery ids of a pull's answer (what a client acknowledges once journaled)."""
    return [o["delivery_id"] for o in body["orders"]]

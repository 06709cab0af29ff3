"""Fixtures of the desktop-core tests: a live test server (pytest-django ``live_server``, real
MariaDB + Redis), the exchange simulator, traders, event orders, and headless clients that use
the same core as the desktop app."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from client_desktop.core.headless import HeadlessClient, sim_user_id
from client_desktop.core.poller import Pacer

PASSWORD = "pw-12345678"
FAST = 0.25  # pull interval in tests (the app uses 1 s)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/client_desktop/core" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def server(live_server, transactional_db):
    """The live server with the event symbols the simulator knows."""
    from orders.models import EventSymbol

    for name in ("BTCUSDT", "ETHUSDT", "BNBUSDT"):
        EventSymbol.objects.get_or_create(symbol=name)
    return live_server


@pytest.fixture
def make_trader(server) -> Callable[..., object]:
    from accounts.services import trader_create

    def make(username: str, *, days: float = 5, amount: str = "10", password: str = PASSWORD, **kw):
        return trader_create(
            username=username,
            password=password,
            expires_at=timezone.now() + timedelta(days=days),
            order_amount=Decimal(amount),
            **kw,
        )

    return make


@pytest.fixture
def make_order(server) -> Callable[..., object]:
    from orders import services

    def make(**kw):
        kw.setdefault("symbol", "BTCUSDT")
        kw.setdefault("direction", "LONG")
        kw.setdefault("time_increment", "TEN_MINUTE")
        kw.setdefault("validity_seconds", 60)
        return services.order_create(**kw)

    return make


@pytest.fixture
def web_sim(sim):
    """The simulator with room for many open event orders per user."""
    sim.control.ok("POST", "/sim/web/config", json={"event_max_open": 1000, "qr_ttl_s": 60})
    return sim


@pytest.fixture
def make_client(server, web_sim, tmp_path: Path) -> Iterator[Callable[..., HeadlessClient]]:
    made: list[HeadlessClient] = []

    def make(username: str, *, data_dir: Path | None = None, **kw) -> HeadlessClient:
        kw.setdefault("pacer", Pacer(interval_s=FAST))
        kw.setdefault("place_timeout_s", 3.0)
        client = HeadlessClient(
            server.url, web_sim.url, username, PASSWORD, data_dir or tmp_path / username, **kw
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def sim_orders(sim, username: str) -> list[dict]:
    """Every event order the simulator holds for this trader's web user."""
    user = sim_user_id(username)
    state = sim.world.venues["binance_web"]
    with sim.world.lock:
        rows = [o.row() for o in state.extra.get("event_orders", []) if o.user_id == user]
    return rows


def wait_for(predicate: Callable[[], object], timeout: float = 15.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")

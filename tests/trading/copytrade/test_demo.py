"""``make demo`` for copy trading: seeding (against the simulator fixture; idempotent; works
before the simulator is up) and the scenario that makes the sim leader trade."""

from __future__ import annotations

import io
import threading
import time
from decimal import Decimal

import httpx
import pytest

from devtools.demo import copytrade as demo
from devtools.demo import copytrade_scenario as demo_scenario
from devtools.management.commands.run_demo_scenarios import SCENARIOS
from devtools.management.commands.seed_demo import PRODUCT_SEEDERS
from trading.copytrade.models import Follower, Leader
from trading.copytrade.services import followers as services

pytestmark = pytest.mark.django_db


def test_registered_for_make_demo():
    assert "devtools.demo.copytrade" in PRODUCT_SEEDERS
    assert "devtools.demo.copytrade_scenario" in SCENARIOS


@pytest.mark.integration
def test_seed_creates_sim_accounts_leader_followers_and_operator(sim, django_user_model):
    lines = demo.seed(io.StringIO())
    assert any("operator1" in line for line in lines)
    leader = Leader.objects.get(is_active=True)
    assert (leader.credential.venue, leader.credential.environment) == ("binance", "sim")
    followers = list(Follower.objects.select_related("credential"))
    venues = sorted(f.credential.venue for f in followers)
    assert venues == ["binance"] * 3 + ["bitget"] * 3
    assert all(f.credential.environment == "sim" for f in followers)
    assert services.copy_is_running()
    assert django_user_model.objects.get(username="operator1").has_perm("copytrade.operate")
    for acct in [demo.LEADER, *demo.FOLLOWERS]:
        reply = sim.control.get(f"/sim/{acct.venue}/accounts/{acct.name}")
        assert reply.status_code == 200, acct.name

    demo.seed(io.StringIO())  # idempotent
    assert Leader.objects.count() == 1 and Follower.objects.count() == 6


@pytest.mark.integration
def test_seeded_followers_verify_against_the_simulator(sim):
    demo.seed(io.StringIO())
    for follower in Follower.objects.select_related("credential"):
        result = services.follower_verify(follower=follower)
        assert result.ok, (follower.name, result.error)
    got = {f.name: f for f in Follower.objects.all()}
    balance = services.follower_verify(follower=got["copy-bitget-2"])
    assert balance.free_btc is not None and balance.free_btc > 0


def test_seed_without_a_simulator_still_stores_the_accounts(monkeypatch):
    monkeypatch.setenv("FLEET_SIM_URL", "http://127.0.0.1:9")  # nothing listens on port 9
    lines = demo.seed(io.StringIO())
    assert "created when the demo scenario starts" in lines[0]
    assert Follower.objects.count() == 6 and Leader.objects.filter(is_active=True).exists()


@pytest.mark.parametrize(
    ("step", "usdt", "btc", "expected"),
    [
        (0, "10000", "0.5", ("BUY", "quoteOrderQty", "200.00")),
        (1, "10000", "0.5", ("SELL", "quantity", "0.01000")),
        (2, "10000", "0.5", ("BUY", "quoteOrderQty", "500.00")),
        (5, "0", "0.123456", ("SELL", "quantity", "0.01234")),
        (0, "500", "0", None),  # 2 % of 500 = 10 USDT: below the demo's minimum
        (1, "500", "0.0001", None),  # 2 % of 0.0001 BTC rounds to 0
    ],
)
def test_next_order_table(step, usdt, btc, expected):
    order = demo_scenario.next_order(step, Decimal(usdt), Decimal(btc))
    if expected is None:
        assert order is None
        return
    side, field, amount = expected
    assert order is not None
    assert (order["side"], order[field], order["type"]) == (side, amount, "MARKET")


@pytest.mark.integration
def test_scenario_makes_the_leader_trade_and_stops(sim):
    stop = threading.Event()
    thread = threading.Thread(
        target=demo_scenario.run, args=(stop,), kwargs={"interval_s": 0.2, "base_url": sim.url}
    )
    thread.start()
    try:
        deadline = time.monotonic() + 15
        orders: list = []
        while time.monotonic() < deadline and len(orders) < 2:
            time.sleep(0.2)
            reply = sim.control.get("/sim/binance/accounts/leader/orders")
            orders = reply.json() if reply.status_code == 200 else []
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert len(orders) >= 2
    assert {o["type"] for o in orders} == {"MARKET"} and {o["side"] for o in orders} == {
        "BUY",
        "SELL",
    }


@pytest.mark.integration
def test_low_accounts_are_topped_up(sim):
    with httpx.Client(base_url=sim.url, timeout=5) as http:
        demo.ensure_sim_accounts(http)
        http.put("/sim/bitget/accounts/copy-bitget-3/balances", json={"balances": {"USDT": "1"}})
        assert demo_scenario.top_up(http, demo.FOLLOWERS[-1]) is True
        usdt, _btc = demo_scenario.free_balances(http, demo.FOLLOWERS[-1])
        assert usdt == Decimal("800")
        assert demo_scenario.top_up(http, demo.FOLLOWERS[-1]) is False

"""``make demo`` for event-contract orders: the seeder (symbols + templates, idempotent, leaves the
operator's changes alone) and the scenario (orders on a schedule, placed by the headless demo
clients on the simulator and reported back)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from client_desktop.core import headless
from devtools.demo import orders as demo
from devtools.demo import orders_scenario as demo_scenario
from devtools.management.commands.run_demo_scenarios import SCENARIOS
from devtools.management.commands.seed_demo import PRODUCT_SEEDERS
from orders.models import EventOrder, EventSymbol, ExecutionReport, OrderTemplate
from tests.client_desktop.core.conftest import sim_orders, wait_for


def test_registered_for_make_demo():
    assert "devtools.demo.orders" in PRODUCT_SEEDERS
    assert "devtools.demo.orders_scenario" in SCENARIOS


@pytest.mark.django_db
def test_seed_creates_symbols_and_templates_once_and_keeps_operator_changes():
    lines = demo.seed(None)
    assert "BTCUSDT, ETHUSDT, BNBUSDT" in lines[0] and "trader3 has 25 USDT" in lines[0]
    assert set(EventSymbol.objects.filter(is_active=True).values_list("symbol", flat=True)) == {
        "BTCUSDT",
        "ETHUSDT",
        "BNBUSDT",
    }
    assert sorted(OrderTemplate.objects.values_list("name", flat=True)) == sorted(
        t["name"] for t in demo.TEMPLATES
    )
    EventSymbol.objects.filter(symbol="BNBUSDT").update(is_active=False)
    OrderTemplate.objects.filter(name=demo.TEMPLATES[0]["name"]).update(time_increment="ONE_DAY")

    demo.seed(None)  # idempotent

    assert EventSymbol.objects.count() == 3 and OrderTemplate.objects.count() == 2
    assert not EventSymbol.objects.get(symbol="BNBUSDT").is_active
    assert OrderTemplate.objects.get(name=demo.TEMPLATES[0]["name"]).time_increment == "ONE_DAY"


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (0, ("BTCUSDT", "LONG", "TEN_MINUTE")),
        (1, ("BTCUSDT", "SHORT", "TEN_MINUTE")),
        (2, ("ETHUSDT", "LONG", "THIRTY_MINUTE")),
        (3, ("ETHUSDT", "SHORT", "TEN_MINUTE")),
        (4, ("BNBUSDT", "LONG", "ONE_HOUR")),
        (5, ("BNBUSDT", "SHORT", "TEN_MINUTE")),
        (6, ("BTCUSDT", "LONG", "TEN_MINUTE")),
    ],
)
def test_next_order_table(step, expected):
    spec = demo_scenario.next_order(step, demo.SYMBOLS)
    assert (spec.symbol, spec.direction, spec.time_increment) == expected


@pytest.mark.django_db
def test_create_order_uses_only_active_demo_symbols():
    demo.seed(None)
    EventSymbol.objects.filter(symbol="BTCUSDT").update(is_active=False)
    EventSymbol.objects.create(symbol="DOGEUSDT")  # allowed, but the simulator does not know it
    made = [demo_scenario.create_order(step) for step in range(4)]
    assert [o.symbol for o in made if o] == ["ETHUSDT", "ETHUSDT", "BNBUSDT", "BNBUSDT"]
    order = made[0]
    assert (
        order is not None and order.payout_ratio == Decimal("0.80") and order.validity_seconds == 60
    )
    assert order.valid_until > timezone.now() + timedelta(seconds=50)

    EventSymbol.objects.update(is_active=False)
    assert demo_scenario.create_order(5) is None


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_scenario_orders_are_placed_on_the_simulator_and_reported(live_server, sim, tmp_path):
    from accounts.services import trader_create

    for name in headless.DEMO_USERS:  # as seed_demo creates them
        trader_create(
            username=name,
            password=headless.DEMO_PASSWORD,
            expires_at=timezone.now() + timedelta(days=5),
        )
    demo.seed(None)
    stop = threading.Event()
    thread = threading.Thread(
        target=demo_scenario.run,
        args=(stop,),
        kwargs={
            "interval_s": 0.3,
            "server_url": live_server.url,
            "sim": sim.url,
            "data_root": tmp_path,
        },
    )
    thread.start()
    try:
        # trader3's 25 USDT pay for two 10 USDT orders: the third is refused by the simulator.
        failed = wait_for(
            lambda: (
                ExecutionReport.objects.filter(trader__username="trader3", outcome="failed")
                .select_related("trader")
                .first()
            ),
            timeout=45,
            what="trader3 running out of USDT",
        )
        first = EventOrder.objects.order_by("id").first()
        assert first is not None
        wait_for(
            lambda: ExecutionReport.objects.filter(order=first).count() == 3,
            timeout=15,
            what="the first demo order reported by all three traders",
        )
    finally:
        stop.set()
        thread.join(40)
    assert not thread.is_alive()
    assert failed.error_code == "binance_93420002"
    reports = {r.trader.username: r for r in ExecutionReport.objects.filter(order=first)}
    assert {r.outcome for r in reports.values()} == {"placed"}
    for name, report in reports.items():
        placed_ids = {o["orderId"] for o in sim_orders(sim, name)}
        assert report.binance_order_id in placed_ids, name

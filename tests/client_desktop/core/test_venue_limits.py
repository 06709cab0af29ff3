"""The venue's limits as the desktop core meets them on the simulator: the payout ratio offered
per symbol and increment (the order's ratio is a floor) and the open-order limit (93420018)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from client_desktop.core import journal as j
from client_desktop.core.headless import HeadlessClient
from client_desktop.core.i18n import error_text
from client_desktop.core.payout import payout_to_send
from tests.client_desktop.core.conftest import sim_orders, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def ready(make_trader, make_client, name: str, **kw) -> HeadlessClient:
    name = f"{name}-{uuid.uuid4().hex[:6]}"
    make_trader(name)
    client = make_client(name, **kw)
    client.login()
    client.bind()
    return client


def finished(client: HeadlessClient, order_id: int) -> j.Entry | None:
    assert client.journal is not None
    entry = client.journal.get(order_id)
    return entry if entry is not None and entry.reported_at is not None else None


def report_of(order_id: int):
    from orders.models import ExecutionReport

    return ExecutionReport.objects.get(order_id=order_id)


def offer(sim, key: str, ratio: str) -> None:
    sim.control.ok("POST", "/sim/web/config", json={"event_payout": {key: ratio}})


@pytest.mark.parametrize(
    ("offered", "floor", "sent"),
    [
        (Decimal("0.85"), Decimal("0.80"), Decimal("0.85")),  # better than the floor: take it
        (Decimal("0.80"), Decimal("0.80"), Decimal("0.80")),  # equal: take it
        (Decimal("0.79"), Decimal("0.80"), None),  # below the floor: skip
        (None, Decimal("0.80"), Decimal("0.80")),  # offer unknown: send the floor
    ],
)
def test_payout_to_send(offered, floor, sent):
    assert payout_to_send(offered, floor) == sent


def test_the_venues_current_offer_is_sent_when_above_the_floor(
    make_trader, make_client, make_order, web_sim
):
    offer(web_sim, "ETHUSDT:THIRTY_MINUTE", "0.85")
    client = ready(make_trader, make_client, "pay")
    client.start()
    order = make_order(
        symbol="ETHUSDT", time_increment="THIRTY_MINUTE", payout_ratio=Decimal("0.80")
    )
    entry = wait_for(lambda: finished(client, order.pk), timeout=20, what="placed")
    assert entry.state == j.PLACED
    (placed,) = sim_orders(web_sim, client.username)
    assert placed["payoutRatio"] == "0.85" and entry.binance_order_id == placed["orderId"]


def test_an_offer_below_the_floor_is_skipped(make_trader, make_client, make_order, web_sim):
    offer(web_sim, "BTCUSDT:TEN_MINUTE", "0.75")
    client = ready(make_trader, make_client, "low")
    client.start()
    order = make_order(payout_ratio=Decimal("0.80"))
    entry = wait_for(lambda: finished(client, order.pk), timeout=20, what="skipped")
    assert (entry.state, entry.error_code) == (j.FAILED, "payout_below_floor")
    assert sim_orders(web_sim, client.username) == []
    row = report_of(order.pk)
    assert (row.outcome, row.error_code) == ("failed", "payout_below_floor")
    assert "0.75" in row.error_message and "0.80" in row.error_message


def test_payout_changed_is_read_again_once_then_placed(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "moved")
    web_sim.control.fault("payout_changed", account=client.sim_session_id, ratio="0.86")
    client.start()
    order = make_order(payout_ratio=Decimal("0.80"))
    entry = wait_for(lambda: finished(client, order.pk), timeout=20, what="placed")
    assert entry.state == j.PLACED
    (placed,) = sim_orders(web_sim, client.username)
    assert placed["payoutRatio"] == "0.86"


def test_payout_changed_again_is_not_retried_in_a_loop(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "loop")
    web_sim.control.fault("payout_changed", account=client.sim_session_id, count=10, ratio="0.9")
    client.start()
    order = make_order(payout_ratio=Decimal("0.80"))
    entry = wait_for(lambda: finished(client, order.pk), timeout=20, what="failed")
    assert (entry.state, entry.error_code) == (j.FAILED, "binance_93420010")
    assert sim_orders(web_sim, client.username) == []
    (armed,) = web_sim.control.ok("GET", "/sim/faults")
    assert armed["count"] == 8  # two sends: the first, and one after reading the offer again


def test_payout_changed_to_below_the_floor_is_skipped(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "drop")
    web_sim.control.fault("payout_changed", account=client.sim_session_id, ratio="0.70")
    client.start()
    order = make_order(payout_ratio=Decimal("0.80"))
    entry = wait_for(lambda: finished(client, order.pk), timeout=20, what="skipped")
    assert (entry.state, entry.error_code) == (j.FAILED, "payout_below_floor")
    assert sim_orders(web_sim, client.username) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_open_order_limit_is_reported_with_the_count(
    make_trader, make_client, make_order, web_sim, lang
):
    web_sim.control.ok("POST", "/sim/web/config", json={"event_max_open": 5})  # the venue's
    client = ready(make_trader, make_client, f"cap{lang}", lang=lang)
    trader = client.start()
    orders = [make_order(direction=("LONG", "SHORT")[n % 2]) for n in range(6)]
    entries = [wait_for(lambda o=o: finished(client, o.pk), timeout=30, what="all") for o in orders]
    assert [e.state for e in entries].count(j.PLACED) == 5
    (refused,) = [e for e in entries if e.state == j.FAILED]
    assert refused.error_code == "binance_93420018"
    words = error_text(
        "binance_open_order_limit",
        lang,
        detail={"zh": "未结算 5 个，上限 5 个", "en": "5 open, limit 5"}[lang],
    )
    assert refused.error_message == words
    assert trader.state().last_error == words
    assert len(sim_orders(web_sim, client.username)) == 5

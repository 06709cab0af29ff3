"""The venue's open event-contract limit (5 per account): the pure count, and the admin's warning
when creating orders would leave traders above it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from orders import admin_views
from orders.core.open_contracts import open_after_creation, still_open
from orders.selectors import open_contracts_over_limit
from orders.services import execution_report

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("placed_ago_s", "increment", "running"),
    [
        (599, "TEN_MINUTE", True),
        (600, "TEN_MINUTE", False),
        (1799, "THIRTY_MINUTE", True),
        (3600, "ONE_HOUR", False),
        (86_000, "ONE_DAY", True),
    ],
)
def test_still_open(placed_ago_s, increment, running):
    assert still_open(NOW - timedelta(seconds=placed_ago_s), increment, NOW) is running


def test_open_after_creation_counts_running_contracts_and_unreported_live_orders():
    placed = [
        (NOW - timedelta(minutes=5), "TEN_MINUTE"),
        (NOW - timedelta(minutes=11), "TEN_MINUTE"),
    ]
    assert open_after_creation(placed, 3, NOW) == 4
    assert open_after_creation([], 0, NOW) == 0


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-123456")
    client.force_login(user)
    return client


def create(admin_client, direction: str):
    data = {
        "symbol": "BTCUSDT",
        "direction": direction,
        "time_increment": "TEN_MINUTE",
        "payout_ratio": "0.80",
        "validity_seconds": "60",
    }
    response = admin_client.post(reverse("admin:orders_eventorder_add"), data)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_admin_warns_when_a_creation_exceeds_the_venues_open_limit(
    admin_client, make_trader, make_order, pull
):
    alice, bob = make_trader(), make_trader()
    for n in range(4):  # alice placed four 10-minute contracts; bob reported failures
        order = make_order(direction=("LONG", "SHORT")[n % 2])
        pull(alice), pull(bob)
        execution_report(order_id=order.pk, trader_id=alice.trader.pk, outcome="placed")
        execution_report(order_id=order.pk, trader_id=bob.trader.pk, outcome="failed")
    assert open_contracts_over_limit() == {}
    fifth = create(admin_client, "LONG")  # alice: 4 open + 1 about to be placed = 5, allowed
    assert not [m for m in fifth if "93420018" in m]
    sixth = create(admin_client, "SHORT")  # alice: 4 open + 2 unreported live = 6 > 5
    (warning,) = [m for m in sixth if "93420018" in m]
    assert alice.trader.username in warning and bob.trader.username not in warning
    assert "6" in warning and "5" in warning
    assert open_contracts_over_limit() == {alice.trader.username: 6}


@pytest.mark.django_db
def test_settled_contracts_do_not_count(make_trader, make_order, pull):
    alice = make_trader()
    orders = [make_order() for _ in range(6)]
    pull(alice)
    for order in orders:
        execution_report(order_id=order.pk, trader_id=alice.trader.pk, outcome="placed")
    assert open_contracts_over_limit() == {alice.trader.username: 6}
    assert open_contracts_over_limit(timezone.now() + timedelta(minutes=11)) == {}


@pytest.mark.django_db
def test_creation_forms_warn_before_one_more_order_would_exceed(
    admin_client, make_trader, make_order, pull
):
    alice = make_trader()
    for n in range(5):
        order = make_order(direction=("LONG", "SHORT")[n % 2])
        pull(alice)
        execution_report(order_id=order.pk, trader_id=alice.trader.pk, outcome="placed")
    for url in (reverse("admin:orders_eventorder_add"), reverse("admin:orders_eventorder_batch")):
        response = admin_client.get(url)
        assert response.status_code == 200
        (warning,) = [str(m) for m in get_messages(response.wsgi_request) if "93420018" in str(m)]
        assert alice.trader.username in warning and "6" in warning
    with translation.override("en"):
        english = translation.gettext(admin_views.OPEN_LIMIT_AHEAD)
    assert english.startswith("Warning: one more order would leave")

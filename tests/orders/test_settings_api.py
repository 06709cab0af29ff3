"""The trader's order amount: server-validated against the runtime range."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent
from kernel.runtime_config import config_set


@pytest.fixture
def put(client):
    def do(who, amount, expect):
        r = client.put(
            "/api/v1/event-orders/settings",
            {"order_amount": amount},
            content_type="application/json",
            **who.auth,
        )
        assert r.status_code == expect, r.content
        return r.json()

    return do


@pytest.mark.django_db
def test_get_and_set_amount(make_trader, client, put):
    alice = make_trader("10")
    r = client.get("/api/v1/event-orders/settings", **alice.auth)
    assert r.json() == {"order_amount": "10.00", "amount_min": "5.00", "amount_max": "200.00"}
    assert put(alice, "5", 200)["order_amount"] == "5.00"
    assert put(alice, "200.00", 200)["order_amount"] == "200.00"
    alice.trader.refresh_from_db()
    assert str(alice.trader.order_amount) == "200.00"
    assert AuditEvent.objects.filter(trader=alice.trader, action="trader_changed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount", ["4.99", "200.01", "0", "-10", "abc", "NaN", "Infinity", "10.001", ""]
)
def test_out_of_range_amounts_are_refused(make_trader, put, amount):
    alice = make_trader("10")
    body = put(alice, amount, 400)
    assert body["code"] in ("amount_out_of_range", "invalid_input")
    if amount:
        assert body["code"] == "amount_out_of_range"
        assert body["detail"] == {"min": "5", "max": "200"}
    alice.trader.refresh_from_db()
    assert str(alice.trader.order_amount) == "10.00"


@pytest.mark.django_db
def test_range_follows_the_runtime_knobs(make_trader, put):
    alice = make_trader("10")
    config_set("event_amount_max", "50")
    assert put(alice, "60", 400)["detail"]["max"] == "50"
    assert put(alice, "50", 200)["order_amount"] == "50.00"


@pytest.mark.django_db
def test_patch_works_too(make_trader, client):
    alice = make_trader("10")
    r = client.patch(
        "/api/v1/event-orders/settings",
        {"order_amount": "25"},
        content_type="application/json",
        **alice.auth,
    )
    assert r.status_code == 200 and r.json()["order_amount"] == "25.00"

"""Execution reports: idempotent, refused for orders never delivered, malformed ids → 404."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kernel.redis import get_redis
from orders import delivery, services
from orders.models import Claim, ExecutionReport
from orders.services import claims_persist
from tests.orders.conftest import acks

PLACED = {"outcome": "placed", "binance_order_id": "E-1", "amount": "10", "latency_ms": 120}


@pytest.fixture
def report(client):
    def do(who, order_id, body, expect):
        r = client.post(
            f"/api/v1/event-orders/{order_id}/executions",
            body,
            content_type="application/json",
            **who.auth,
        )
        assert r.status_code == expect, r.content
        return r.json()

    return do


@pytest.mark.django_db
def test_same_report_twice_stores_one_row(make_trader, make_order, pull, report):
    alice = make_trader()
    order = make_order()
    pull(alice)
    first = report(alice, order.pk, PLACED, 201)
    again = report(alice, order.pk, PLACED, 200)
    assert first == again
    assert first["outcome"] == "placed" and first["binance_order_id"] == "E-1"
    other = {"outcome": "failed", "error_code": "93420018", "error_message": "max"}
    assert report(alice, order.pk, other, 200) == first  # the first report wins
    assert ExecutionReport.objects.count() == 1


@pytest.mark.django_db
def test_failed_report_keeps_error_details(make_trader, make_order, pull, report):
    alice = make_trader()
    order = make_order()
    pull(alice)
    body = {
        "outcome": "failed",
        "error_code": "100002001",
        "error_message": "登录过期",
        "latency_ms": 80,
    }
    report(alice, order.pk, body, 201)
    row = ExecutionReport.objects.get()
    assert (row.error_code, row.error_message, row.latency_ms) == ("100002001", "登录过期", 80)


@pytest.mark.django_db
def test_report_for_an_undelivered_order_is_refused(make_trader, make_order, pull, report):
    alice, bob = make_trader(), make_trader()
    order = make_order()
    pull(alice)
    body = report(bob, order.pk, PLACED, 409)
    assert body["code"] == "not_delivered"
    assert not ExecutionReport.objects.exists()


@pytest.mark.django_db
def test_report_acknowledges_an_unacknowledged_delivery(
    make_trader, make_order, pull, report, monkeypatch
):
    """The Redis claim is enough to report; the report proves the client holds the order, so it
    acknowledges it: the claim row is written by the flush, with the report's time, and the order
    is not delivered again."""
    alice = make_trader()
    order = make_order()
    monkeypatch.setattr(services, "claims_flush_schedule", lambda: None)
    pull(alice)
    assert not Claim.objects.exists() and delivery.claimlog_length() == 0  # not acknowledged
    report(alice, order.pk, PLACED, 201)
    reported_at = timezone.now()
    assert delivery.claimlog_length() == 1
    assert pull(alice)["orders"] == []
    claims_persist()
    claim = Claim.objects.get(order=order, trader=alice.trader)
    assert abs((claim.delivered_at - reported_at).total_seconds()) < 2


@pytest.mark.django_db
def test_report_after_a_redis_flush_uses_the_claim_row(make_trader, make_order, pull, report):
    alice, bob = make_trader(), make_trader()
    order = make_order()
    pull(alice, ack=acks(pull(alice)))
    claims_persist()
    get_redis().flushdb()
    assert report(alice, order.pk, PLACED, 201)["outcome"] == "placed"
    assert report(bob, order.pk, PLACED, 409)["code"] == "not_delivered"


@pytest.mark.django_db
@pytest.mark.parametrize("order_id", ["abc", "-1", "0", "1.5", "99999999999999999999999", "%20"])
def test_malformed_or_unknown_ids_are_404(make_trader, report, order_id):
    alice = make_trader()
    assert report(alice, order_id, PLACED, 404)["code"] == "not_found"


@pytest.mark.django_db
def test_unknown_order_is_404(make_trader, report):
    assert report(make_trader(), 424242, PLACED, 404)["code"] == "not_found"


@pytest.mark.django_db
def test_bad_body_is_400(make_trader, make_order, pull, report):
    alice = make_trader()
    order = make_order()
    pull(alice)
    assert report(alice, order.pk, {"outcome": "won"}, 400)["code"] == "invalid_input"
    assert report(alice, order.pk, {**PLACED, "latency_ms": -5}, 400)["code"] == "invalid_input"


@pytest.mark.django_db
def test_report_needs_a_token(client, make_order):
    order = make_order()
    r = client.post(
        f"/api/v1/event-orders/{order.pk}/executions", PLACED, content_type="application/json"
    )
    assert (r.status_code, r.json()["code"]) == (401, "not_authenticated")

"""The pull hot path: shape, exactly-once per (trader, order), validity edges, refusal codes."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ClientSession
from accounts.services import trader_update
from accounts.session_cache import SESSION_PREFIX, session_cache_drop, token_hash
from kernel.redis import get_redis
from orders import delivery, hotpath
from tests.orders.conftest import acks, ids


@pytest.mark.django_db
def test_pull_shape_and_once_per_trader(make_trader, make_order, pull):
    alice, bob = make_trader("12.5"), make_trader("20")
    order = make_order(symbol="ETHUSDT", direction="SHORT", validity_seconds=30)
    body = pull(alice)
    assert body["server_time"].endswith("Z")
    (row,) = body["orders"]
    assert row == {
        "id": order.pk,
        "symbol": "ETHUSDT",
        "direction": "SHORT",
        "time_increment": "TEN_MINUTE",
        "payout_ratio": "0.80",
        "amount": "12.50",
        "created_at": delivery.iso(order.created_at),
        "valid_until": delivery.iso(order.valid_until),
        "delivery_id": f"{order.pk}-{alice.trader.pk}",
    }
    assert pull(alice)["orders"] == [row]  # not acknowledged yet: the same delivery again
    assert pull(alice, ack=[row["delivery_id"]])["orders"] == []  # acknowledged: never again
    assert pull(alice)["orders"] == []
    assert ids(pull(bob, ack=[row["delivery_id"]])) == [order.pk]  # alice's id acks nothing here
    assert pull(bob, ack=[f"{order.pk}-{bob.trader.pk}"])["orders"] == []


@pytest.mark.django_db
def test_pull_makes_no_database_query_when_warm(make_trader, make_order, pull, client, monkeypatch):
    alice = make_trader()
    monkeypatch.setattr(hotpath, "_schedule_flush", lambda: None)  # eager Celery would run inline
    make_order()
    pull(alice, ack=acks(pull(alice)))  # warms the session cache and the delivery state
    make_order()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/event-orders/pull", **alice.auth)
    assert response.status_code == 200 and len(response.json()["orders"]) == 1
    assert [q["sql"] for q in queries.captured_queries] == []


@pytest.mark.django_db
def test_order_expiring_between_two_pulls(make_trader, make_order, pull, monkeypatch):
    alice, bob, carol = make_trader(), make_trader(), make_trader()
    order = make_order(validity_seconds=5)
    edge = order.valid_until.timestamp()
    clock = SimpleNamespace(time=lambda: edge - 0.01)
    monkeypatch.setattr(hotpath, "time", clock)
    assert ids(pull(alice)) == [order.pk]  # 10 ms before the end: still delivered
    clock.time = lambda: edge  # exactly at valid_until: expired
    assert pull(bob)["orders"] == []
    clock.time = lambda: edge + 1
    assert pull(carol)["orders"] == []
    assert pull(alice)["orders"] == []


@pytest.mark.django_db
def test_new_amount_is_in_the_next_pull(
    make_trader, make_order, pull, client, django_capture_on_commit_callbacks
):
    alice = make_trader("10")
    make_order()
    assert pull(alice)["orders"][0]["amount"] == "10.00"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.put(
            "/api/v1/event-orders/settings",
            {"order_amount": "55.5"},
            content_type="application/json",
            **alice.auth,
        )
    assert r.status_code == 200, r.content
    make_order()
    assert pull(alice)["orders"][0]["amount"] == "55.50"


@pytest.mark.django_db
def test_cancelled_order_is_not_delivered(
    make_trader, make_order, pull, django_capture_on_commit_callbacks
):
    from orders.services import order_cancel

    alice = make_trader()
    order = make_order()
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order)
    assert pull(alice)["orders"] == []


@pytest.mark.django_db
def test_presence_is_recorded(make_trader, pull):
    alice, bob = make_trader(), make_trader()
    pull(alice)
    pull(bob)
    assert delivery.online_count(time.time(), 10) == 2
    assert delivery.online_count(time.time() + 60, 10) == 0


@pytest.mark.django_db
def test_concurrent_pulls_deliver_each_order_exactly_once(make_trader, make_order):
    """16 threads pull for the same trader at the same moment against the real Redis, each
    acknowledging what it received: 16 client sessions of one trader. The first session to pull
    holds each order's lease, so no other session receives it."""
    alice = make_trader()
    orders = [make_order(validity_seconds=60) for _ in range(5)]
    delivery.rebuild()
    barrier = threading.Barrier(16)
    got: list[str] = []
    lock = threading.Lock()

    def worker(holder: str) -> None:
        barrier.wait()
        mine: list[str] = []
        for _ in range(20):
            fragments, _flush = delivery.pull(
                alice.trader.pk, time.time(), holder=holder, acks=mine
            )
            mine = [f.split('"delivery_id":"')[1].rstrip('"') for f in fragments]
            with lock:
                got.extend(fragments)

    threads = [threading.Thread(target=worker, args=(f"s{n}",)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    delivered = sorted(int(f.split(",")[0].split(":")[1]) for f in got)
    assert delivered == sorted(o.pk for o in orders)


# --- refusal codes ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_and_bad_tokens(client):
    r = client.get("/api/v1/event-orders/pull")
    assert (r.status_code, r.json()["code"]) == (401, "not_authenticated")
    for header in ("Token nope", "Token ", "Basic abc", "Token " + "x" * 500):
        r = client.get("/api/v1/event-orders/pull", HTTP_AUTHORIZATION=header)
        assert (r.status_code, r.json()["code"]) == (401, "invalid_token"), header
        assert r["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_session_older_than_24h_is_refused(make_trader, pull):
    alice = make_trader()
    past = timezone.now() - timedelta(seconds=1)
    ClientSession.objects.filter(trader=alice.trader).update(expires_at=past)
    session_cache_drop(token_hash(alice.token))  # the DB path
    assert pull(alice, expect=401)["code"] == "session_expired"
    get_redis().hset(SESSION_PREFIX + token_hash(alice.token), "expires_at", past.timestamp())
    assert pull(alice, expect=401)["code"] == "session_expired"  # the cached path


@pytest.mark.django_db
def test_expired_and_disabled_accounts_are_refused(
    make_trader, make_order, pull, django_capture_on_commit_callbacks
):
    alice, bob = make_trader(), make_trader()
    make_order()
    pull(alice)
    pull(bob)  # both cached in Redis now
    with django_capture_on_commit_callbacks(execute=True):
        trader_update(trader=alice.trader, expires_at=timezone.now() - timedelta(minutes=1))
        trader_update(trader=bob.trader, is_disabled=True)
    assert pull(alice, expect=403)["code"] == "account_expired"
    assert pull(bob, expect=403)["code"] == "account_disabled"


@pytest.mark.django_db
def test_logged_out_token_is_refused(make_trader, pull, client):
    alice = make_trader()
    assert client.post("/api/v1/auth/logout", **alice.auth).status_code == 204
    assert pull(alice, expect=401)["code"] == "invalid_token"


@pytest.mark.django_db
def test_wrong_method_is_refused(make_trader, client):
    alice = make_trader()
    r = client.post("/api/v1/event-orders/pull", **alice.auth)
    assert (r.status_code, r.json()["code"]) == (405, "method_not_allowed")

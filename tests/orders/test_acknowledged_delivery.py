"""Acknowledged delivery against a real HTTP server: a pull whose reply never reaches the client
(socket closed unread) loses nothing — the next pull brings the same delivery again."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from accounts.services import session_login, trader_create
from kernel.redis import get_redis
from orders import delivery, services
from orders.models import Claim, EventSymbol


@pytest.fixture
def trader_token(transactional_db):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    EventSymbol.objects.get_or_create(symbol="BTCUSDT")
    trader = trader_create(
        username="ack1",
        password="pw-123456",
        expires_at=timezone.now() + timedelta(days=5),
        order_amount=Decimal("10"),
    )
    token = session_login(username="ack1", password="pw-123456", device_id="d", ip=None).token
    return trader, token


def pull_and_hang_up(url: str, token: str) -> None:
    """Send one pull and close the socket without reading a byte of the answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        request = (
            f"GET /api/v1/event-orders/pull HTTP/1.1\r\nHost: {parts.hostname}\r\n"
            f"Authorization: Token {token}\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(request.encode())
        sock.shutdown(socket.SHUT_WR)


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_a_pull_reply_lost_on_the_way_is_delivered_again(live_server, trader_token):
    trader, token = trader_token
    order = services.order_create(
        symbol="BTCUSDT", direction="LONG", time_increment="TEN_MINUTE", validity_seconds=60
    )
    claims = delivery.CLAIMS_PREFIX + str(order.pk)
    pull_and_hang_up(live_server.url, token)
    wait_until(lambda: get_redis().sismember(claims, str(trader.pk)))  # the script ran

    with httpx.Client(base_url=live_server.url, headers={"Authorization": f"Token {token}"}) as c:
        (again,) = c.get("/api/v1/event-orders/pull").json()["orders"]
        assert again["id"] == order.pk
        assert again["delivery_id"] == f"{order.pk}-{trader.pk}"
        assert not Claim.objects.filter(order=order).exists()  # admin: still 待分配

        acked = c.get("/api/v1/event-orders/pull", params={"ack": again["delivery_id"]})
        assert acked.json()["orders"] == []
        assert c.get("/api/v1/event-orders/pull").json()["orders"] == []
    services.claims_persist()
    assert Claim.objects.filter(order=order, trader=trader).count() == 1  # admin: 已分配


@pytest.mark.django_db(transaction=True)
def test_another_session_of_the_trader_waits_for_the_lease(live_server, trader_token, monkeypatch):
    """Two clients of one trader: the unacknowledged order stays with the session that got it;
    the other receives it only after the lease ran out (then it is the only one left to act)."""
    trader, token = trader_token
    other = session_login(username="ack1", password="pw-123456", device_id="d2", ip=None).token
    order = services.order_create(
        symbol="BTCUSDT", direction="LONG", time_increment="TEN_MINUTE", validity_seconds=60
    )
    url = live_server.url + "/api/v1/event-orders/pull"
    first = httpx.get(url, headers={"Authorization": f"Token {token}"}).json()["orders"]
    assert [o["id"] for o in first] == [order.pk]
    assert httpx.get(url, headers={"Authorization": f"Token {other}"}).json()["orders"] == []
    lease = delivery.LEASE_PREFIX + str(order.pk)
    holder, _until = get_redis().hget(lease, str(trader.pk)).split("|")
    get_redis().hset(lease, str(trader.pk), f"{holder}|{time.time() - 1}")  # the lease ran out
    taken = httpx.get(url, headers={"Authorization": f"Token {other}"}).json()["orders"]
    assert [o["delivery_id"] for o in taken] == [f"{order.pk}-{trader.pk}"]


@pytest.mark.django_db(transaction=True)
def test_the_acknowledgement_service_any_transport_can_call(trader_token, monkeypatch):
    """``services.deliveries_acknowledge`` is the pull's ``ack`` step on its own (a push channel
    acknowledges through it): only deliveries of this trader count, a repeat is harmless."""
    trader, _token = trader_token
    monkeypatch.setattr(services, "claims_flush_schedule", lambda: None)
    order = services.order_create(
        symbol="BTCUSDT", direction="SHORT", time_increment="TEN_MINUTE", validity_seconds=60
    )
    mine = delivery.delivery_id(order.pk, trader.pk)
    assert services.deliveries_acknowledge(trader_id=trader.pk, delivery_ids=[mine]) == [0]
    (fragment,) = delivery.pull(trader.pk, time.time(), holder="push-1")[0]
    assert f'"delivery_id":"{mine}"' in fragment
    states = services.deliveries_acknowledge(
        trader_id=trader.pk, delivery_ids=[mine, f"{order.pk}-999999", "garbage"]
    )
    assert states == [1, 0, 0]
    assert services.deliveries_acknowledge(trader_id=trader.pk, delivery_ids=[mine]) == [2]
    assert delivery.pull(trader.pk, time.time(), holder="push-1")[0] == []
    services.claims_persist()
    assert Claim.objects.filter(order=order, trader=trader).count() == 1

"""A Redis restart (or flush) must never re-deliver an acknowledged order: the state is rebuilt
from ``Claim`` rows (one per acknowledgement)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from backoffice.embedded_redis import EmbeddedRedis
from kernel.redis import get_redis, reset_redis_pool
from orders import delivery
from orders.models import Claim
from orders.services import claims_persist
from tests.orders.conftest import acks, ids


@pytest.mark.django_db
def test_claims_are_persisted_once(make_trader, make_order, pull):
    alice, bob = make_trader(), make_trader()
    order = make_order()
    pull(alice, ack=acks(pull(alice)))
    pull(bob, ack=acks(pull(bob)))
    assert Claim.objects.count() == 2  # the eager persist_claims ran after the acknowledgement
    assert claims_persist() == 0
    assert delivery.claimlog_length() == 0
    row = Claim.objects.get(order=order, trader=alice.trader)
    assert row.delivered_at is not None


@pytest.mark.django_db
def test_flushed_redis_is_rebuilt_without_redelivery(make_trader, make_order, pull):
    alice, bob = make_trader(), make_trader()
    first, second = make_order(), make_order(symbol="ETHUSDT")
    body = pull(alice)
    assert sorted(ids(body)) == sorted([first.pk, second.pk])
    pull(alice, ack=acks(body))
    claims_persist()
    get_redis().flushdb()  # every key gone: sessions, live set, claims
    assert pull(alice)["orders"] == []
    body = pull(bob)
    assert sorted(ids(body)) == sorted([first.pk, second.pk])
    assert pull(bob, ack=acks(body))["orders"] == []


@pytest.mark.django_db
def test_real_redis_restart(tmp_path, make_trader, make_order, pull):
    """Stop the Redis process and start a fresh one (no persistence) on the same port."""
    server = EmbeddedRedis(tmp_path / "r1").start()
    url = f"redis://127.0.0.1:{server.port}/0"
    try:
        with override_settings(REDIS_URL=url):
            reset_redis_pool()
            alice, bob = make_trader(), make_trader()
            order = make_order()
            body = pull(alice)
            assert ids(body) == [order.pk]
            pull(alice, ack=acks(body))
            assert Claim.objects.filter(order=order).count() == 1
            server.stop()
            server.start()  # same port, empty memory
            reset_redis_pool()
            assert get_redis().dbsize() == 0
            assert pull(alice)["orders"] == []
            body = pull(bob)
            assert ids(body) == [order.pk]
            assert pull(bob, ack=acks(body))["orders"] == []
    finally:
        server.stop()
        reset_redis_pool()

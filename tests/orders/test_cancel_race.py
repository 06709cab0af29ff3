"""A cancel is final: no publisher working from a read made before the cancel (the 30 s sweep, the
rebuild after a Redis flush) can make the order deliverable again, in any interleaving."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from kernel.redis import get_redis
from orders import delivery, selectors, services
from orders.models import EventOrder
from tests.orders.conftest import ids


@pytest.fixture
def cancel(django_capture_on_commit_callbacks):
    """Cancel as the admin action does: commit, then the on-commit withdrawal."""

    def do(order: EventOrder) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            assert services.order_cancel(order=order) is True

    return do


def _cancel_right_after_the_read(monkeypatch, cancel, order):
    """The database read of live orders returns, then the operator's cancel commits and withdraws
    the order, then the reader goes on to publish what it read."""
    real = selectors.live_orders

    def read_then_cancel(*args, **kwargs):
        monkeypatch.setattr(selectors, "live_orders", real)  # this read only
        rows = real(*args, **kwargs)
        assert order.pk in [o.pk for o in rows]  # read before the cancel
        cancel(order)
        return rows

    monkeypatch.setattr(selectors, "live_orders", read_then_cancel)


@pytest.mark.django_db
def test_sweep_that_read_before_a_cancel_does_not_republish_it(
    make_trader, make_order, pull, cancel, monkeypatch
):
    alice = make_trader()
    order = make_order()
    assert delivery.rebuild()  # the state is ready: the last pull reads Redis as it stands
    _cancel_right_after_the_read(monkeypatch, cancel, order)
    services.orders_sweep_expired()
    assert delivery.live_ids() == []
    assert get_redis().get(delivery.JSON_PREFIX + str(order.pk)) is None
    assert ids(pull(alice)) == []


@pytest.mark.django_db
def test_rebuild_that_read_before_a_cancel_does_not_republish_it(
    make_trader, make_order, pull, cancel, monkeypatch
):
    alice = make_trader()
    order = make_order()
    get_redis().delete(delivery.READY)  # as after a Redis restart: the next pull rebuilds
    _cancel_right_after_the_read(monkeypatch, cancel, order)
    assert ids(pull(alice)) == []
    assert delivery.live_ids() == []


@pytest.mark.django_db
def test_publishing_a_stale_copy_after_the_cancel_publishes_nothing(make_order, cancel):
    order = make_order()
    stale = EventOrder.objects.get(pk=order.pk)  # cancelled_at still None in this copy
    cancel(order)
    assert delivery.publish([stale]) == 0
    assert delivery.live_ids() == []


@pytest.mark.django_db
def test_withdrawal_after_a_publish_removes_it(make_order, cancel):
    order = make_order()
    stale = EventOrder.objects.get(pk=order.pk)
    delivery.publish([stale])  # a republish that ran just before the withdrawal
    cancel(order)
    assert delivery.live_ids() == []
    assert delivery.publish([stale]) == 0


@pytest.mark.django_db
def test_withdrawal_lost_to_redis_trouble_is_healed_by_the_sweep(
    make_trader, make_order, pull, cancel, monkeypatch
):
    alice = make_trader()
    order = make_order()
    real = delivery.withdraw
    monkeypatch.setattr(delivery, "withdraw", _raise(RedisConnectionError("down")))
    cancel(order)  # committed; the on-commit withdrawal failed and was logged
    assert delivery.live_ids() == [order.pk]
    monkeypatch.setattr(delivery, "withdraw", real)
    services.orders_sweep_expired()
    assert delivery.live_ids() == []
    assert ids(pull(alice)) == []


def _raise(exc: Exception):
    def fail(*args, **kwargs):
        raise exc

    return fail

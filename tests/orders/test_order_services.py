"""Creation, batch, templates, cancel and the derived status of event orders."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kernel.redis import get_redis
from kernel.refusals import Refused
from kernel.runtime_config import config_set
from orders import delivery, services, validation
from orders.choices import OrderStatus
from orders.models import EventOrder


@pytest.mark.django_db
def test_create_uses_knob_defaults_and_publishes(make_order):
    config_set("event_payout_ratio", "0.85")
    config_set("event_default_validity_s", "45")
    order = make_order(symbol="ethusdt", direction="SHORT", time_increment="ONE_HOUR")
    assert order.symbol == "ETHUSDT"
    assert order.payout_ratio == Decimal("0.85")
    assert order.valid_until - order.created_at == timedelta(seconds=45)
    fragment = get_redis().get(delivery.JSON_PREFIX + str(order.pk))
    row = json.loads(fragment + ',"amount":"1"}')
    assert row["payout_ratio"] == "0.85" and row["direction"] == "SHORT"
    assert delivery.live_ids() == [order.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value",
    [
        ("symbol", "DOGEUSDT"),
        ("symbol", "OLDUSDT"),
        ("direction", "UP"),
        ("time_increment", "FIVE_MINUTE"),
        ("validity_seconds", 10**9),
        ("payout_ratio", Decimal("-1")),
    ],
)
def test_create_refuses_bad_fields(make_order, field, value):
    with pytest.raises(Refused) as err:
        make_order(**{field: value})
    assert err.value.refusal.code == "invalid_order"
    assert not EventOrder.objects.exists()


@pytest.mark.django_db
def test_batch_creates_every_symbol_direction_pair(symbols, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        orders = services.orders_batch_create(
            symbols=["BTCUSDT", "ETHUSDT"],
            directions=["LONG", "SHORT"],
            time_increment="TEN_MINUTE",
            validity_seconds=30,
        )
    pairs = sorted((o.symbol, o.direction) for o in orders)
    assert pairs == [
        ("BTCUSDT", "LONG"),
        ("BTCUSDT", "SHORT"),
        ("ETHUSDT", "LONG"),
        ("ETHUSDT", "SHORT"),
    ]
    assert sorted(delivery.live_ids()) == sorted(o.pk for o in orders)


@pytest.mark.django_db
def test_batch_is_all_or_nothing(symbols):
    with pytest.raises(Refused):
        services.orders_batch_create(
            symbols=["BTCUSDT", "NOPEUSDT"], directions=["LONG"], time_increment="TEN_MINUTE"
        )
    assert EventOrder.objects.count() == 0


@pytest.mark.django_db
def test_template_save_then_create_in_one_call(symbols, django_capture_on_commit_callbacks):
    template = services.template_save(
        name="早盘",
        symbols=["btcusdt", "ETHUSDT"],
        directions=["SHORT"],
        time_increment="THIRTY_MINUTE",
        validity_seconds=90,
        payout_ratio=Decimal("0.82"),
    )
    assert template.symbols == "BTCUSDT,ETHUSDT"
    with django_capture_on_commit_callbacks(execute=True):
        orders = services.template_create_orders(template=template)
    assert [(o.symbol, o.direction, o.payout_ratio, o.validity_seconds) for o in orders] == [
        ("BTCUSDT", "SHORT", Decimal("0.82"), 90),
        ("ETHUSDT", "SHORT", Decimal("0.82"), 90),
    ]
    again = services.template_save(
        name="早盘", symbols=["BNBUSDT"], directions=["LONG"], time_increment="ONE_DAY"
    )
    assert again.pk == template.pk and again.symbols == "BNBUSDT"


@pytest.mark.django_db
def test_cancel_withdraws_a_live_order_only(make_order, django_capture_on_commit_callbacks):
    order = make_order()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.order_cancel(order=order) is True
    assert delivery.live_ids() == []
    assert services.order_cancel(order=order) is False
    order.refresh_from_db()
    assert order.status_at(timezone.now(), False) == OrderStatus.CANCELLED


@pytest.mark.django_db
def test_status_is_derived(make_order):
    order = make_order(validity_seconds=60)
    now = timezone.now()
    assert order.status_at(now, delivered=False) == OrderStatus.PENDING
    assert order.status_at(now, delivered=True) == OrderStatus.ASSIGNED
    assert order.status_at(order.valid_until, delivered=True) == OrderStatus.EXPIRED


@pytest.mark.django_db
def test_sweep_drops_expired_orders_from_redis(make_order):
    live = make_order(validity_seconds=60)
    gone = make_order(validity_seconds=60)
    EventOrder.objects.filter(pk=gone.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    delivery.publish([EventOrder.objects.get(pk=gone.pk)])
    assert services.orders_sweep_expired() == 1
    assert delivery.live_ids() == [live.pk]
    assert get_redis().get(delivery.JSON_PREFIX + str(gone.pk)) is None


@pytest.mark.django_db
def test_zero_validity_is_refused_not_replaced_by_the_default(make_order):
    with pytest.raises(Refused) as err:
        make_order(validity_seconds=0)
    assert err.value.detail == {"validity_seconds": 0}
    assert not EventOrder.objects.exists()


@pytest.mark.django_db
def test_template_save_refuses_what_orders_would_refuse(symbols):
    with pytest.raises(Refused) as err:
        services.template_save(
            name="坏",
            symbols=["BTCUSDT"],
            directions=["UP"],
            time_increment="TEN_MINUTE",
            payout_ratio=Decimal("10"),
        )
    assert set(err.value.detail) == {"directions", "payout_ratio"}
    assert validation.order_field_errors(err.value) == {
        "directions": "方向只能是 LONG 或 SHORT",
        "payout_ratio": "赔率须大于 0 且小于 10",
    }

"""Allowed symbols are in Binance's form (2–20 uppercase letters or digits) — in the model, the
service and the admin form — and the pull body is valid JSON whatever an order's strings hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from kernel.refusals import Refused
from orders import delivery, services
from orders.models import EventOrder, EventSymbol

BAD = [
    "B",
    "A" * 21,
    "BTC-USDT",
    "btc usdt",
    'BTC"USDT',
    "BTC\\USDT",
    "BTCUSDT\n",
    "比特币USDT",
    "",
]


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-123456")
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("symbol", [s for s in BAD if s.strip() == s])
def test_service_refuses_a_malformed_symbol(symbol):
    with pytest.raises(Refused) as err:
        services.symbol_add(symbol=symbol)
    assert err.value.refusal.code == "invalid_order" and list(err.value.detail) == ["symbol"]
    assert not EventSymbol.objects.exists()


@pytest.mark.django_db
def test_service_stores_the_uppercase_form_and_switches_on_and_off():
    row = services.symbol_add(symbol=" ethusdt ")
    assert row.symbol == "ETHUSDT" and row.is_active
    assert services.symbol_add(symbol="1000PEPEUSDT").symbol == "1000PEPEUSDT"
    services.symbol_set_active(symbol=row, is_active=False)
    assert not EventSymbol.objects.get(symbol="ETHUSDT").is_active


@pytest.mark.parametrize("symbol", [s for s in BAD if s])
def test_model_validator_refuses_a_malformed_symbol(symbol):
    with pytest.raises(ValidationError):
        EventSymbol(symbol=symbol).clean_fields()


@pytest.mark.django_db
@pytest.mark.parametrize("symbol", ["btc-usdt", "B", 'X"Y'])
def test_admin_form_refuses_a_malformed_symbol(admin_client, symbol):
    r = admin_client.post(reverse("admin:orders_eventsymbol_add"), {"symbol": symbol})
    assert r.status_code == 200
    assert list(r.context["adminform"].form.errors) == ["symbol"]
    assert "交易对须为 2 到 20 位大写字母或数字" in r.content.decode()
    assert not EventSymbol.objects.exists()


@pytest.mark.django_db
def test_admin_adds_the_uppercase_form_and_switches_it_off(admin_client):
    r = admin_client.post(
        reverse("admin:orders_eventsymbol_add"), {"symbol": " bnbusdt ", "is_active": "on"}
    )
    assert r.status_code == 302
    row = EventSymbol.objects.get()
    assert row.symbol == "BNBUSDT" and row.is_active
    r = admin_client.post(reverse("admin:orders_eventsymbol_change", args=[row.pk]), {})
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.symbol == "BNBUSDT" and not row.is_active


@pytest.mark.django_db
def test_orders_refuse_a_malformed_symbol_even_if_listed(symbols):
    EventSymbol.objects.create(symbol="BTC-USDT")  # written around the service and the validator
    with pytest.raises(Refused) as err:
        services.order_create(symbol="BTC-USDT", direction="LONG", time_increment="TEN_MINUTE")
    assert err.value.detail == {"symbols": ["BTC-USDT"]}
    assert not EventOrder.objects.exists()


def _order(symbol: str) -> EventOrder:
    when = datetime(2026, 11, 23, 2, 15, 3, 901000, tzinfo=UTC)
    return EventOrder(
        pk=1041,
        symbol=symbol,
        direction="LONG",
        time_increment="TEN_MINUTE",
        payout_ratio=Decimal("0.8000"),
        validity_seconds=60,
        created_at=when,
        valid_until=when.replace(minute=16),
    )


def test_fragment_keeps_its_exact_form():
    assert delivery.order_fragment(_order("BTCUSDT")) == (
        '{"id":1041,"symbol":"BTCUSDT","direction":"LONG","time_increment":"TEN_MINUTE",'
        '"payout_ratio":"0.80","created_at":"2026-11-23T02:15:03.901Z",'
        '"valid_until":"2026-11-23T02:16:03.901Z"'
    )


@pytest.mark.parametrize("symbol", ['BTC"USDT', "BTC\\USDT", "BTC\nUSDT", "比特币", '","x":"'])
def test_fragment_is_valid_json_whatever_the_symbol(symbol):
    body = delivery.order_fragment(_order(symbol)) + ',"amount":"10.00"}'
    row = json.loads(body)
    assert row["symbol"] == symbol and row["id"] == 1041 and row["amount"] == "10.00"
    assert set(row) == {
        "id",
        "symbol",
        "direction",
        "time_increment",
        "payout_ratio",
        "created_at",
        "valid_until",
        "amount",
    }

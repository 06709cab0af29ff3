"""The back office: create, batch, templates, cancel, per-order story, amounts, dashboard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import AuditEvent
from orders import delivery
from orders.models import EventOrder, ExecutionReport, OrderTemplate
from orders.services import execution_report


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-123456")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_add_order_goes_through_the_service(
    admin_client, symbols, django_capture_on_commit_callbacks
):
    data = {
        "symbol": "ETHUSDT",
        "direction": "SHORT",
        "time_increment": "ONE_HOUR",
        "payout_ratio": "0.80",
        "validity_seconds": "120",
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = admin_client.post(reverse("admin:orders_eventorder_add"), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    order = EventOrder.objects.get()
    assert order.created_by.username == "boss" and order.validity_seconds == 120
    assert delivery.live_ids() == [order.pk]


@pytest.mark.django_db
def test_add_refuses_a_symbol_not_on_the_list(admin_client, symbols):
    data = {
        "symbol": "OLDUSDT",
        "direction": "LONG",
        "time_increment": "ONE_HOUR",
        "payout_ratio": "0.80",
        "validity_seconds": "60",
    }
    r = admin_client.post(reverse("admin:orders_eventorder_add"), data)
    assert r.status_code == 200 and not EventOrder.objects.exists()


@pytest.mark.django_db
def test_batch_create_and_save_template(admin_client, symbols):
    data = {
        "symbols": ["BTCUSDT", "ETHUSDT"],
        "directions": ["LONG", "SHORT"],
        "time_increment": "TEN_MINUTE",
        "payout_ratio": "0.80",
        "validity_seconds": "60",
        "save_as_template": "双向",
    }
    assert admin_client.get(reverse("admin:orders_eventorder_batch")).status_code == 200
    r = admin_client.post(reverse("admin:orders_eventorder_batch"), data)
    assert r.status_code == 302
    assert EventOrder.objects.count() == 4
    template = OrderTemplate.objects.get(name="双向")
    r = admin_client.post(reverse("admin:orders_ordertemplate_create", args=[template.pk]))
    assert r.status_code == 302 and EventOrder.objects.count() == 8


@pytest.mark.django_db
def test_cancel_action(admin_client, make_order, django_capture_on_commit_callbacks):
    order = make_order()
    with django_capture_on_commit_callbacks(execute=True):
        r = admin_client.post(
            reverse("admin:orders_eventorder_changelist"),
            {"action": "cancel_orders", "_selected_action": [order.pk]},
        )
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.cancelled_at is not None and delivery.live_ids() == []


@pytest.mark.django_db
def test_order_pages_show_who_received_placed_failed(admin_client, make_trader, make_order, pull):
    alice, bob = make_trader(username="alice"), make_trader(username="bob")
    order = make_order()
    pull(alice)
    pull(bob)
    execution_report(order_id=order.pk, trader_id=alice.trader.pk, outcome="placed", latency_ms=321)
    execution_report(
        order_id=order.pk,
        trader_id=bob.trader.pk,
        outcome="failed",
        error_code="93420018",
        error_message="Open order number has reached maximum limit",
    )
    page = admin_client.get(
        reverse("admin:orders_eventorder_change", args=[order.pk])
    ).content.decode()
    assert "alice" in page and "bob" in page and "321" in page and "93420018" in page
    listing = admin_client.get(reverse("admin:orders_eventorder_changelist")).content.decode()
    assert "已分配" in listing


@pytest.mark.django_db
def test_trader_amount_editable_in_admin_within_range(admin_client, make_trader):
    alice = make_trader("10", username="alice")
    url = reverse("admin:orders_traderorderamount_change", args=[alice.trader.pk])
    r = admin_client.post(url, {"order_amount": "500"})
    assert r.status_code == 200  # form error shown
    alice.trader.refresh_from_db()
    assert alice.trader.order_amount == Decimal("10")
    r = admin_client.post(url, {"order_amount": "30"})
    assert r.status_code == 302
    alice.trader.refresh_from_db()
    assert alice.trader.order_amount == Decimal("30")
    assert AuditEvent.objects.filter(trader=alice.trader, actor__username="boss").exists()


@pytest.mark.django_db
def test_dashboard_renders_for_a_superuser(admin_client, make_trader, make_order, pull):
    alice, bob = make_trader(), make_trader()
    order = make_order()
    pull(alice)
    pull(bob)
    execution_report(order_id=order.pk, trader_id=alice.trader.pk, outcome="placed")
    execution_report(order_id=order.pk, trader_id=bob.trader.pk, outcome="failed", error_code="E42")
    index = admin_client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:orders_ordersdashboard_changelist")
    assert url in index
    page = admin_client.get(url).content.decode()
    assert '<div class="v" id="online-now">2</div>' in page
    assert '<div class="v" id="orders-today">1</div>' in page
    assert "50.0%" in page and "E42" in page and "<svg" in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>")[0]
    assert ExecutionReport.objects.count() == 2


@pytest.mark.django_db
def test_dashboard_is_for_staff_only(client, db):
    r = client.get(reverse("admin:orders_ordersdashboard_changelist"))
    assert r.status_code == 302 and "login" in r["Location"]


ADD = {
    "symbol": "BTCUSDT",
    "direction": "LONG",
    "time_increment": "TEN_MINUTE",
    "payout_ratio": "0.80",
    "validity_seconds": "60",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value,message",
    [
        ("payout_ratio", "0", "赔率须大于 0 且小于 10"),
        ("payout_ratio", "10", "赔率须大于 0 且小于 10"),
        ("payout_ratio", "12.5", "赔率须大于 0 且小于 10"),
        ("validity_seconds", "604801", "有效期须在 1 到 604800 秒之间"),
        ("validity_seconds", "0", "有效期须在 1 到 604800 秒之间"),
    ],
)
def test_add_refuses_out_of_range_values_with_a_field_error(
    admin_client, symbols, field, value, message
):
    r = admin_client.post(reverse("admin:orders_eventorder_add"), {**ADD, field: value})
    assert r.status_code == 200
    assert r.context["adminform"].form.errors == {field: [message]}
    assert message in r.content.decode()
    assert not EventOrder.objects.exists() and delivery.live_ids() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value",
    [("payout_ratio", "0"), ("payout_ratio", "10"), ("validity_seconds", "0")],
)
def test_batch_refuses_out_of_range_values_with_a_field_error(admin_client, symbols, field, value):
    data = {
        "symbols": ["BTCUSDT"],
        "directions": ["LONG"],
        "time_increment": "TEN_MINUTE",
        "payout_ratio": "0.80",
        "validity_seconds": "60",
        "save_as_template": "坏模板",
        field: value,
    }
    r = admin_client.post(reverse("admin:orders_eventorder_batch"), data)
    assert r.status_code == 200
    assert list(r.context["form"].errors) == [field]
    assert not EventOrder.objects.exists() and not OrderTemplate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value",
    [("payout_ratio", "0"), ("payout_ratio", "50"), ("validity_seconds", "604801")],
)
def test_template_form_refuses_what_orders_would_refuse(admin_client, symbols, field, value):
    data = {
        "name": "坏模板",
        "symbols": "BTCUSDT",
        "directions": "LONG",
        "time_increment": "TEN_MINUTE",
        "payout_ratio": "",
        "validity_seconds": "",
        field: value,
    }
    r = admin_client.post(reverse("admin:orders_ordertemplate_add"), data)
    assert r.status_code == 200
    assert list(r.context["adminform"].form.errors) == [field]
    assert not OrderTemplate.objects.exists()
    r = admin_client.post(reverse("admin:orders_ordertemplate_add"), {**data, field: ""})
    assert r.status_code == 302 and OrderTemplate.objects.get().payout_ratio is None


@pytest.mark.django_db
def test_a_stored_bad_template_gives_a_message_not_a_500(admin_client, symbols):
    template = OrderTemplate.objects.create(
        name="旧", symbols="BTCUSDT", time_increment="TEN_MINUTE", payout_ratio=Decimal("50")
    )
    url = reverse("admin:orders_ordertemplate_create", args=[template.pk])
    r = admin_client.post(url, follow=True)
    assert r.status_code == 200 and "赔率须大于 0 且小于 10" in r.content.decode()
    r = admin_client.post(
        reverse("admin:orders_ordertemplate_changelist"),
        {"action": "create_from_templates", "_selected_action": [template.pk]},
        follow=True,
    )
    assert r.status_code == 200 and "赔率须大于 0 且小于 10" in r.content.decode()
    assert not EventOrder.objects.exists()

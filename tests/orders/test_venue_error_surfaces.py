"""The venue-error catalogue on the server's surfaces: the back office (event-order dashboard and
page, copy-trading follower list) and the API (copy-trading follower payloads, the passphrase
check) say the same words, in the reader's language, with the raw code and message kept."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from orders.services import execution_report
from tests.trading.copytrade.operator_support import make_follower, make_operator
from tests.trading.copytrade.test_api import Api, login
from trading.copytrade.models import Follower

pytestmark = pytest.mark.django_db

RAW_KEY = "[binance_spot -2015] Invalid API-key, IP, or permissions for action."
CLIENT_LINE = "余额不足 — [binance_web 93420002] Insufficient balance"


@pytest.fixture
def failed_report(make_trader, make_order, pull):
    bob = make_trader(username="bob")
    order = make_order()
    pull(bob)
    execution_report(
        order_id=order.pk,
        trader_id=bob.trader.pk,
        outcome="failed",
        error_code="binance_93420002",
        error_message=CLIENT_LINE,
    )
    return order


@pytest.mark.parametrize(
    ("language", "words"), [("zh-hans", "余额不足"), ("en", "Insufficient balance")]
)
def test_the_dashboard_and_order_page_show_words_with_the_raw_error_on_hover(
    admin_client, failed_report, language, words
):
    admin_client.cookies["django_language"] = language
    for url in (
        reverse("admin:orders_ordersdashboard_changelist"),
        reverse("admin:orders_eventorder_change", args=[failed_report.pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert 'title="[binance_web 93420002] Insufficient balance"' in page, url
        assert f">{words}</span>" in page, url
        assert "币安拒绝了下单" not in page


def test_the_follower_list_shows_words_for_a_stored_venue_error(admin_client):
    follower = make_follower("keyless")
    Follower.objects.filter(pk=follower.pk).update(last_error=RAW_KEY)
    page = admin_client.get(reverse("admin:copytrade_follower_changelist")).content.decode()
    assert ">API 密钥无效、IP 未加白或权限不足</span>" in page
    assert 'title="[binance_spot -2015] Invalid API-key, IP, or permissions for action."' in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", "API 密钥无效、IP 未加白或权限不足"),
        ("en", "Invalid API key, IP not whitelisted"),
    ],
)
def test_the_api_gives_words_beside_the_raw_error(client, django_user_model, language, words):
    make_operator(django_user_model)
    api = Api(client, login(client).json()["token"])
    api.headers["HTTP_ACCEPT_LANGUAGE"] = language
    follower = make_follower("keyless")
    Follower.objects.filter(pk=follower.pk).update(last_error=RAW_KEY)
    body = api("GET", f"/accounts/{follower.pk}").json()
    assert body["last_error"] == RAW_KEY
    assert body["last_error_text"].startswith(words)


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "需要填写 Bitget API 口令"), ("en", "Bitget API keys need their passphrase")],
)
def test_a_missing_bitget_passphrase_is_refused_in_words(
    client, django_user_model, language, words
):
    make_operator(django_user_model)
    api = Api(client, login(client).json()["token"])
    api.headers["HTTP_ACCEPT_LANGUAGE"] = language
    body = {
        "name": "bg",
        "exchange": "bitget",
        "env": "sim",
        "api_key": "k" * 20,
        "api_secret": "s",
    }
    reply = api("POST", "/accounts", body)
    assert reply.status_code == 400, reply.content
    assert json.loads(reply.content)["detail"]["passphrase"] == [words]


def test_the_admin_add_form_refuses_a_missing_bitget_passphrase_in_words(admin_client):
    data = {
        "name": "bg",
        "venue": "bitget",
        "environment": "demo",
        "api_key": "k-123456789",
        "api_secret": "s-1",
        "passphrase": "",
    }
    page = admin_client.post(reverse("admin:copytrade_follower_add"), data)
    assert page.status_code == 200  # the form again, with the refusal
    assert "需要填写 Bitget API 口令" in page.content.decode()
    assert not Follower.objects.filter(name="bg").exists()

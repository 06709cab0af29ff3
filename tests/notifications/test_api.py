"""The desktop client's notifications API (trader token): list with unread count in the trader's
language, mark read, the trader's own channels with their subscription (secrets masked, never
returned), a test message, and the binding report; bad input gets the one error shape."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import session_login, trader_create
from notifications.models import Channel, Notification
from notifications.recipients import Recipient
from notifications.selectors import trader_ref
from notifications.services import notify
from orders.models import BindingReport
from tests.notifications.test_delivery import WARN

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(db):
    trader = trader_create(
        username="alice", password="pw-123456", expires_at=timezone.now() + timedelta(days=5)
    )
    token = session_login(username="alice", password="pw-123456", device_id="d", ip=None).token
    return trader, {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_list_unread_count_and_mark_read(client, alice):
    trader, auth = alice
    for i in range(3):
        notify(
            kind=WARN.code,
            key=f"api{i}",
            recipients=[Recipient.trader(trader.pk)],
            context={"n": i},
        )
    r = client.get("/api/v1/notifications", **auth)
    assert r.status_code == 200
    body = r.json()
    assert body["unread"] == 3 and [i["title"] for i in body["items"]] == [
        "警告 2",
        "警告 1",
        "警告 0",
    ]
    first = body["items"][0]["id"]
    r = client.post(
        "/api/v1/notifications/read", {"ids": [first]}, content_type="application/json", **auth
    )
    assert r.json() == {"marked": 1, "unread": 2}
    assert client.get("/api/v1/notifications/unread-count", **auth).json() == {"unread": 2}
    assert len(client.get("/api/v1/notifications?unread=1", **auth).json()["items"]) == 2
    r = client.post("/api/v1/notifications/read", {}, content_type="application/json", **auth)
    assert r.json() == {"marked": 2, "unread": 0}


def test_another_traders_notifications_are_not_visible_or_markable(client, alice):
    _, auth = alice
    bob = trader_create(
        username="bob", password="pw-123456", expires_at=timezone.now() + timedelta(days=5)
    )
    (pk,) = notify(kind=WARN.code, key="bob", recipients=[Recipient.trader(bob.pk)], context={})
    assert client.get("/api/v1/notifications", **auth).json()["items"] == []
    client.post(
        "/api/v1/notifications/read", {"ids": [pk]}, content_type="application/json", **auth
    )
    assert Notification.objects.get(pk=pk).read_at is None


def test_channels_crud_masks_secrets_and_test_sends(client, alice, receiver):
    trader, auth = alice
    r = client.post(
        "/api/v1/notifications/channels",
        {
            "kind": "dingtalk",
            "name": "我的钉钉",
            "url": f"{receiver.url}/robot/send?access_token=abcdefghijklmnop1234",
            "secret": "SECabcdefghijklmnopqrstuvwxyz",
            "min_severity": "info",
            "quiet_start": "23:00",
            "quiet_end": "07:00",
        },
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert "abcdefghijklmnop1234" not in json.dumps(
        out
    ) and "SECabcdefghijklmnop" not in json.dumps(out)
    assert out["url_masked"].endswith("access_token=abcd••••1234")
    assert (out["min_severity"], out["quiet_start"], out["quiet_end"]) == (
        "info",
        "23:00:00",
        "07:00:00",
    )
    channel = Channel.objects.get()
    assert channel.owner == trader_ref(trader.pk)
    r = client.post(f"/api/v1/notifications/channels/{channel.pk}/test", **auth)
    assert r.status_code == 200 and r.json()["ok"] is True and r.json()["http_status"] == 200
    assert "Fleet 测试消息" in receiver.requests[0].json()["text"]["content"]
    r = client.patch(
        f"/api/v1/notifications/channels/{channel.pk}",
        {"name": "改名", "kinds": "orders.*"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["name"] == "改名" and r.json()["kinds"] == "orders.*"
    assert r.json()["quiet_start"] == "23:00:00"  # untouched fields stay
    assert [c["id"] for c in client.get("/api/v1/notifications/channels", **auth).json()] == [
        channel.pk
    ]
    assert client.delete(f"/api/v1/notifications/channels/{channel.pk}", **auth).status_code == 204
    assert not Channel.objects.exists()


def test_a_channel_of_someone_else_is_not_found(client, alice):
    _, auth = alice
    other = Channel.objects.create(owner="u:1", kind="wecom", name="x", url="http://127.0.0.1:9/x")
    r = client.post(f"/api/v1/notifications/channels/{other.pk}/test", **auth)
    assert r.status_code == 404 and r.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "dingtalk", "name": "x"}, "url"),
        ({"kind": "telegram", "name": "x", "secret": "1:T"}, "chat_id"),
        ({"kind": "pager", "name": "x", "url": "http://127.0.0.1/x"}, "kind"),
        ({"kind": "wecom", "name": "x", "url": "not a url"}, "url"),
    ],
)
def test_bad_channel_input_gets_the_error_shape(client, alice, body, field):
    _, auth = alice
    r = client.post("/api/v1/notifications/channels", body, content_type="application/json", **auth)
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    assert field in r.json()["detail"]
    assert not Channel.objects.exists()


def test_without_a_token_the_api_refuses(client):
    r = client.get("/api/v1/notifications")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_the_client_reports_its_binding(client, alice):
    trader, auth = alice
    at = (timezone.now() + timedelta(hours=20)).replace(microsecond=0)
    r = client.put(
        "/api/v1/event-orders/binding",
        {"bound": True, "expires_at": at.isoformat()},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200, r.content
    row = BindingReport.objects.get(trader=trader)
    assert row.bound and row.expires_at == at


def test_the_list_costs_a_fixed_number_of_queries(client, alice, django_assert_max_num_queries):
    trader, auth = alice
    client.get("/api/v1/notifications/unread-count", **auth)  # warms the session cache
    for i in range(30):
        notify(kind=WARN.code, key=f"q{i}", recipients=[Recipient.trader(trader.pk)], context={})
    with django_assert_max_num_queries(3):
        r = client.get("/api/v1/notifications", **auth)
    assert len(r.json()["items"]) == 30

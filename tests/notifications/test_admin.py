"""The back office of notifications: channel setup with write-only secrets (masked everywhere),
the test button with the platform's reply, subscriptions inline, the delivery log with every
attempt, and the unread count in the admin header for staff users."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from notifications.models import Channel, Delivery, DeliveryAttempt, Subscription
from notifications.recipients import Recipient
from notifications.selectors import user_ref
from notifications.services import notify
from tests.notifications.test_delivery import WARN

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def boss(client):
    user = User.objects.create_superuser("boss", "b@example.com", "pw-123456789")
    client.force_login(user)
    return user


def add_channel(client, receiver) -> Channel:
    reply = client.post(
        reverse("admin:notifications_channel_add"),
        {
            "name": "运维钉钉群",
            "kind": "dingtalk",
            "url": f"{receiver.url}/robot/send?access_token={TOKEN}",
            "secret": "SECsupersecretsupersecret",
            "chat_id": "",
            "language": "zh",
            "is_enabled": "on",
            "subscriptions-TOTAL_FORMS": "0",
            "subscriptions-INITIAL_FORMS": "0",
        },
    )
    assert reply.status_code == 302, reply.content.decode()[:3000]
    return Channel.objects.get()


def test_channel_setup_masks_secrets_and_subscribes_its_owner(client, boss, receiver):
    channel = add_channel(client, receiver)
    assert channel.owner == user_ref(boss.pk) and channel.url.endswith(TOKEN)
    assert Subscription.objects.get().recipient == user_ref(boss.pk)
    for url in (
        reverse("admin:notifications_channel_changelist"),
        reverse("admin:notifications_channel_change", args=[channel.pk]),
    ):
        page = client.get(url).content.decode()
        assert TOKEN not in page and "SECsupersecret" not in page
        assert "0123••••cdef" in page
    # editing without typing the secrets keeps them
    reply = client.post(
        reverse("admin:notifications_channel_change", args=[channel.pk]),
        {
            "name": "改名",
            "kind": "dingtalk",
            "url": "",
            "secret": "",
            "chat_id": "",
            "language": "en",
            "is_enabled": "on",
            "subscriptions-TOTAL_FORMS": "1",
            "subscriptions-INITIAL_FORMS": "1",
            "subscriptions-0-id": str(Subscription.objects.get().pk),
            "subscriptions-0-channel": str(channel.pk),
            "subscriptions-0-recipient": user_ref(boss.pk),
            "subscriptions-0-kinds": "copytrade.*",
            "subscriptions-0-min_severity": "info",
            "subscriptions-0-quiet_start": "",
            "subscriptions-0-quiet_end": "",
            "subscriptions-0-is_active": "on",
        },
    )
    assert reply.status_code == 302, reply.content.decode()[:3000]
    channel.refresh_from_db()
    assert (
        channel.name == "改名" and channel.url.endswith(TOKEN) and channel.secret.startswith("SEC")
    )
    assert Subscription.objects.get().kinds == "copytrade.*"


def test_test_button_sends_and_shows_the_platform_reply(client, boss, receiver):
    channel = add_channel(client, receiver)
    reply = client.post(reverse("admin:notifications_channel_test", args=[channel.pk]), follow=True)
    page = reply.content.decode()
    assert "测试消息已发送" in page and "errcode" in page
    assert len(receiver.requests) == 1 and "sign" in receiver.requests[0].query
    receiver.reply(200, {"errcode": 310000, "errmsg": "keywords not in content"})
    page = client.post(
        reverse("admin:notifications_channel_test", args=[channel.pk]), follow=True
    ).content.decode()
    assert "测试消息发送失败" in page and "keywords not in content" in page


def test_delivery_log_lists_every_attempt_with_status_and_error(client, boss, receiver):
    add_channel(client, receiver)
    receiver.reply(500, {"errmsg": "busy"})
    notify(kind=WARN.code, key="log", recipients=[Recipient.user(boss.pk)], context={"n": 7})
    assert DeliveryAttempt.objects.count() == 2
    page = client.get(reverse("admin:notifications_delivery_changelist")).content.decode()
    assert "已发送" in page and "test.delivery_warn" in page
    delivery = Delivery.objects.get(key="log")
    page = client.get(
        reverse("admin:notifications_delivery_change", args=[delivery.pk])
    ).content.decode()
    assert "busy" in page and "500" in page
    page = client.get(reverse("admin:notifications_deliveryattempt_changelist")).content.decode()
    assert "临时错误" in page and "成功" in page


def test_admin_header_shows_the_unread_count_and_the_list(client, boss):
    for i in range(2):
        notify(
            kind=WARN.code, key=f"hdr{i}", recipients=[Recipient.user(boss.pk)], context={"n": i}
        )
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="notif-unread"' in page and ">2</span>" in page
    listing = client.get(
        reverse("admin:notifications_notification_changelist") + "?read_at__isempty=1"
    )
    assert listing.status_code == 200 and "警告 1" in listing.content.decode()


def test_plain_staff_see_only_their_own_notifications(client):
    staff = User.objects.create_user("staff", password="pw-123456789", is_staff=True)
    other = User.objects.create_user("other", is_staff=True)
    notify(kind=WARN.code, key="mine", recipients=[Recipient.user(staff.pk)], context={"n": 1})
    notify(kind=WARN.code, key="theirs", recipients=[Recipient.user(other.pk)], context={"n": 2})
    client.force_login(staff)
    page = client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    assert "警告 1" in page and "警告 2" not in page

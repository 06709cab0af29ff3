"""Delivery end to end against a local receiver: notify → after commit → Celery task (eager) →
one request per subscribed channel; a replayed notify sends nothing more; 5xx and network errors
retry with backoff, 4xx and platform error codes do not; every attempt is recorded; a channel that
keeps failing is marked broken and its owner told in-app; rate limits and bursts become digests;
quiet hours hold non-critical messages."""

from __future__ import annotations

import time
from datetime import time as dtime

import pytest
from django.contrib.auth.models import User

from notifications import delivery, kinds
from notifications.choices import DeliveryStatus, Severity
from notifications.models import Channel, Delivery, DeliveryAttempt, Notification
from notifications.recipients import Recipient
from notifications.selectors import user_ref
from notifications.services import channel_create, notify, subscription_save
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

WARN = kinds.register(
    kinds.Kind(
        "test.delivery_warn", Severity.WARNING, "警告 {n}", "Warning {n}", "第 {n} 条", "item {n}"
    )
)
INFO = kinds.register(kinds.Kind("test.delivery_info", Severity.INFO, "提示", "Info", "", ""))
CRIT = kinds.register(
    kinds.Kind("test.delivery_crit", Severity.CRITICAL, "严重", "Critical", "", "")
)


@pytest.fixture
def staff(db):
    return User.objects.create_user("ops", is_staff=True)


def ding(owner: str, receiver, name: str = "ops group") -> Channel:
    return channel_create(
        owner=owner,
        kind="dingtalk",
        name=name,
        url=f"{receiver.url}/robot/send?access_token=tok",
        secret="SECsecret",
    )


def say(staff, key: str, kind=WARN, n: int = 1) -> list[int]:
    return notify(kind=kind.code, key=key, recipients=[Recipient.user(staff.pk)], context={"n": n})


def test_one_message_per_subscribed_channel_and_none_on_replay(staff, receiver):
    ding(user_ref(staff.pk), receiver)
    for _ in range(3):
        say(staff, "k1")
    assert len(receiver.requests) == 1
    assert receiver.requests[0].json()["text"]["content"] == "警告 1\n第 1 条"
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.SENT and row.attempts == 1
    assert DeliveryAttempt.objects.get().outcome == "ok"


def test_a_channel_shared_by_two_subscribers_gets_the_occurrence_once(staff, receiver):
    other = User.objects.create_user("ops2", is_staff=True)
    channel = ding(user_ref(staff.pk), receiver)
    subscription_save(recipient=user_ref(other.pk), channel=channel)
    notify(
        kind=WARN.code,
        key="shared",
        recipients=[Recipient.user(staff.pk), Recipient.user(other.pk)],
        context={"n": 1},
    )
    assert Notification.objects.count() == 2  # each person's in-app row
    assert len(receiver.requests) == 1


def test_below_minimum_severity_or_other_kinds_are_not_sent(staff, receiver):
    channel = ding(user_ref(staff.pk), receiver)
    say(staff, "info", kind=INFO)  # default minimum is WARNING
    subscription_save(recipient=user_ref(staff.pk), channel=channel, kinds="copytrade.*")
    say(staff, "warn")
    assert receiver.requests == []
    assert Notification.objects.count() == 2  # in-app always


def test_5xx_is_retried_with_backoff_then_sent(staff, receiver):
    ding(user_ref(staff.pk), receiver)
    receiver.reply(500, {"error": "boom"})
    receiver.reply(503, b"<html>busy</html>")
    say(staff, "k5xx")
    assert len(receiver.requests) == 3
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.SENT and row.attempts == 3
    tries = list(row.tries.order_by("at", "pk"))
    assert [(t.outcome, t.http_status, t.retry_in_s) for t in tries] == [
        ("retryable", 500, 15.0),
        ("retryable", 503, 30.0),
        ("ok", 200, None),
    ]


def test_retries_stop_after_the_last_attempt(staff, receiver):
    ding(user_ref(staff.pk), receiver)
    for _ in range(10):
        receiver.reply(502)
    say(staff, "down")
    row = Delivery.objects.get()
    assert len(receiver.requests) == 6 and row.attempts == 6
    assert row.status == DeliveryStatus.FAILED and row.error.startswith("[502]")


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (404, {"errmsg": "not found"}, "404"),
        (200, {"errcode": 310000, "errmsg": "sign not match"}, "310000"),
    ],
)
def test_4xx_and_platform_errors_are_not_retried(staff, receiver, status, body, code):
    ding(user_ref(staff.pk), receiver)
    receiver.reply(status, body)
    say(staff, "k4xx")
    assert len(receiver.requests) == 1
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.FAILED
    attempt = row.tries.get()
    assert (attempt.outcome, attempt.code, attempt.http_status) == ("permanent", code, status)
    assert body["errmsg"] in attempt.reply


def test_a_channel_that_keeps_failing_is_broken_and_its_owner_told_in_app(staff, receiver):
    channel = ding(user_ref(staff.pk), receiver)
    for i in range(delivery.BROKEN_AFTER):
        receiver.reply(200, {"errcode": 300001, "errmsg": "token is not exist"})
        say(staff, f"fail{i}")
    channel.refresh_from_db()
    assert channel.is_broken and channel.failures == delivery.BROKEN_AFTER
    told = Notification.objects.get(kind="notifications.channel_broken")
    assert told.recipient == user_ref(staff.pk) and told.context["channel"] == "ops group"
    sent = len(receiver.requests)
    say(staff, "after")  # skipped: the broken channel is not tried again
    assert len(receiver.requests) == sent
    assert Delivery.objects.get(key="after").status == DeliveryStatus.SKIPPED
    # the owner fixes it and tests: the mark is gone
    delivery.channel_test_send(channel=channel)
    channel.refresh_from_db()
    assert not channel.is_broken and channel.failures == 0


def test_secrets_never_appear_in_recorded_errors(staff, receiver):
    channel = ding(user_ref(staff.pk), receiver)
    receiver.reply(400, {"errmsg": f"bad token {channel.url}"})
    say(staff, "leak")
    attempt = DeliveryAttempt.objects.get()
    assert "tok" not in attempt.reply.replace("token", "") and channel.url not in attempt.error


def test_a_burst_of_one_kind_becomes_one_digest(staff, receiver):
    ding(user_ref(staff.pk), receiver)
    for i in range(12):
        say(staff, f"burst{i}", n=i)
    assert len(receiver.requests) == 3  # the first three go out one by one
    held = Delivery.objects.filter(status=DeliveryStatus.HELD)
    assert held.count() == 9 and {d.hold_reason for d in held} == {"burst"}
    ready = delivery.deliveries_flush(now=time.time() + 31)
    assert len(ready) == 1
    delivery.delivery_send(delivery_id=ready[0], now=time.time() + 31)
    assert len(receiver.requests) == 4
    digest = receiver.requests[-1].json()["text"]["content"]
    assert digest.startswith("Fleet 汇总：9 条通知")
    assert "警告 3" in digest and "警告 11" in digest
    carrier = Delivery.objects.get(pk=ready[0])
    assert carrier.item_count == 9 and carrier.status == DeliveryStatus.SENT
    assert Delivery.objects.filter(status=DeliveryStatus.DIGESTED, digest=carrier).count() == 8


def test_dingtalk_rate_limit_holds_the_21st_message_of_a_minute(staff, receiver):
    ding(user_ref(staff.pk), receiver)
    codes = [
        kinds.register(kinds.Kind(f"test.rate_{i}", Severity.WARNING, f"R{i}", f"R{i}", "", ""))
        for i in range(22)
    ]
    for i, kind in enumerate(codes):
        say(staff, f"rate{i}", kind=kind)
    assert len(receiver.requests) == 20  # DingTalk: 20 messages per minute per robot
    held = list(Delivery.objects.filter(status=DeliveryStatus.HELD))
    assert len(held) == 2 and {d.hold_reason for d in held} == {"rate_limit"}
    assert delivery.deliveries_flush(now=time.time() + 1) == []  # still inside the minute
    later = time.time() + 61
    ready = delivery.deliveries_flush(now=later)
    assert len(ready) == 2  # two kinds, slots free again: one message each
    for pk in ready:
        delivery.delivery_send(delivery_id=pk, now=later)
    assert len(receiver.requests) == 22


def test_quiet_hours_hold_all_but_critical(staff, receiver):
    channel = ding(user_ref(staff.pk), receiver)
    subscription_save(
        recipient=user_ref(staff.pk),
        channel=channel,
        min_severity="info",
        quiet_start=dtime(0, 0),
        quiet_end=dtime(23, 59, 59),
    )
    say(staff, "quiet", kind=WARN)
    say(staff, "loud", kind=CRIT)
    assert [r.json()["text"]["content"] for r in receiver.requests] == ["严重"]
    held = Delivery.objects.get(key="quiet")
    assert (held.status, held.hold_reason) == (DeliveryStatus.HELD, "quiet")


def test_test_send_records_the_attempt_and_returns_the_reply(staff, receiver):
    channel = ding(user_ref(staff.pk), receiver)
    receiver.reply(200, {"errcode": 0, "errmsg": "ok"})
    result = delivery.channel_test_send(channel=channel)
    assert result.status == DeliveryStatus.SENT and result.reply.status == 200
    assert "Fleet 测试消息" in receiver.requests[0].json()["text"]["content"]
    assert Delivery.objects.get().kind == "notifications.test"


def test_the_flush_resends_what_a_dead_worker_left_and_lost_tasks(staff, receiver):
    ding(user_ref(staff.pk), receiver)
    receiver.reply(500)
    say(staff, "stuck")
    row = Delivery.objects.get(key="stuck")
    assert row.status == DeliveryStatus.SENT  # 500 then 200 (eager retry)
    Delivery.objects.filter(pk=row.pk).update(status=DeliveryStatus.SENDING)  # died mid-send
    assert delivery.deliveries_flush(now=time.time() + 60) == []  # maybe still sending
    assert delivery.deliveries_flush(now=time.time() + 601) == [row.pk]
    assert delivery.delivery_send(delivery_id=row.pk).status == DeliveryStatus.SENT


def test_a_long_platform_wait_is_left_to_the_flush(staff):
    with Receiver() as tg:
        channel_create(
            owner=user_ref(staff.pk),
            kind="telegram",
            name="tg",
            url=tg.url,
            secret="1:T",
            chat_id="-5",
        )
        tg.reply(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 900",
                "parameters": {"retry_after": 900},
            },
        )
        tg.default = b'{"ok": true, "result": {}}'
        say(staff, "flood")
        row = Delivery.objects.get(key="flood")
        assert row.status == DeliveryStatus.RETRY and len(tg.requests) == 1
        assert row.tries.get().retry_in_s == 900
        assert delivery.deliveries_flush(now=time.time() + 600) == []
        (due,) = delivery.deliveries_flush(now=time.time() + 900 + delivery.LOST_AFTER_S + 1)
        assert delivery.delivery_send(delivery_id=due).status == DeliveryStatus.SENT


def test_a_channel_speaks_its_own_language_and_webhooks_get_the_machine_fields(staff, receiver):
    channel_create(
        owner=user_ref(staff.pk),
        kind="webhook",
        name="monitor",
        url=f"{receiver.url}/hook",
        secret="k",
        language="en",
    )
    say(staff, "en1", n=3)
    body = receiver.requests[0].json()
    assert (body["title"], body["body"]) == ("Warning 3", "item 3")
    assert body["kind"] == WARN.code and body["key"] == "en1" and body["severity"] == "warning"
    assert body["lang"] == "en" and body["count"] == 1

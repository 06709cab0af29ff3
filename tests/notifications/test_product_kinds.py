"""The kinds emitted now, from the real code paths: copy trading through the simulator over HTTP
(a revoked follower key, a failed copy, stale balances, start/stop, the leader stream down),
event contracts (accounts expiring, Binance bindings expiring, placement failure rate) and the
health watcher — each reaching the operators' subscribed channels once."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from accounts.notices import traders_notify_expiring
from backoffice.health_notices import HealthWatch, health_round
from kernel.redis import get_redis
from notifications.models import Delivery, Notification
from notifications.selectors import trader_ref, user_ref
from notifications.services import channel_create
from orders.models import EventOrder, ExecutionReport
from orders.notices import (
    binding_report,
    bindings_notify_expiring,
    failure_rate_alert,
    placement_failures_check,
)
from tests.notifications.receiver import Receiver
from tests.trading.copytrade.fanout_support import make_sim_follower, make_sim_leader, trader
from trading.copytrade import notices
from trading.copytrade.models import Follower
from trading.copytrade.services import balances, controls, venues
from trading.copytrade.services import followers as services
from trading.copytrade.services.controls import LEADER_CONN_KEY

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_venue_clients():
    venues.reset()
    yield
    venues.reset()


@pytest.fixture
def two_channels(operator):
    """The operator's DingTalk robot and WeCom robot, each on its own loopback receiver."""
    with Receiver() as ding, Receiver() as wecom:
        channel_create(
            owner=user_ref(operator.pk),
            kind="dingtalk",
            name="钉钉运维群",
            url=f"{ding.url}/robot/send?access_token=t1",
            secret="SEC1",
        )
        channel_create(
            owner=user_ref(operator.pk),
            kind="wecom",
            name="企业微信运维群",
            url=f"{wecom.url}/cgi-bin/webhook/send?key=k1",
        )
        yield ding, wecom


def texts(receiver: Receiver) -> list[str]:
    return [r.json()["text"]["content"] for r in receiver.requests]


# --- copy trading ---------------------------------------------------------------------------------
def test_a_revoked_follower_key_tells_the_operators_once_on_each_channel(
    sim, operator, two_channels, django_capture_on_commit_callbacks
):
    ding, wecom = two_channels
    leader = make_sim_leader(sim)
    services.copy_set_running(running=True)
    revoked = make_sim_follower(sim, "跟单甲", "binance")
    make_sim_follower(sim, "跟单乙", "binance")
    sim.control.fault("reject_auth", account=revoked.api_key, count=-1)
    trade = trader(leader, django_capture_on_commit_callbacks)
    ding.requests.clear(), wecom.requests.clear()  # the "copy started" notice

    trade("L-1")
    assert Follower.objects.get(pk=revoked.pk).state == "DISABLED"
    note = Notification.objects.get(kind="copytrade.follower_disabled")
    assert note.recipient == user_ref(operator.pk) and note.context["follower"] == "跟单甲"
    assert len(texts(ding)) == 1 and texts(ding)[0].startswith("跟单账户已停用：跟单甲")
    assert len(texts(wecom)) == 1 and "-2015" in texts(wecom)[0]

    from trading.copytrade.services.fanout import run_chunk

    event_id = Notification.objects.get(kind="copytrade.follower_disabled").key.rsplit("ev", 1)[1]
    run_chunk(int(event_id), [revoked.pk])  # a redelivered chunk: nothing new
    trade("L-2")  # the follower is DISABLED now: not copied, not told again
    assert Notification.objects.filter(kind="copytrade.follower_disabled").count() == 1
    assert len(ding.requests) == 1 and len(wecom.requests) == 1


def test_verifying_a_refused_key_notifies_once(sim, operator, two_channels):
    ding, _ = two_channels
    f = make_sim_follower(sim, "验证甲", "bitget")
    sim.control.fault("reject_auth", account=f.api_key, count=-1)
    assert not services.follower_verify(follower=f.follower).ok
    assert not services.follower_verify(follower=Follower.objects.get(pk=f.pk)).ok
    assert Notification.objects.filter(kind="copytrade.follower_disabled").count() == 1
    assert len(ding.requests) == 1


def test_stale_balances_skip_copies_and_tell_the_operators_once_per_event(
    sim, operator, two_channels, django_capture_on_commit_callbacks
):
    ding, _ = two_channels
    leader = make_sim_leader(sim)
    services.copy_set_running(running=True)
    for name in ("甲", "乙", "丙"):
        make_sim_follower(sim, name, "binance", cache=False)  # never polled: balance unknown
    ding.requests.clear()
    trader(leader, django_capture_on_commit_callbacks)("L-9")
    note = Notification.objects.get(kind="copytrade.copy_skipped")
    assert note.context["count"] == 3 and note.context["reason"] == "balance_unknown"
    assert len(ding.requests) == 1 and "3 个账户" in texts(ding)[0]


def test_a_failed_copy_is_told(sim, operator, two_channels, django_capture_on_commit_callbacks):
    ding, _ = two_channels
    leader = make_sim_leader(sim)
    services.copy_set_running(running=True)
    f = make_sim_follower(sim, "拒单甲", "binance", usdt="1", cache=False)
    balances.balance_store(f.pk, Decimal(1000), Decimal(0))  # the cache is wrong: the venue refuses
    ding.requests.clear()
    trader(leader, django_capture_on_commit_callbacks)("L-5")
    note = Notification.objects.get(kind="copytrade.copy_failed")
    assert note.context["follower"] == "拒单甲" and note.context["leader_order"] == "L-5"
    assert len(ding.requests) == 1


def test_copying_stopped_and_started_are_told_on_change_only(operator, two_channels):
    ding, _ = two_channels
    services.copy_set_running(running=True)
    services.copy_set_running(running=True)  # no change: nothing
    services.copy_set_running(running=False)
    kinds = list(Notification.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["copytrade.copy_started", "copytrade.copy_stopped"]
    assert texts(ding) == [  # "started" is INFO: below the default WARNING subscription
        "跟单已停止\n跟单总开关已关闭：主单仍会记录，但不再复制给跟单账户。"
    ]


def test_leader_stream_down_longer_than_n_seconds_is_told_once_per_outage(
    sim, operator, two_channels
):
    ding, _ = two_channels
    make_sim_leader(sim)
    services.copy_set_running(running=True)
    get_redis().delete(LEADER_CONN_KEY)
    controls.leader_connection_report(state="connected")
    assert not notices.leader_stream_check(after_s=60)
    controls.leader_connection_report(state="disconnected", detail="reconnecting")
    since = int(get_redis().hget(LEADER_CONN_KEY, "since_ms")) / 1000
    controls.leader_connection_report(state="disconnected", detail="reconnecting")  # heartbeat
    assert int(get_redis().hget(LEADER_CONN_KEY, "since_ms")) / 1000 == since
    assert not notices.leader_stream_check(now=since + 30, after_s=60)
    assert notices.leader_stream_check(now=since + 61, after_s=60)
    assert notices.leader_stream_check(now=since + 91, after_s=60)  # same outage: same key
    note = Notification.objects.get(kind="copytrade.leader_disconnected")
    assert note.context["seconds"] == 61
    assert sum("主账户数据流断开" in t for t in texts(ding)) == 1


# --- event contracts ------------------------------------------------------------------------------
def test_an_account_expiring_within_three_days_tells_the_trader_and_operators(trader):
    manager = User.objects.create_user("mgr", is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="change_trader"))
    with Receiver() as tg:
        tg.default = json.dumps({"ok": True, "result": {}}).encode()
        channel_create(
            owner=trader_ref(trader.pk),
            kind="telegram",
            name="my tg",
            url=tg.url,
            secret="1:T",
            chat_id="42",
        )
        trader.expires_at = timezone.now() + timedelta(days=2)
        trader.save()
        assert traders_notify_expiring() == 1  # one trader, two recipients
        assert traders_notify_expiring() == 0  # once per expiry date
        assert {n.recipient for n in Notification.objects.all()} == {
            trader_ref(trader.pk),
            user_ref(manager.pk),
        }
        (req,) = tg.requests
        assert req.path == "/bot1:T/sendMessage" and req.json()["chat_id"] == 42
        trader.expires_at += timedelta(days=30)  # renewed: no notice while far away
        trader.save()
        assert traders_notify_expiring() == 0


def test_a_binding_about_to_expire_tells_its_trader(trader):
    soon = timezone.now() + timedelta(hours=5)
    binding_report(trader_id=trader.pk, bound=True, expires_at=soon)
    assert bindings_notify_expiring() == 1
    assert bindings_notify_expiring() == 0
    note = Notification.objects.get(kind="orders.binding_expiring")
    assert note.recipient == trader_ref(trader.pk) and note.context["hours"] == 4
    binding_report(trader_id=trader.pk, bound=True, expires_at=soon + timedelta(days=10))
    assert bindings_notify_expiring() == 0


@pytest.mark.parametrize(
    ("failed", "total", "alert"),
    [(3, 10, False), (4, 10, True), (9, 9, False), (0, 50, False), (31, 100, True)],
)
def test_failure_rate_alert(failed, total, alert):
    assert failure_rate_alert(failed, total, Decimal("0.30"), 10) is alert


def test_a_placement_failure_rate_above_the_threshold_tells_the_order_operators(trader):
    ops = User.objects.create_user("orders-op", is_staff=True)
    ops.user_permissions.add(Permission.objects.get(codename="add_eventorder"))
    now = timezone.now()
    for i in range(10):
        order = EventOrder.objects.create(
            symbol="BTCUSDT",
            direction="LONG",
            time_increment="TEN_MINUTE",
            payout_ratio=Decimal("0.8"),
            validity_seconds=60,
            valid_until=now + timedelta(minutes=1),
        )
        ExecutionReport.objects.create(
            order=order,
            trader=trader,
            outcome="failed" if i < 4 else "placed",
            error_code="insufficient_balance" if i < 4 else "",
        )
    assert placement_failures_check(now=now)
    assert placement_failures_check(now=now)  # same 10-minute slot: one notification
    note = Notification.objects.get(kind="orders.placement_failure_rate")
    assert note.recipient == user_ref(ops.pk)
    assert (note.context["failed"], note.context["total"], note.context["rate"]) == (4, 10, "40%")
    assert note.context["top_error"] == "insufficient_balance"


# --- system ---------------------------------------------------------------------------------------
def test_health_failing_longer_than_n_seconds_is_told_once_per_outage(operator, two_channels):
    ding, _ = two_channels
    watch = HealthWatch()
    failing = {"broker": "OperationalError"}
    t0 = time.time()
    assert health_round(watch, t0, 120, lambda: failing) == 0
    assert health_round(watch, t0 + 119, 120, lambda: failing) == 0
    assert health_round(watch, t0 + 121, 120, lambda: failing) == 1
    assert health_round(watch, t0 + 150, 120, lambda: failing) == 1  # same outage, same key
    assert health_round(watch, t0 + 160, 120, dict) == 0  # recovered
    assert health_round(watch, t0 + 400, 120, lambda: failing) == 0  # a new outage starts over
    note = Notification.objects.get(kind="system.health_failing")
    assert note.context == {"part": "broker", "seconds": 121, "error": "OperationalError"}
    assert len(ding.requests) == 1 and texts(ding)[0].startswith("系统健康检查失败：broker")
    assert Delivery.objects.filter(kind="system.health_failing").count() == 2  # two channels


def test_the_health_watch_job_runs_in_the_stream_process_and_stops(operator):
    import asyncio

    from trading.streams.registry import jobs_named

    job = jobs_named(["health_watch"])[0].resolve()

    async def main() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.5, stop.set)
        await asyncio.wait_for(job(stop), 10)

    asyncio.run(main())  # one round against the real database, Redis and broker: all healthy
    assert not Notification.objects.filter(kind="system.health_failing").exists()


async def test_the_real_watcher_losing_the_leader_stream_is_told_after_n_seconds(sim, operator):
    """The leader's key revoked at the simulator: the watcher reports the stream down, and the
    check tells the operators once it has been down longer than N seconds."""
    import asyncio
    import dataclasses

    from asgiref.sync import sync_to_async

    from tests.trading.copytrade.test_watcher import FAST
    from trading.copytrade.streams.watcher import run

    account = sim.control.binance_account({"USDT": "10000", "BTC": "0.5"})
    await sync_to_async(services.leader_set)(
        environment="sim", api_key=account["api_key"], api_secret=account["api_secret"]
    )
    await sync_to_async(services.copy_set_running)(running=True)
    get_redis().delete(LEADER_CONN_KEY)
    sim.control.fault("reject_auth", account["api_key"], count=-1)
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop, dataclasses.replace(FAST, reload_s=0.2)))
    try:
        deadline = time.monotonic() + 8
        while not (get_redis().hget(LEADER_CONN_KEY, "detail") or "").startswith("auth:"):
            assert time.monotonic() < deadline, "the watcher never reported the refused key"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    since = int(get_redis().hget(LEADER_CONN_KEY, "since_ms")) / 1000
    check = sync_to_async(notices.leader_stream_check)
    assert not await check(now=since + 5, after_s=60)
    assert await check(now=since + 61, after_s=60)
    kinds = await sync_to_async(lambda: list(Notification.objects.values_list("kind", flat=True)))()
    assert kinds.count("copytrade.leader_disconnected") == 1

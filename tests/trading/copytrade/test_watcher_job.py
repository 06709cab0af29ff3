"""The leader watcher as a stream-process job: no leader configured, a replaced leader, a revoked
leader key — against the simulator, MariaDB and Redis."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest
from asgiref.sync import sync_to_async

from kernel.redis import get_redis
from tests.trading.copytrade.test_watcher import FAST, trade
from trading.copytrade.models import LeaderEvent
from trading.copytrade.services import followers as services
from trading.copytrade.services.controls import LEADER_CONN_KEY
from trading.copytrade.streams.watcher import run
from trading.streams.registry import jobs_named

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
JOB = dataclasses.replace(FAST, reload_s=0.2)


def conn() -> dict[str, str]:
    return get_redis().hgetall(LEADER_CONN_KEY)


@sync_to_async
def events_of(account: dict) -> list[LeaderEvent]:
    key = account["api_key"]
    rows = LeaderEvent.objects.select_related("leader__credential").order_by("id")
    return [e for e in rows if e.leader.credential.api_key == key]


async def until(check, what: str, timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        await asyncio.sleep(0.05)


def test_the_registered_job_is_this_run():
    assert jobs_named(["leader_watcher"])[0].resolve() is run


async def test_without_a_leader_the_job_waits_and_reports_it(db):
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop, JOB))

    async def reported() -> bool:
        return conn().get("detail") == "no leader configured"

    await until(reported, "no-leader report")
    assert conn()["state"] == "disconnected"
    stop.set()
    await asyncio.wait_for(task, 2)


async def test_a_replaced_leader_is_followed(sim, copy_running, monkeypatch):
    monkeypatch.setattr(services, "_dispatch", lambda event_id: None)
    sim.control.set_price("BTCUSDT", "50000")
    first = sim.control.binance_account({"USDT": "1000"})
    second = sim.control.binance_account({"USDT": "4000"})
    await sync_to_async(services.leader_set)(
        environment="sim", api_key=first["api_key"], api_secret=first["api_secret"]
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop, JOB))
    try:
        await until(lambda: _is(conn().get("state"), "connected"), "first leader connected")
        trade(sim, first, "BUY", quoteOrderQty="100")
        await until(lambda: _has(events_of(first), 1), "first leader's event")
        await sync_to_async(services.leader_set)(
            environment="sim", api_key=second["api_key"], api_secret=second["api_secret"]
        )
        await asyncio.sleep(JOB.reload_s * 3)  # the job notices and re-subscribes as the new one
        await until(lambda: _is(conn().get("state"), "connected"), "second leader connected")
        trade(sim, first, "BUY", quoteOrderQty="100")  # no longer the leader: not copied
        reply = trade(sim, second, "BUY", quoteOrderQty="1000")
        await until(lambda: _has(events_of(second), 1), "second leader's event")
        await asyncio.sleep(0.3)
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    [event] = await events_of(second)
    assert event.ratio == (
        int(float(reply["cummulativeQuoteQty"]) * 0 + 1) * event.filled_quote / 4000
    )
    assert len(await events_of(first)) == 1


async def test_a_revoked_leader_key_is_reported_not_retried_in_a_loop(sim, leader_account):
    await sync_to_async(services.leader_set)(
        environment="sim",
        api_key=leader_account["api_key"],
        api_secret=leader_account["api_secret"],
    )
    sim.control.fault("reject_auth", leader_account["api_key"], count=-1)
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop, JOB))

    async def refused() -> bool:
        return conn().get("detail", "").startswith("auth:")

    await until(refused, "auth failure reported")
    assert conn()["state"] == "disconnected"
    assert not task.done()  # waits for the leader to be replaced instead of crashing
    stop.set()
    await asyncio.wait_for(task, 5)


async def _is(value, wanted) -> bool:
    return value == wanted


async def _has(rows, count: int) -> bool:
    return len(await rows) >= count


@pytest.fixture
def leader_account(sim):
    return sim.control.binance_account({"USDT": "10000", "BTC": "0.5"})

"""The leader watcher against the real simulator (HTTP + WebSocket API), MariaDB and Redis: leader
market orders placed on the sim become exactly one LeaderEvent each with the right x / y, through
replays, reconnects, silent stalls and a stopped copy switch."""

from __future__ import annotations

import asyncio
import contextlib
import time
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from kernel.redis import get_redis
from trading.copytrade.core.leader_events import SOURCE_POSITION, SOURCE_REST, Resolved
from trading.copytrade.models import LeaderEvent
from trading.copytrade.services import followers as services
from trading.copytrade.services.controls import LEADER_CONN_KEY
from trading.copytrade.streams.watcher import LeaderWatcher, WatcherSettings, db_leader_access

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
D = Decimal
PRICE = "50000"
FAST = WatcherSettings(
    heartbeat_s=1.0,
    stall_timeout_s=5.0,
    probe_interval_s=0.3,
    stall_grace_s=0.5,
    position_wait_s=0.5,
    report_interval_s=0.5,
    base_delay=0.05,
    max_delay=0.2,
    tick_s=0.05,
)


@pytest.fixture
def leader_account(sim) -> dict[str, Any]:
    sim.control.set_price("BTCUSDT", PRICE)
    return sim.control.binance_account({"USDT": "10000", "BTC": "0.5"})


@pytest.fixture
def leader(leader_account):
    return services.leader_set(
        environment="sim",
        api_key=leader_account["api_key"],
        api_secret=leader_account["api_secret"],
    )


@pytest.fixture
def dispatched(monkeypatch) -> list[int]:
    """The fan-out is another component: record what the watcher's events hand to it."""
    calls: list[int] = []
    monkeypatch.setattr(services, "_dispatch", calls.append)
    return calls


def trade(sim, account: dict[str, Any], side: str, **amount: str) -> dict[str, Any]:
    """The leader trades by hand: a MARKET order placed through the sim's control API."""
    body = {"symbol": "BTCUSDT", "side": side, "type": "MARKET", **amount}
    return sim.control.ok("POST", f"/sim/binance/accounts/{account['account_id']}/trade", json=body)


@sync_to_async
def events() -> list[LeaderEvent]:
    return list(LeaderEvent.objects.order_by("id"))


class Running:
    """A watcher for the active leader, running in a task of the test's loop."""

    def __init__(self, settings: WatcherSettings = FAST) -> None:
        self.settings = settings
        self.done = asyncio.Event()

    async def __aenter__(self) -> Running:
        access = await db_leader_access()
        assert access is not None
        self.watcher = LeaderWatcher.for_access(access, self.settings)
        self.task = asyncio.create_task(self.watcher.run(self.done))
        await self.until(lambda: self.watcher.connected, "first session connected")
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.done.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, 5)

    @property
    def sessions(self) -> int:
        return self.watcher.client.stream.sessions_opened

    async def until(self, check, what: str, timeout: float = 8.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if self.task.done():
                self.task.result()
            assert time.monotonic() < deadline, f"timed out waiting for: {what}"
            await asyncio.sleep(0.05)

    async def events(self, count: int, timeout: float = 8.0) -> list[LeaderEvent]:
        deadline = time.monotonic() + timeout
        while len(found := await events()) < count:
            assert time.monotonic() < deadline, f"expected {count} events, have {len(found)}"
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # and no more than that
        return await events()


def x_of(reply: dict[str, Any], balance: str) -> Decimal:
    return (D(reply["cummulativeQuoteQty"]) / D(balance)).quantize(D("1E-12"))


async def test_leader_market_buy_becomes_one_event_with_x(
    sim, leader, leader_account, copy_running, dispatched
):
    async with Running() as run:
        reply = trade(sim, leader_account, "BUY", quoteOrderQty="1000")
        [event] = await run.events(1)
    assert event.leader_order_id == str(reply["orderId"]) and event.side == "BUY"
    assert event.filled_quote == D(reply["cummulativeQuoteQty"])
    assert event.filled_base == D(reply["executedQty"])
    assert event.balance_before == D("10000") and event.balance_source == SOURCE_POSITION
    assert event.ratio == x_of(reply, "10000")
    assert event.dispatched and dispatched == [event.pk]
    assert event.received_ms > 0


async def test_leader_market_sell_becomes_one_event_with_y(
    sim, leader, leader_account, copy_running, dispatched
):
    async with Running() as run:
        reply = trade(sim, leader_account, "SELL", quantity="0.1")
        [event] = await run.events(1)
    assert (event.side, event.filled_base, event.balance_before) == ("SELL", D("0.1"), D("0.5"))
    assert event.ratio == D("0.2")
    assert event.filled_quote == D(reply["cummulativeQuoteQty"])


async def test_limit_orders_are_not_copied(sim, leader, leader_account, copy_running, dispatched):
    async with Running() as run:
        trade(
            sim,
            leader_account,
            "BUY",
            type="LIMIT",
            quantity="0.01",
            price="60000",
            timeInForce="GTC",
        )
        trade(sim, leader_account, "SELL", quantity="0.01")
        [event] = await run.events(1)
    assert event.side == "SELL"
    # the limit BUY filled 0.01 (less its BTC fee) before the SELL: B includes it
    assert D("0.5") < event.balance_before < D("0.51")


async def test_orders_while_the_copy_is_stopped_are_recorded_not_dispatched(
    sim, leader, leader_account, dispatched
):
    async with Running() as run:
        trade(sim, leader_account, "BUY", quoteOrderQty="500")
        [event] = await run.events(1)
        assert run.watcher.connected  # stopped = no dispatch, the connection stays up
    assert not event.dispatched and event.not_copied_reason == "stopped"
    assert dispatched == []


async def test_the_same_order_delivered_twice_is_one_event(
    sim, leader, leader_account, copy_running, dispatched
):
    async with Running() as run:
        trade(sim, leader_account, "BUY", quoteOrderQty="1000")
        [event] = await run.events(1)
        resolved = Resolved(_order_of(event), event.balance_before, SOURCE_POSITION, time.time())
        run.watcher.recorded.clear()  # as a fresh process would: only the unique id stops it
        await run.watcher.record(resolved)
        sim.control.fault("ws_disconnect", leader_account["api_key"])  # reconnect + REST replay
        await run.until(lambda: run.sessions >= 2 and run.watcher.connected, "reconnected")
        assert run.watcher.reconciles >= 2
        assert len(await run.events(1)) == 1
    async with Running() as again:  # a restarted stream process reconciles the same window
        assert again.watcher.reconciles == 1
        assert len(await again.events(1)) == 1
    assert dispatched == [event.pk]


def _order_of(event: LeaderEvent):
    from trading.copytrade.core.leader_events import LeaderOrder

    return LeaderOrder(
        event.leader_order_id,
        event.side,
        event.filled_base,
        event.filled_quote,
        event_time=event.filled_at,
    )


async def test_orders_placed_while_the_watcher_was_down_are_caught_up_at_start(
    sim, leader, leader_account, copy_running, dispatched
):
    buy = trade(sim, leader_account, "BUY", quoteOrderQty="2000")
    sell = trade(sim, leader_account, "SELL", quantity="0.05")
    async with Running() as run:
        buy_event, sell_event = await run.events(2)
    assert {buy_event.balance_source, sell_event.balance_source} == {SOURCE_REST}
    assert buy_event.leader_order_id == str(buy["orderId"])
    assert buy_event.balance_before == D("10000")
    assert buy_event.ratio == x_of(buy, "10000")
    fee = sum(D(f["commission"]) for f in buy["fills"])
    assert sell_event.balance_before == D("0.5") + D(buy["executedQty"]) - fee
    assert sell["status"] == "FILLED"


async def test_ws_disconnect_reconnects_and_catches_up(
    sim, leader, leader_account, copy_running, dispatched
):
    async with Running() as run:
        sim.control.fault("ws_disconnect", leader_account["api_key"])
        reply = trade(sim, leader_account, "BUY", quoteOrderQty="1500")  # during / around the gap
        await run.events(1)
        await run.until(lambda: run.sessions >= 2, "reconnected")
        later = trade(sim, leader_account, "SELL", quantity="0.02")  # the new session works
        first, second = await run.events(2)
    assert first.leader_order_id == str(reply["orderId"]) and first.ratio == x_of(reply, "10000")
    assert second.leader_order_id == str(later["orderId"])
    assert dispatched == [first.pk, second.pk]


async def test_silent_stall_is_detected_and_caught_up_over_rest(
    sim, leader, leader_account, copy_running, dispatched
):
    async with Running() as run:
        key = leader_account["api_key"]
        sim.control.fault("ws_stall", key, count=-1)  # socket open, pongs flow, events vanish
        reply = trade(sim, leader_account, "BUY", quoteOrderQty="1000")
        [event] = await run.events(1)
        assert event.balance_source == SOURCE_REST and event.balance_before == D("10000")
        assert event.ratio == x_of(reply, "10000")
        assert run.sessions >= 2  # the stall was detected and the stream re-subscribed
        sim.control.clear_faults()
        later = trade(sim, leader_account, "SELL", quantity="0.01")
        _, second = await run.events(2)
    assert second.leader_order_id == str(later["orderId"])
    assert second.balance_source == SOURCE_POSITION


async def test_connection_state_is_reported_for_the_status_api(sim, leader, leader_account):
    async with Running() as run:
        await run.until(
            lambda: get_redis().hget(LEADER_CONN_KEY, "state") == "connected", "connected"
        )
    assert get_redis().hget(LEADER_CONN_KEY, "state") == "disconnected"


async def test_a_failed_database_write_is_retried_without_dropping_the_stream(
    sim, leader, leader_account, copy_running, dispatched, monkeypatch
):
    from django.db import OperationalError

    real = services.leader_event_record
    failures = [OperationalError("gone away"), OperationalError("still gone")]

    def flaky(**kwargs):
        if failures:
            raise failures.pop(0)  # the write and its reconnect-and-retry both fail
        return real(**kwargs)

    monkeypatch.setattr(services, "leader_event_record", flaky)
    async with Running() as run:
        reply = trade(sim, leader_account, "BUY", quoteOrderQty="1000")
        [event] = await run.events(1)
        assert run.sessions == 1 and not run.watcher.unrecorded
    assert event.leader_order_id == str(reply["orderId"]) and failures == []
    assert event.balance_source == SOURCE_POSITION and dispatched == [event.pk]


async def test_catch_up_pages_through_the_rest_window_and_rewinds_every_order(
    sim, leader, leader_account, copy_running, dispatched, monkeypatch
):
    from trading.copytrade.streams import watcher

    monkeypatch.setattr(watcher, "REST_LIMIT", 2)  # 5 orders = 3 pages of trades and of orders
    free = {"USDT": D("10000"), "BTC": D("0.5")}
    expected: dict[str, Decimal] = {}
    for side, amount in [
        ("BUY", "1000"),
        ("SELL", "0.2"),
        ("BUY", "3000"),
        ("SELL", "0.1"),
        ("BUY", "500"),
    ]:
        kwargs = {"quoteOrderQty": amount} if side == "BUY" else {"quantity": amount}
        reply = trade(sim, leader_account, side, **kwargs)
        base, quote = D(reply["executedQty"]), D(reply["cummulativeQuoteQty"])
        fee = sum(D(f["commission"]) for f in reply["fills"])
        expected[str(reply["orderId"])] = free["USDT" if side == "BUY" else "BTC"]
        if side == "BUY":
            free["USDT"] -= quote
            free["BTC"] += base - fee
        else:
            free["BTC"] -= base
            free["USDT"] += quote - fee
    async with Running() as run:
        found = await run.events(5)
    assert {e.leader_order_id: e.balance_before for e in found} == expected
    assert {e.balance_source for e in found} == {SOURCE_REST}


async def test_a_failing_fan_out_hand_off_does_not_stop_the_watcher(
    sim, leader, leader_account, copy_running, monkeypatch
):
    handed: list[int] = []

    def broken(event_id: int) -> None:
        handed.append(event_id)
        raise ConnectionError("broker down")

    monkeypatch.setattr(services, "_dispatch", broken)
    async with Running() as run:
        trade(sim, leader_account, "BUY", quoteOrderQty="1000")
        first = await run.events(1)
        trade(sim, leader_account, "SELL", quantity="0.1")
        both = await run.events(2)
        assert not run.task.done() and run.sessions == 1
    assert [e.pk for e in both] == handed and both[0].pk == first[0].pk  # recorded once each


async def test_a_terminated_subscription_is_renewed(
    sim, leader, leader_account, copy_running, dispatched
):
    async with Running() as run:
        sim.control.fault("listen_key_expired", leader_account["api_key"])  # eventStreamTerminated
        await run.until(lambda: run.sessions >= 2 and run.watcher.connected, "re-subscribed")
        reply = trade(sim, leader_account, "BUY", quoteOrderQty="700")
        [event] = await run.events(1)
    assert event.leader_order_id == str(reply["orderId"]) and event.ratio == x_of(reply, "10000")

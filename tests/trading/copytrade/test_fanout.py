"""The fan-out against the real simulator over HTTP, MariaDB and Redis (Celery eager): a leader
event recorded through the service becomes exactly one correctly sized order per ACTIVE follower on
Binance and Bitget, skips are recorded with their reason, dispatch is chunked by the runtime knob,
and the balance cache it sizes from is polled compare-and-set."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from kernel.redis import get_redis
from kernel.runtime_config import config_set
from trading.copytrade import tasks
from trading.copytrade.choices import ExecutionStatus, FollowerState
from trading.copytrade.core.sizing import SkipReason
from trading.copytrade.models import CopyExecution, LeaderEvent
from trading.copytrade.services import balances, fanout, fanout_lease, venues
from trading.copytrade.services import followers as services
from trading.copytrade.streams import balance_poller
from trading.exchanges import loop

from .fanout_support import (
    executions,
    make_sim_follower,
    make_sim_leader,
    orders_per_client_id,
    sim_amount,
    sim_filled,
    sim_free,
    sim_order,
    sim_orders,
    trader,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
D = Decimal
FILLED = ExecutionStatus.FILLED


@pytest.fixture
def leader(sim):
    return make_sim_leader(sim)


@pytest.fixture
def trade(leader, django_capture_on_commit_callbacks):
    return trader(leader, django_capture_on_commit_callbacks)


def now_ms() -> int:
    return int(time.time() * 1000)


# --- copies ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("side", "quote", "base", "before", "ratio", "usdt", "btc", "binance", "bitget"),
    [
        # BUY: x = 1000 / 3000; quote_i = x × free USDT floored (Binance 0.01, Bitget 1e-6)
        ("BUY", "1000", "0.02", "3000", "0.333333333333", "1000", "0", "333.33", "333.333333"),
        # SELL: y = 0.25 / 1; qty_i = y × free BTC floored (Binance 1e-5, Bitget 1e-6)
        ("SELL", "12500", "0.25", "1", "0.25", "0", "0.12345678", "0.03086", "0.030864"),
    ],
)
def test_a_leader_order_is_copied_once_to_every_follower_with_its_share(
    sim, trade, copy_running, side, quote, base, before, ratio, usdt, btc, binance, bitget
):
    followers = [
        make_sim_follower(sim, f"{venue}-{i}", venue, usdt=usdt, btc=btc)
        for venue in ("binance", "bitget")
        for i in (1, 2)
    ]
    expected = {"binance": D(binance), "bitget": D(bitget)}
    event = trade("L-1", side, quote, base, before)
    assert event.ratio == D(ratio)
    rows = executions(event)
    assert set(rows) == {f.pk for f in followers}
    for f in followers:
        row = rows[f.pk]
        assert orders_per_client_id(sim, f) == {row.client_order_id: 1}  # exactly once
        placed = sim_order(sim, f, row.client_order_id)
        assert (row.status, row.side, row.attempts, row.error) == (FILLED, side, 1, "")
        assert row.requested == expected[f.venue] == sim_amount(f, placed)
        assert row.balance_used == D(usdt if side == "BUY" else btc)
        assert row.venue_order_id == str(placed["orderId"])
        assert (row.filled_base, row.filled_quote) == sim_filled(f, placed)
        assert row.latency_ms is not None and 0 <= row.latency_ms <= event.fanout_ms
    assert event.fanout_ms is not None and event.fanout_ms < 10_000
    assert get_redis().scard(f"{fanout_lease.KEY}{event.pk}:chunks") == 0


def test_the_next_event_sizes_from_the_balance_the_last_copy_left(sim, trade, copy_running):
    f = make_sim_follower(sim, "a", "binance", usdt="1000", btc="0.1")
    first = trade("L-1", "BUY", "500", "0.01", "5000")
    row = executions(first)[f.pk]
    assert row.requested == D("100.00")
    cached = balances.balances_get([f.pk])[f.pk]
    assert cached.usdt == D(900) == sim_free(sim, f)[0]
    assert cached.btc == sim_free(sim, f)[1]  # exact: the FULL reply carries the fee
    assert cached.btc < D("0.1") + row.filled_base  # ... which was taken from the BTC bought

    second = trade("L-2", "BUY", "450", "0.009", "4500")
    assert executions(second)[f.pk].requested == D("90.00")  # x = 0.1 of 900, not of 1000
    assert len(sim_orders(sim, f)) == 2


# --- skips and who is copied ----------------------------------------------------------------------
def test_copies_that_cannot_be_sized_are_skipped_with_the_reason(sim, trade, copy_running):
    ok = make_sim_follower(sim, "ok", "binance", usdt="1000")
    unknown = make_sim_follower(sim, "unknown", "binance", usdt="1000", cache=False)
    stale = make_sim_follower(sim, "stale", "bitget", usdt="1000", cache=False)
    balances.store_if_newer({stale.pk: (D(1000), D(0), now_ms() - 120_000)})
    small = make_sim_follower(sim, "small", "binance", usdt="49.99")  # 4.99 < NOTIONAL 5
    small_bg = make_sim_follower(sim, "small-bg", "bitget", usdt="9.99")  # 0.999 < 1 USDT
    dust = make_sim_follower(sim, "dust", "binance", usdt="0.05")  # 0.005 → 0.00
    zero = make_sim_follower(sim, "zero", "bitget", usdt="0")
    event = trade()
    expected = {
        unknown: (SkipReason.BALANCE_UNKNOWN, "0", "no cached balance"),
        stale: (SkipReason.BALANCE_UNKNOWN, "0", "s old (limit 60 s)"),
        small: (SkipReason.BELOW_MIN_NOTIONAL, "4.99", "USDT → 4.99"),
        small_bg: (SkipReason.BELOW_MIN_NOTIONAL, "0.999", "USDT → 0.999"),
        dust: (SkipReason.ZERO_AFTER_ROUNDING, "0", "USDT → 0"),
        zero: (SkipReason.NO_BALANCE, "0", ""),
    }
    rows = executions(event)
    for f, (reason, requested, detail) in expected.items():
        row = rows[f.pk]
        assert (row.status, row.skip_reason, row.attempts) == ("SKIPPED", reason, 0), f.follower
        assert row.requested == D(requested) and detail in row.error
        assert sim_orders(sim, f) == []
    assert rows[ok.pk].status == FILLED and orders_per_client_id(sim, ok) == {
        rows[ok.pk].client_order_id: 1
    }
    assert event.fanout_ms is not None


def test_paused_and_disabled_followers_are_not_copied(sim, trade, copy_running):
    active = make_sim_follower(sim, "active", "bitget")
    paused = make_sim_follower(sim, "paused", "binance")
    disabled = make_sim_follower(sim, "disabled", "bitget")
    services.follower_set_state(follower=paused.follower, state=FollowerState.PAUSED)
    services.follower_set_state(follower=disabled.follower, state=FollowerState.DISABLED)
    event = trade()
    assert set(executions(event)) == {active.pk}
    assert len(sim_orders(sim, active)) == 1
    assert sim_orders(sim, paused) == sim_orders(sim, disabled) == []


def test_copying_stopped_dispatches_nothing(sim, trade):
    f = make_sim_follower(sim, "a", "binance")  # the copy switch is off by default
    event = trade()
    assert (event.dispatched, event.not_copied_reason, event.fanout_ms) == (False, "stopped", None)
    assert not CopyExecution.objects.exists() and sim_orders(sim, f) == []
    assert get_redis().keys(f"{fanout_lease.KEY}*") == []


def test_dispatch_runs_one_task_per_chunk_and_sets_fanout_ms_after_the_last(
    sim, trade, copy_running, monkeypatch
):
    config_set("copy_fanout_chunk", "2")
    followers = [make_sim_follower(sim, f"f{i}", ("binance", "bitget")[i % 2]) for i in range(6)]
    services.follower_set_state(follower=followers[2].follower, state=FollowerState.PAUSED)
    chunks: list[tuple[list[int], int | None]] = []
    run_chunk = fanout.run_chunk

    def observed(event_id: int, follower_ids: list[int]) -> None:
        run_chunk(event_id, follower_ids)
        fanout_ms = LeaderEvent.objects.get(pk=event_id).fanout_ms
        chunks.append((list(follower_ids), fanout_ms))

    monkeypatch.setattr(fanout, "run_chunk", observed)
    event = trade()
    active = [f.pk for f in followers if f is not followers[2]]
    assert [ids for ids, _ in chunks] == [active[0:2], active[2:4], active[4:5]]
    assert [ms is None for _, ms in chunks] == [True, True, False]  # set by the last chunk only
    assert event.fanout_ms == chunks[-1][1]
    rows = executions(event)
    assert sorted(rows) == active and {r.status for r in rows.values()} == {FILLED}
    assert all(
        orders_per_client_id(sim, f) == {rows[f.pk].client_order_id: 1}
        for f in followers
        if f.pk in rows
    )
    assert event.fanout_ms >= max(r.latency_ms for r in rows.values())


def test_fanout_warm_builds_the_active_followers_clients_before_the_first_event(sim):
    a = make_sim_follower(sim, "a", "binance")
    b = make_sim_follower(sim, "b", "bitget")
    paused = make_sim_follower(sim, "p", "binance")
    services.follower_set_state(follower=paused.follower, state=FollowerState.PAUSED)
    assert fanout.fanout_warm() == 2
    assert venues.is_cached(a.follower.credential) and venues.is_cached(b.follower.credential)
    assert not venues.is_cached(paused.follower.credential)


def test_fanout_warm_syncs_each_clients_clock(sim):
    a = make_sim_follower(sim, "a", "binance")
    b = make_sim_follower(sim, "b", "bitget")
    assert fanout.fanout_warm() == 2
    for f in (a, b):
        assert venues.venue_for(f.follower.credential).rest.time.synced


@pytest.mark.parametrize(("pool", "warms"), [("threads", True), ("prefork", False)])
def test_a_starting_worker_warms_its_clients_unless_its_children_do(sim, pool, warms, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.fanout, "fanout_warm", lambda: calls.append(1) or 0)
    pool_cls = type("Pool", (), {"__module__": f"celery.concurrency.{pool}"})
    sender = type("Consumer", (), {"controller": type("C", (), {"pool_cls": pool_cls})()})()
    tasks.warm_unless_prefork(sender)
    deadline = time.monotonic() + 5
    while warms and not calls and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert calls == ([1] if warms else [])


def test_clients_of_one_environment_share_the_symbol_rules(sim):
    a = make_sim_follower(sim, "a", "binance")
    b = make_sim_follower(sim, "b", "binance")
    first = venues.venue_for(a.follower.credential)
    second = venues.venue_for(b.follower.credential)
    rules = loop.run(first.symbol_rules("BTCUSDT"))

    async def refuse(*args, **kwargs):
        raise AssertionError("exchangeInfo (20 weight) fetched again")

    second.rest.public = refuse
    assert loop.run(second.symbol_rules("BTCUSDT")) == rules


# --- the balance cache ----------------------------------------------------------------------------
def test_poll_balances_caches_active_and_paused_followers_and_the_leader(sim, leader):
    a = make_sim_follower(sim, "a", "binance", usdt="1000", btc="0.5", cache=False)
    b = make_sim_follower(sim, "b", "bitget", usdt="250.5", btc="0.01", cache=False)
    paused = make_sim_follower(sim, "p", "binance", usdt="7", cache=False)
    disabled = make_sim_follower(sim, "d", "bitget", usdt="9", cache=False)
    services.follower_set_state(follower=paused.follower, state=FollowerState.PAUSED)
    services.follower_set_state(follower=disabled.follower, state=FollowerState.DISABLED)

    assert tasks.poll_balances.delay().get() == 4
    cached = balances.balances_get([a.pk, b.pk, paused.pk, disabled.pk])
    assert {k: (v.usdt, v.btc) for k, v in cached.items()} == {
        a.pk: (D(1000), D("0.5")),
        b.pk: (D("250.5"), D("0.01")),
        paused.pk: (D(7), D(0)),
    }
    got_leader = balance_poller.leader_balance()
    assert got_leader is not None and (got_leader.usdt, got_leader.btc) == (D(10000), D(1))

    assert tasks.poll_balances.delay().get() == 0  # this interval was polled already
    path = f"/sim/binance/accounts/{a.account['account_id']}/balances"
    sim.control.ok("PUT", path, json={"balances": {"USDT": "700"}})
    get_redis().delete(balance_poller.TURN_KEY)  # the next interval
    assert balance_poller.poll_balances_once() == 4
    assert balances.balances_get([a.pk])[a.pk].usdt == D(700)


def test_a_refused_key_keeps_its_cached_reading_while_others_refresh(sim, leader):
    good = make_sim_follower(sim, "good", "bitget", usdt="100", cache=False)
    revoked = make_sim_follower(sim, "revoked", "binance", usdt="100", cache=False)
    balances.store_if_newer({revoked.pk: (D(55), D(0), now_ms() - 5000)})
    sim.control.fault("reject_auth", account=revoked.api_key, count=-1)
    balance_poller.poll_balances_once()
    cached = balances.balances_get([good.pk, revoked.pk])
    assert cached[good.pk].usdt == D(100)
    assert cached[revoked.pk].usdt == D(55) and cached[revoked.pk].age_s >= 5  # ages out


def test_store_if_newer_never_overwrites_a_newer_reading(db):
    t = now_ms()
    assert balances.store_if_newer({1: (D(100), D(1), t)}) == 1
    assert balances.store_if_newer({1: (D(999), D(9), t - 1)}) == 0  # a poll sent earlier
    assert balances.store_if_newer({1: (D(999), D(9), t)}) == 0
    assert balances.store_if_newer({1: (D(90), D(2), t + 1), 2: (D(5), D(0), t)}) == 2
    got = balances.balances_get([1, 2])
    assert (got[1].usdt, got[1].btc, got[1].at_ms, got[2].usdt) == (D(90), D(2), t + 1, D(5))


def test_a_poll_sent_before_a_copy_filled_does_not_overwrite_the_fill(sim, trade, copy_running):
    f = make_sim_follower(sim, "a", "bitget", usdt="1000")
    event = trade()
    after_fill = balances.balances_get([f.pk])[f.pk]
    assert after_fill.usdt == D(900) and after_fill.at_ms > event.received_ms
    # a poll that left when the leader's fill arrived answers with the balance before the copy
    assert balances.store_if_newer({f.pk: (D(1000), D(0), event.received_ms)}) == 0
    assert balances.balances_get([f.pk])[f.pk] == after_fill


def test_stale_readings_are_treated_as_unknown(db):
    balances.store_if_newer({1: (D(5), D(0), now_ms() - int(balances.STALE_AFTER_S * 1000) - 1000)})
    balances.balance_store(2, D(6), D(0))
    assert set(balances.balances_get([1, 2, 3])) == {2}
    assert balances.balances_get([1], fresh_only=False)[1].age_s > balances.STALE_AFTER_S

"""The fan-out's exactly-once promises against the real simulator, MariaDB and Redis: a leader
event delivered twice, a worker that dies mid fan-out (rows left PENDING / SENT, the order placed
or not; and a real worker process killed with SIGKILL), replies lost after the order executed,
a 429 on one follower, a revoked key, and the per-chunk lease. Every check counts the orders the
simulator really holds per client order id."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from celery.exceptions import Retry

from kernel.redis import get_redis
from trading.copytrade import tasks
from trading.copytrade.choices import ExecutionStatus, FollowerState
from trading.copytrade.models import CopyExecution, Follower
from trading.copytrade.services import balances, fanout, fanout_lease, fanout_send
from trading.copytrade.services import followers as services
from trading.copytrade.services.fanout import ChunkBusy, chunk_key

from .fanout_support import (
    child_env,
    executions,
    leader_order,
    make_sim_follower,
    make_sim_leader,
    orders_per_client_id,
    record,
    sim_free,
    sim_order,
    sim_orders,
    sim_trade,
    trader,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
FILLED, SENT, PENDING = ExecutionStatus.FILLED, ExecutionStatus.SENT, ExecutionStatus.PENDING
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def leader(sim):
    return make_sim_leader(sim)


@pytest.fixture
def trade(leader, django_capture_on_commit_callbacks):
    return trader(leader, django_capture_on_commit_callbacks)


@pytest.fixture
def undispatched(leader, copy_running, django_capture_on_commit_callbacks, monkeypatch):
    """Record a leader event whose fan-out has not run (the worker that took it is about to
    die): ``undispatched(order_id)`` → the event."""
    monkeypatch.setattr(services, "_dispatch", lambda event_id: None)

    def make(order_id: str = "L-1"):
        order = leader_order(order_id, "BUY", "1000", "0.02")
        return record(leader, order, "10000", django_capture_on_commit_callbacks)

    return make


@pytest.fixture
def quick_reconcile(monkeypatch):
    """A shorter not-found window (the simulator shows a fresh order at once; same code path)."""
    monkeypatch.setattr(fanout_send, "RECONCILE_BACKOFF_S", 0.02)


def assert_copied_once(sim, followers, event) -> dict[int, CopyExecution]:
    """Every follower: one FILLED row whose client id the simulator holds exactly once."""
    rows = executions(event)
    for f in followers:
        row = rows[f.pk]
        assert orders_per_client_id(sim, f) == {row.client_order_id: 1}, f.follower
        placed = sim_order(sim, f, row.client_order_id)
        assert (row.status, row.venue_order_id) == (FILLED, str(placed["orderId"])), row.error
    return rows


def lease_name(event_id: int, followers) -> str:
    return f"{fanout_lease.KEY}{event_id}:lease:{chunk_key([f.pk for f in followers])}"


# --- redelivery -----------------------------------------------------------------------------------
def test_the_same_leader_event_delivered_twice_is_copied_once(
    sim, leader, trade, copy_running, django_capture_on_commit_callbacks
):
    followers = [make_sim_follower(sim, "a", "binance"), make_sim_follower(sim, "b", "bitget")]
    event = trade("L-1")
    order = leader_order("L-1", "BUY", "1000", "0.02")
    again = record(leader, order, "10000", django_capture_on_commit_callbacks)
    assert again is None  # unique leader order id: a replay records nothing
    before = {pk: (r.updated_at, r.attempts) for pk, r in executions(event).items()}

    ids = [f.pk for f in followers]
    fanout.run_chunk(event.pk, ids)  # the chunk task redelivered (late ack) ...
    tasks.fanout_chunk.delay(event.pk, ids)  # ... twice
    rows = assert_copied_once(sim, followers, event)
    assert {pk: (r.updated_at, r.attempts) for pk, r in rows.items()} == before
    fanout_ms = event.fanout_ms
    event.refresh_from_db()
    assert event.fanout_ms == fanout_ms  # the newest acknowledgement, not the redelivery's


# --- a worker dies mid fan-out --------------------------------------------------------------------
def test_a_worker_that_died_mid_fanout_is_finished_by_the_redelivery_exactly_once(
    sim, undispatched, quick_reconcile
):
    done = make_sim_follower(sim, "done", "binance")
    placed = make_sim_follower(sim, "placed", "bitget")
    unplaced = make_sim_follower(sim, "unplaced", "binance")
    pending = make_sim_follower(sim, "pending", "bitget")
    followers = [done, placed, unplaced, pending]
    event = undispatched()
    ids = [f.pk for f in followers]
    fanout._prepare(event.pk, ids)  # the dead worker: rows written, marked SENT ...
    rows = executions(event)
    assert {r.status for r in rows.values()} == {SENT}
    # ... it placed two orders, recorded one, and died before marking the last row SENT
    for f in (done, placed):
        sim_trade(sim, f, "BUY", rows[f.pk].requested, rows[f.pk].client_order_id)
    done_order = sim_order(sim, done, rows[done.pk].client_order_id)
    CopyExecution.objects.filter(pk=rows[done.pk].pk).update(
        status=FILLED, venue_order_id=str(done_order["orderId"]), attempts=1
    )
    CopyExecution.objects.filter(pk=rows[pending.pk].pk).update(status=PENDING)
    done_row = CopyExecution.objects.get(pk=rows[done.pk].pk)

    tasks.fanout_chunk.delay(event.pk, ids)  # the message, redelivered
    rows = assert_copied_once(sim, followers, event)
    assert rows[done.pk].updated_at == done_row.updated_at  # finished rows are left alone
    assert (rows[unplaced.pk].attempts, rows[pending.pk].attempts) == (1, 1)
    event.refresh_from_db()
    assert event.fanout_ms is not None


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_killed_mid_fanout_is_finished_by_the_next_one(
    sim, undispatched, tmp_path
):
    fast = make_sim_follower(sim, "fast", "binance")
    hung = make_sim_follower(sim, "hung", "binance")
    other = make_sim_follower(sim, "other", "bitget")
    followers = [fast, hung, other]
    event = undispatched()
    ids = [f.pk for f in followers]
    sim.control.fault("drop_reply", account=hung.api_key, mode="hang", ms=8000)
    code = f"from trading.copytrade.services import fanout; fanout.run_chunk({event.pk}, {ids})"
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=child_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def all_placed_all_but_hung_recorded() -> bool:
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        recorded = CopyExecution.objects.filter(event=event, status=FILLED).count()
        return recorded == 2 and len(sim_orders(sim, hung)) == 1

    try:  # kill it while the hung follower's order has executed but its reply never came
        wait_until(all_placed_all_but_hung_recorded, "the worker's orders", timeout=30)
    finally:
        worker.kill()
        worker.wait()
        log.close()
    assert executions(event)[hung.pk].status == SENT
    assert get_redis().get(lease_name(event.pk, followers)).endswith(f":{worker.pid}")

    tasks.fanout_chunk.delay(event.pk, ids)  # redelivered: the dead worker's lease is taken over
    rows = assert_copied_once(sim, followers, event)
    assert rows[hung.pk].attempts == 0  # found at the venue, not placed again
    assert get_redis().get(lease_name(event.pk, followers)) is None


# --- faults at the venue --------------------------------------------------------------------------
@pytest.mark.parametrize("venue", ["binance", "bitget"])
@pytest.mark.parametrize(
    "faults",
    [
        [("drop_reply", {})],
        [("drop_reply", {}), ("not_found_window", {"ms": 1000})],
        [("error_after_exec", {})],
        [("error_after_exec", {"code": -1007})],
        [("duplicate", {})],
    ],
    ids=["drop_reply", "drop_reply+not_found", "5xx", "-1007", "duplicate"],
)
def test_an_order_executed_with_its_reply_lost_is_reconciled_not_replaced(
    sim, trade, copy_running, venue, faults
):
    lost = make_sim_follower(sim, "lost", venue)
    others = [make_sim_follower(sim, "a", "binance"), make_sim_follower(sim, "b", "bitget")]
    for kind, params in faults:
        sim.control.fault(kind, account=lost.api_key, **params)
    event = trade()
    rows = assert_copied_once(sim, [lost, *others], event)
    assert rows[lost.pk].attempts == 1 and rows[lost.pk].error == ""


def test_a_429_delays_only_that_follower_which_retries_once(sim, trade, copy_running):
    limited = make_sim_follower(sim, "limited", "binance")
    others = [make_sim_follower(sim, n, v) for n, v in [("a", "binance"), ("b", "bitget")]]
    sim.control.fault("rate_limit", account=limited.api_key, retry_after=1)
    event = trade()
    rows = assert_copied_once(sim, [limited, *others], event)
    slow = rows[limited.pk]
    assert slow.attempts == 2 and slow.latency_ms >= 1000
    for f in others:
        row = rows[f.pk]
        assert row.attempts == 1
        assert row.latency_ms < slow.latency_ms - 500  # not held back by the 429
        assert row.updated_at < slow.updated_at  # written before the slow one was done


@pytest.mark.parametrize(("venue", "code"), [("binance", "-2015"), ("bitget", "40006")])
def test_a_revoked_key_disables_only_its_follower(sim, trade, copy_running, venue, code):
    revoked = make_sim_follower(sim, "revoked", venue)
    others = [make_sim_follower(sim, "a", "binance"), make_sim_follower(sim, "b", "bitget")]
    sim.control.fault("reject_auth", account=revoked.api_key, count=-1)
    event = trade("L-1")
    row = executions(event)[revoked.pk]
    assert (row.status, row.attempts, sim_orders(sim, revoked)) == ("FAILED", 1, [])
    assert code in row.error
    follower = Follower.objects.get(pk=revoked.pk)
    assert (follower.state, follower.last_error) == (FollowerState.DISABLED, row.error)
    assert_copied_once(sim, others, event)

    second = trade("L-2")  # a DISABLED follower is no longer copied
    assert set(executions(second)) == {f.pk for f in others}
    assert all(len(sim_orders(sim, f)) == 2 for f in others)


# --- the chunk lease ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "holder",
    [f"{socket.gethostname()}:{os.getppid()}", "worker-host-2:4242"],
    ids=["live-process-here", "another-host"],
)
def test_a_chunk_held_by_a_live_run_is_not_run_twice(sim, undispatched, holder):
    followers = [make_sim_follower(sim, "a", "binance"), make_sim_follower(sim, "b", "bitget")]
    event = undispatched()
    ids, lease = [f.pk for f in followers], lease_name(event.pk, followers)
    get_redis().set(lease, holder, ex=fanout_lease.LEASE_S)

    with pytest.raises(ChunkBusy):
        fanout.run_chunk(event.pk, ids)
    with pytest.raises(Retry) as retry:  # the task comes back in 2 s
        tasks.fanout_chunk.delay(event.pk, ids)
    assert isinstance(retry.value.exc, ChunkBusy) and retry.value.when == 2
    assert not CopyExecution.objects.exists()
    assert all(sim_orders(sim, f) == [] for f in followers)
    assert get_redis().get(lease) == holder

    get_redis().delete(lease)  # the holder finished
    tasks.fanout_chunk.delay(event.pk, ids)
    assert_copied_once(sim, followers, event)


def test_a_lease_left_by_a_dead_worker_on_this_host_is_taken_over(sim, undispatched):
    followers = [make_sim_follower(sim, "a", "bitget")]
    event = undispatched()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lease = lease_name(event.pk, followers)
    get_redis().set(lease, f"{socket.gethostname()}:{dead.pid}", ex=fanout_lease.LEASE_S)
    fanout.run_chunk(event.pk, [followers[0].pk])
    assert_copied_once(sim, followers, event)
    assert get_redis().get(lease) is None


def test_a_run_that_fails_releases_its_lease_for_the_retry(
    sim, undispatched, quick_reconcile, monkeypatch
):
    followers = [make_sim_follower(sim, "a", "binance"), make_sim_follower(sim, "b", "bitget")]
    event = undispatched()
    ids = [f.pk for f in followers]
    with monkeypatch.context() as m:
        m.setattr(fanout, "_send_and_record", lambda chunk: 1 / 0)  # after the rows are SENT
        with pytest.raises(ZeroDivisionError):
            fanout.run_chunk(event.pk, ids)
    assert get_redis().get(lease_name(event.pk, followers)) is None
    assert {r.status for r in executions(event).values()} == {SENT}
    assert all(sim_orders(sim, f) == [] for f in followers)

    tasks.fanout_chunk.delay(event.pk, ids)  # SENT, proven not placed: placed once
    rows = assert_copied_once(sim, followers, event)
    assert all(r.attempts == 1 for r in rows.values())


def test_of_two_runs_finding_the_same_dead_holder_only_one_takes_the_lease_over(
    sim, undispatched, monkeypatch
):
    followers = [make_sim_follower(sim, "a", "bitget")]
    event = undispatched()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lease = lease_name(event.pk, followers)
    client = get_redis()
    client.set(lease, f"{socket.gethostname()}:{dead.pid}", ex=fanout_lease.LEASE_S)
    real_get = client.get

    def other_run_takes_it_first(name):  # between our read of the dead holder and our takeover
        seen = real_get(name)
        client.set(lease, "elsewhere:1", ex=fanout_lease.LEASE_S)
        return seen

    monkeypatch.setattr(client, "get", other_run_takes_it_first)
    assert fanout_lease.lease_take(event.pk, chunk_key([followers[0].pk])) is False
    monkeypatch.undo()
    assert get_redis().get(lease) == "elsewhere:1"


def test_a_rerun_that_finds_a_filled_copy_leaves_its_cached_balance_alone(
    sim, undispatched, quick_reconcile
):
    follower = make_sim_follower(sim, "a", "binance", usdt="1000")
    event = undispatched()
    fanout._prepare(event.pk, [follower.pk])  # the crashed run: row SENT ...
    row = executions(event)[follower.pk]
    sim_trade(sim, follower, "BUY", row.requested, row.client_order_id)  # ... order placed
    after, btc = sim_free(sim, follower)
    balances.balance_store(follower.pk, after, btc)  # a poll saw the fill

    tasks.fanout_chunk.delay(event.pk, [follower.pk])  # redelivered: found by lookup, not re-sent
    assert_copied_once(sim, [follower], event)
    assert balances.balances_get([follower.pk])[follower.pk].usdt == after  # not taken twice

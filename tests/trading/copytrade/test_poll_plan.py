"""The balance poller's plan (pure): every Bitget account every pass; Binance accounts within the
per-IP weight budget — never read first, then uncovered by a live stream (oldest first), then
covered ones due for reconciliation; covered accounts read recently are skipped."""

from __future__ import annotations

import pytest

from trading.copytrade.core.poll_plan import (
    COVER_GRACE_S,
    RECONCILE_S,
    Seen,
    binance_reads_per_pass,
    plan,
)

NOW = 10_000_000_000
S = 1000  # ms per second


@pytest.mark.parametrize(
    ("interval_s", "reads"),
    [(3.0, 6), (5.0, 10), (0.1, 1), (60.0, 120)],  # 2400 weight/min ÷ 20 per read
)
def test_reads_per_pass_follow_the_weight_budget(interval_s, reads):
    assert binance_reads_per_pass(interval_s) == reads


def live(key, read_s_ago, venue="binance"):
    return Seen(key, venue, NOW - read_s_ago * S, NOW - 1 * S)


def polled(key, read_s_ago, venue="binance"):
    return Seen(key, venue, NOW - read_s_ago * S, 0)


@pytest.mark.parametrize(
    ("accounts", "expected"),
    [
        # Bitget: always; never-read Binance before everything else
        ([Seen("g", "bitget", NOW, 0), Seen("new", "binance")], ["g", "new"]),
        # uncovered, oldest first; covered and recent: skipped
        ([polled("p1", 5), polled("p2", 30), live("c", 10)], ["p2", "p1"]),
        # covered but older than the reconcile period: read, after the uncovered
        ([live("c", RECONCILE_S + 1), polled("p", 1)], ["p", "c"]),
        # a live mark older than the grace period no longer covers
        ([Seen("lapsed", "binance", NOW - 20 * S, NOW - int(COVER_GRACE_S + 1) * S)], ["lapsed"]),
        # nothing due
        ([live("c1", 1), live("c2", RECONCILE_S - 1)], []),
    ],
)
def test_plan_orders_binance_reads_by_need(accounts, expected):
    assert plan(accounts, NOW, 3.0) == expected


def test_binance_reads_are_capped_per_pass_but_bitget_is_not():
    accounts = [Seen(f"b{i}", "binance") for i in range(20)]
    accounts += [Seen(f"g{i}", "bitget", NOW, 0) for i in range(20)]
    got = plan(accounts, NOW, 3.0)
    assert [k for k in got if k.startswith("g")] == [f"g{i}" for i in range(20)]
    assert [k for k in got if k.startswith("b")] == [f"b{i}" for i in range(6)]

"""The benchmark's pure parts: the counting rules of ``bench_push`` and the guard that keeps a
benchmark from dropping a database that is not its own."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from devtools.bench import db as bench_db
from devtools.bench.orders_push import PushClient, PushStats, summarize


def test_summarize_counts_first_receipts_duplicates_and_misses():
    a, b = PushClient("ta", "ws://x"), PushClient("tb", "ws://x")
    a.received.update({1: 1, 2: 2})  # order 2 came twice to a
    b.received.update({1: 1})  # b never got order 2
    stats = PushStats(receipts={1: [10.010, 10.030], 2: [20.050]}, report_latencies=[0.1, 0.2])
    out = summarize(stats, [a, b], {1: 10.0, 2: 20.0})
    assert (out["expected_deliveries"], out["deliveries"]) == (4, 4)
    assert (out["duplicates"], out["missed"]) == (1, 1)
    assert out["delivery_p50_ms"] == pytest.approx(30.0)
    assert out["delivery_max_ms"] == pytest.approx(50.0)
    assert out["report_p99_ms"] == pytest.approx(200.0)


def test_bench_schema_reset_refuses_a_database_that_is_not_a_benchmark_one(monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "fleet")
    with pytest.raises(CommandError, match="bench"):
        bench_db.bench_schema_reset()

"""bench_futures, smoke-sized: three traders click at once on a simulator process of its own."""

from __future__ import annotations

import pytest

from backoffice.embedded_redis import free_port
from devtools.bench import futures_trading as bench

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_bench_smoke():
    result = bench.run(3, free_port(), threads=3)
    assert (result["traders"], result["protected"], result["duplicates"]) == (3, 3, 0)
    assert result["p95_ms"] >= result["p50_ms"] > 0 and result["calibration_s"] > 0
    assert result["unprotected_ms_max"] < 10_000

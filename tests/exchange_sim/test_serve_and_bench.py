"""runsim's building blocks and the bench client, on loopback."""

from __future__ import annotations

import pytest

from devtools.bench.simulator import Stats, bench, summarize
from exchange_sim.demo import BINANCE_DEMO, BITGET_DEMO, credentials
from exchange_sim.serve import build_world, uvicorn_config

pytestmark = pytest.mark.integration


def test_demo_world_has_fixed_accounts_and_walks():
    world = build_world(seed=3, walk_ms=500, demo=True)
    spot = world.venues["binance_spot"]
    leader = spot.find("leader")
    assert leader is not None and leader.api_key == credentials("leader")["api_key"]
    assert set(BINANCE_DEMO) == {a.name for a in spot.accounts.values()}
    bitget = world.venues["bitget"]
    assert bitget.find("bitget-demo").demo is True and len(bitget.accounts) == len(BITGET_DEMO)
    assert world.walk_interval_ms == 500
    config = uvicorn_config(world, "127.0.0.1", 0)
    assert config.http in ("httptools", "h11") and config.access_log is False


def test_seeded_walk_is_reproducible():
    one, two = build_world(seed=11), build_world(seed=11)
    assert [one.market.step("BTCUSDT") for _ in range(5)] == [
        two.market.step("BTCUSDT") for _ in range(5)
    ]
    assert build_world(seed=12).market.step("BTCUSDT") != build_world(seed=11).market.step(
        "BTCUSDT"
    )


def test_bench_against_running_sim(sim):
    result = bench(clients=3, seconds=0.5, url=sim.url)
    assert set(result) == {
        "orders",
        "seconds",
        "orders_per_s",
        "p50_ms",
        "p99_ms",
        "errors",
        "clients",
    }
    assert result["orders"] > 10 and result["errors"] == 0 and result["clients"] == 3
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    # the bench's orders are real: its three fresh accounts traded through the engine
    bench_accounts = sim.control.ok("GET", "/sim/binance/accounts")[-3:]
    placed = sum(
        len(sim.control.ok("GET", f"/sim/binance/accounts/{a['account_id']}/orders"))
        for a in bench_accounts
    )
    assert placed >= result["orders"]


def test_summary_counts_errors():
    stats = Stats(latencies=[0.001, 0.002, 0.003], errors=2)
    summary = summarize(stats, 1.0, 1)
    assert summary["orders"] == 3 and summary["errors"] == 2 and summary["p50_ms"] == 2.0

"""``manage.py bench_fanout`` — the copy-trading fan-out measured on the real path.

Processes (each started in its own process group and stopped by PID): the simulator
(``runsim``), the stream process (``run_streams``: leader watcher + balance poller) and one Celery
worker; the database and Redis are the configured ones. The leader trades through the simulator's
control API, exactly like a person trading by hand on Binance; Fleet sees the fill on the leader's
user-data stream and fans it out. Nothing in the measured path is called in-process.

Per measured event the figure is Fleet's own ``LeaderEvent.fanout_ms``: the newest follower
acknowledgement minus the moment the leader's fill event reached the stream process. The checks
are independent of Fleet's records, from the simulator's ground truth:

- before each event every account's free balance is read from the simulator, so the rule's
  amount for each follower is ``Z / F × free_USDT_i`` (BUY) or ``z / B × free_BTC_i`` (SELL) with
  the leader's real ``F`` / ``B``;
- after the run every follower's orders are read back from the simulator: ``copies`` are orders
  carrying the copy's client order id, ``duplicates`` any id seen more than once, ``missing``
  copies the rule calls for that the simulator never saw, ``sizing_errors`` orders whose
  requested amount is not the rule's amount floored to the venue's step (``within_rounding``).

Each run starts from an empty schema (``devtools.bench.db``: every table dropped, migrated
again) and a flushed Redis database. The JSON also carries ``calibration_s`` and the CPU of each
process group (the worker with its prefork children, the stream process, the simulator) over the
measured events, in total and per copy placed (``worker_cpu_ms_per_copy`` …).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx

from backoffice.launcher import Proc, Supervisor
from devtools.bench.calibration import calibration_s
from devtools.sim_process import wait_healthy
from kernel.redis import get_redis

D = Decimal
PY = sys.executable
PRICE = D("60000")
RATIOS = (D("0.02"), D("0.05"), D("0.10"), D("0.03"))


@dataclass
class Options:
    followers: int
    events: int
    warmup: int = 3
    interval_s: float = 0.0  # 0: paced to the Binance IP weight budget (``event_interval``)
    bitget_share: float = 0.5
    chunk: int = 0  # 0: followers ÷ worker processes, rounded up (one chunk per process)
    worker_pool: str = "prefork"  # as docker-compose.yml runs it
    worker_concurrency: int = field(default_factory=lambda: os.cpu_count() or 2)
    seed: int = 7
    timeout_s: float = 30.0
    binance_followers: int = 0  # set once the followers exist


@dataclass
class Account:
    """One simulator account and, for followers, its Fleet follower id."""

    venue: str
    account_id: str
    api_key: str
    api_secret: str
    passphrase: str = ""
    follower_id: int = 0

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.account_id}"


@dataclass
class Measured:
    """What the bench knew right before one leader order, and what came of it."""

    side: str
    leader_order_id: str
    ratio: Decimal  # the leader's real Z/F or z/B
    before: dict[str, tuple[Decimal, Decimal]]  # "venue:account" → free (USDT, BTC) at the sim
    event_id: int = 0
    fanout_ms: int | None = None
    stream_ms: int | None = None  # leader fill (simulator time) → received by Fleet


@dataclass
class Sim:
    """The simulator's control API (loopback)."""

    url: str
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=30.0)

    def call(self, method: str, path: str, **kw: Any) -> Any:
        reply = self.http.request(method, path, **kw)
        reply.raise_for_status()
        return reply.json()

    def free_balances(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Free USDT and BTC of every account of both venues, in two calls."""
        out = {}
        for venue, free in (("binance", "free"), ("bitget", "available")):
            for acc in self.call("GET", f"/sim/{venue}/accounts"):
                bal = acc["balances"]
                usdt = D(bal.get("USDT", {}).get(free, "0"))
                out[f"{venue}:{acc['account_id']}"] = (usdt, D(bal.get("BTC", {}).get(free, "0")))
        return out


# --- setup ------------------------------------------------------------------------------------------
def prepare_db(o: Options) -> None:
    """An empty schema (the bench owns its database: ``bench_db``), copying on, chunk size."""
    from devtools.bench.db import bench_schema_reset
    from kernel.runtime_config import config_set
    from trading.copytrade.services.followers import copy_set_running

    bench_schema_reset()
    config_set("copy_fanout_chunk", str(chunk_size(o)))
    copy_set_running(running=True)


def chunk_size(o: Options) -> int:
    """Followers per fan-out task: as given, or spread evenly over the worker's processes."""
    return o.chunk or max(1, -(-o.followers // max(1, o.worker_concurrency)))


def create_accounts(sim: Sim, o: Options) -> tuple[Account, list[Account]]:
    """The leader (Binance) and the followers at the simulator and in Fleet, seeded balances."""
    from trading.copytrade.services import followers as services

    rng = random.Random(o.seed)
    sim.call("POST", "/sim/prices", json={"prices": {"BTCUSDT": str(PRICE)}})
    leader = _sim_account(sim, "binance", {"USDT": "2000000", "BTC": "30"})
    services.leader_set(environment="sim", api_key=leader.api_key, api_secret=leader.api_secret)
    followers = []
    for i in range(o.followers):
        venue = "bitget" if rng.random() < o.bitget_share else "binance"
        usdt = D(rng.randrange(1_000, 20_000))
        btc = (D(rng.randrange(5_000, 50_000)) / D(100_000)).quantize(D("0.00001"))
        acc = _sim_account(sim, venue, {"USDT": str(usdt), "BTC": str(btc)})
        follower = services.follower_create(
            name=f"bench-{i:04d}",
            venue=venue,
            environment="sim",
            api_key=acc.api_key,
            api_secret=acc.api_secret,
            passphrase=acc.passphrase,
        )
        acc.follower_id = follower.pk
        followers.append(acc)
    return leader, followers


def _sim_account(sim: Sim, venue: str, balances: dict[str, str]) -> Account:
    got = sim.call("POST", f"/sim/{venue}/accounts", json={"balances": balances})
    return Account(
        venue,
        str(got["account_id"]),
        got["api_key"],
        got["api_secret"],
        got.get("passphrase", ""),
    )


def processes(o: Options, sim_port: int) -> list[Proc]:
    manage = [PY, "manage.py"]
    level = os.environ.get("BENCH_LOG_LEVEL", "WARNING").lower()
    worker = [PY, "-m", "celery", "-A", "backoffice", "worker", "-l", level]
    worker += ["-P", o.worker_pool, "-c", str(o.worker_concurrency), "-Q", "celery"]
    return [
        Proc("sim", [*manage, "runsim", "--port", str(sim_port)]),
        Proc("worker", worker),
        Proc("streams", [*manage, "run_streams"]),
    ]


def child_env(sim_url: str) -> dict[str, str]:
    from django.conf import settings

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings.base")
    env.update({"DEBUG": "0", "REDIS_URL": settings.REDIS_URL})
    env["LOG_LEVEL"] = os.environ.get("BENCH_LOG_LEVEL", "WARNING")
    env["FLEET_SIM_URL"] = sim_url
    return env


def wait_ready(followers: list[Account], timeout_s: float = 60.0) -> None:
    """The leader stream connected and every follower's balance in the cache (the first reads of
    Binance followers are paced by the per-IP weight budget: ~2 a second, ``poll_plan``)."""
    from trading.copytrade.selectors import leader_connection
    from trading.copytrade.services import balances

    deadline = time.monotonic() + timeout_s
    ids = [f.follower_id for f in followers]
    while time.monotonic() < deadline:
        if leader_connection().state == "connected" and len(balances.balances_get(ids)) == len(ids):
            return
        time.sleep(0.2)
    raise TimeoutError("the stream process did not connect the leader and cache the balances")


# --- events -----------------------------------------------------------------------------------------
def leader_trade(sim: Sim, leader: Account, side: str, ratio: Decimal) -> Measured:
    """One leader MARKET order of ``ratio`` of its free USDT (BUY) / BTC (SELL), with every
    account's balance read just before it."""
    before = sim.free_balances()
    usdt, btc = before[leader.key]
    body: dict[str, str] = {"symbol": "BTCUSDT", "side": side, "type": "MARKET"}
    if side == "BUY":
        body["quoteOrderQty"] = str((usdt * ratio).quantize(D("0.01"), ROUND_DOWN))
    else:
        body["quantity"] = str((btc * ratio).quantize(D("0.00001"), ROUND_DOWN))
    reply = sim.call("POST", f"/sim/binance/accounts/{leader.account_id}/trade", json=body)
    spent = D(reply["cummulativeQuoteQty"]) if side == "BUY" else D(reply["executedQty"])
    real_ratio = spent / (usdt if side == "BUY" else btc)
    measured = Measured(side, str(reply["orderId"]), real_ratio, before)
    measured.stream_ms = int(reply["transactTime"])
    return measured


def wait_fanout(m: Measured, timeout_s: float) -> None:
    """Until Fleet recorded the event and its fan-out finished (``fanout_ms`` set)."""
    from trading.copytrade.models import LeaderEvent

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = (
            LeaderEvent.objects.filter(leader_order_id=m.leader_order_id)
            .values("pk", "fanout_ms", "received_ms")
            .first()
        )
        if row and row["fanout_ms"] is not None:
            m.event_id, m.fanout_ms = row["pk"], row["fanout_ms"]
            m.stream_ms = row["received_ms"] - (m.stream_ms or row["received_ms"])
            return
        time.sleep(0.01)
    raise TimeoutError(f"leader order {m.leader_order_id}: no finished fan-out in {timeout_s} s")


def event_interval(o: Options) -> float:
    """Seconds between leader events. Every Binance copy costs 1 of the IP's 6000 request weight
    a minute (plus the balance reads, ≤ 40 %): events faster than ~50 % of the budget would have
    the limiter hold copies until the next minute — a real limit of one IP, not fan-out latency."""
    if o.interval_s > 0:
        return o.interval_s
    return max(1.0, 60.0 * o.binance_followers / (0.5 * 6000))


def run_events(sim: Sim, leader: Account, o: Options, n: int, out) -> list[Measured]:
    done = []
    pause = event_interval(o)
    for i in range(n):
        side = "BUY" if i % 2 == 0 else "SELL"
        m = leader_trade(sim, leader, side, RATIOS[i % len(RATIOS)])
        wait_fanout(m, o.timeout_s)
        done.append(m)
        out.write(f"  event {m.event_id} {side} ratio {m.ratio:.4f}: fan-out {m.fanout_ms} ms")
        time.sleep(pause)
    return done


# --- checks against the simulator -------------------------------------------------------------------
def venue_rules(leader: Account, followers: list[Account]) -> dict[str, Any]:
    """BTCUSDT rules of each venue, read through the connectors from the simulator."""
    import asyncio

    from trading.exchanges.binance_spot.client import BinanceSpotClient
    from trading.exchanges.bitget.client import BitgetSpotClient

    async def read() -> dict[str, Any]:
        out: dict[str, Any] = {}
        binance = BinanceSpotClient(leader.api_key, leader.api_secret, env="sim")
        out["binance"] = await binance.symbol_rules("BTCUSDT")
        await binance.close()
        one = next((f for f in followers if f.venue == "bitget"), None)
        if one is not None:
            bitget = BitgetSpotClient(one.api_key, one.api_secret, one.passphrase, env="sim")
            out["bitget"] = await bitget.symbol_rules("BTCUSDT")
            await bitget.close()
        return out

    return asyncio.run(read())


def _step(rules: Any, side: str) -> Decimal:
    if side == "BUY":
        return max(rules.quote_step, rules.tick_size)
    return rules.market_step_size if rules.market_step_size > 0 else rules.step_size


def _expected_amount(rules: Any, side: str, raw: Decimal) -> Decimal | None:
    """The rule's amount floored to the venue's step, or None when the venue would refuse it."""
    if side == "BUY":
        amount = (raw / _step(rules, side)).to_integral_value(ROUND_DOWN) * _step(rules, side)
        ok = amount > 0 and rules.notional_ok(amount, market=True)
        return amount if ok and amount / PRICE >= rules.min_qty else None
    qty = rules.floor_qty(raw, market=True)
    return qty if rules.qty_ok(qty, market=True) and rules.notional_ok(qty * PRICE) else None


def sim_orders(sim: Sim, followers: list[Account]) -> dict[int, list[dict[str, Any]]]:
    return {
        f.follower_id: sim.call("GET", f"/sim/{f.venue}/accounts/{f.account_id}/orders")
        for f in followers
    }


def _requested(order: dict[str, Any], venue: str, side: str) -> tuple[str, Decimal]:
    """(client order id, requested amount: quote for a BUY, base for a SELL) of a sim order."""
    if venue == "binance":
        amount = order["origQuoteOrderQty"] if side == "BUY" else order["origQty"]
        return order["clientOrderId"], D(amount)
    return order["clientOid"], D(order["size"])


def verify(
    measured: list[Measured],
    followers: list[Account],
    orders: dict[int, list[dict[str, Any]]],
    rules: dict[str, Any],
) -> dict[str, Any]:
    """copies / duplicates / missing / sizing_errors from the simulator's records."""
    from trading.copytrade.core.fanout_plan import CID_PREFIX
    from trading.copytrade.core.sizing import within_rounding
    from trading.exchanges.client_ids import client_order_id

    per_cid: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for f in followers:
        for order in orders[f.follower_id]:
            side = str(order["side"]).upper()
            cid, _ = _requested(order, f.venue, side)
            per_cid.setdefault(cid, []).append((order, side))
    counts = Counter(copies=0, expected=0, duplicates=0, missing=0, sizing_errors=0)
    examples: list[dict[str, str]] = []
    for m in measured:
        for f in followers:
            cid = client_order_id(CID_PREFIX, m.event_id, f.follower_id)
            usdt, btc = m.before[f.key]
            free = usdt if m.side == "BUY" else btc
            expected = _expected_amount(rules[f.venue], m.side, m.ratio * free)
            found = per_cid.get(cid, [])
            counts["expected"] += expected is not None
            counts["copies"] += min(1, len(found))
            counts["duplicates"] += max(0, len(found) - 1)
            counts["missing"] += expected is not None and not found
            for order, side in found:
                _, amount = _requested(order, f.venue, side)
                step = _step(rules[f.venue], m.side)
                if side != m.side or not within_rounding(amount, m.ratio, free, step):
                    counts["sizing_errors"] += 1
                    examples.append(_example(m, f, amount, free))
    return {**counts, "sizing_examples": examples[:5]}


def _example(m: Measured, f: Account, amount: Decimal, free: Decimal) -> dict[str, str]:
    return {
        "event": str(m.event_id),
        "follower": str(f.follower_id),
        "venue": f.venue,
        "side": m.side,
        "requested": str(amount),
        "rule": str(m.ratio * free),
        "free_before": str(free),
    }


def percentile(values: list[int], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return float(ordered[rank - 1])


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system, with reaped children) of every process in process group
    ``pgid`` — a Celery worker and its prefork children (Linux ``/proc``)."""
    ticks = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state ppid pgrp … utime stime cutime cstime
        if int(fields[2]) == pgid:
            ticks += sum(int(v) for v in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_per_copy(cpu_s: dict[str, float], copies: int) -> dict[str, Any]:
    """CPU of each process group during the measured events, and per copy placed (ms)."""
    out: dict[str, Any] = {f"{name}_cpu_s": round(v, 2) for name, v in cpu_s.items()}
    for name, v in cpu_s.items():
        out[f"{name}_cpu_ms_per_copy"] = round(1000 * v / copies, 3) if copies else None
    return out


def summary(o: Options, measured: list[Measured], checks: dict[str, Any]) -> dict[str, Any]:
    latencies = [m.fanout_ms for m in measured if m.fanout_ms is not None]
    stream = [m.stream_ms for m in measured if m.stream_ms is not None]
    return {
        "followers": o.followers,
        "events": len(measured),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies, default=0),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "copies": checks["copies"],
        "expected_copies": checks["expected"],
        "duplicates": checks["duplicates"],
        "missing": checks["missing"],
        "sizing_errors": checks["sizing_errors"],
        "sizing_examples": checks["sizing_examples"],
        "leader_fill_to_fleet_p50_ms": percentile(stream, 50),
        "worker": f"celery -P {o.worker_pool} -c {o.worker_concurrency}",
        "chunk": chunk_size(o),
        "interval_s": round(event_interval(o), 2),
        "cpus": os.cpu_count(),
        **cpu_per_copy(checks.get("cpu_s", {}), checks["copies"]),
        "latencies_ms": latencies,
    }


def run(o: Options, sim_port: int, out) -> dict[str, Any]:
    """The whole benchmark (see the module docstring); every child is stopped by PID."""
    calibration = calibration_s()
    db = int(get_redis().connection_pool.connection_kwargs.get("db", 0))
    if db == 0:
        raise RuntimeError("bench_fanout flushes its Redis database: point REDIS_URL at /8")
    get_redis().flushdb()
    sim_url = f"http://127.0.0.1:{sim_port}"
    os.environ["FLEET_SIM_URL"] = sim_url  # the connectors of this process (rules, services)
    prepare_db(o)
    supervisor = Supervisor()
    env = child_env(sim_url)
    try:
        for proc in processes(o, sim_port):
            supervisor.start(proc, env)
            if proc.name == "sim":
                wait_healthy(sim_url)
        sim = Sim(sim_url)
        out.write(f"creating the leader and {o.followers} followers …")
        leader, followers = create_accounts(sim, o)
        o.binance_followers = sum(f.venue == "binance" for f in followers)
        wait_ready(followers, timeout_s=60.0 + len(followers))
        out.write(f"warm-up: {o.warmup} events …")
        run_events(sim, leader, o, o.warmup, out)
        out.write(f"measuring {o.events} events …")
        groups = {proc.name: child.pid for proc, child in supervisor.children}
        cpu0 = {name: group_cpu_s(pid) for name, pid in groups.items()}
        measured = run_events(sim, leader, o, o.events, out)
        cpu_s = {name: group_cpu_s(pid) - cpu0[name] for name, pid in groups.items()}
        checks = verify(
            measured, followers, sim_orders(sim, followers), venue_rules(leader, followers)
        )
    finally:
        supervisor.stop_all()
    return {"calibration_s": calibration, **summary(o, measured, {**checks, "cpu_s": cpu_s})}

"""The one-click benchmark: N traders click the same signal at the same moment.

The simulator runs in its own process (``exchange_sim.serve`` on a free loopback port); the N
traders get futures accounts there and rows here (usernames ``bench-ft-…``, removed afterwards),
their clients are warmed by a "test connection" (clock sync, rules), then every trader clicks
at the same instant ``t0``, served by ``--processes`` forked processes (1 by default) of
``--threads`` request threads each (16 by default) — like web server workers — calling
``trade_open_now``. Figures:

- ``p50_ms`` / ``p95_ms``: click → entry filled and both protective legs acknowledged;
- ``duplicates``: entry orders beyond one per trader at the venue (must be 0);
- ``unprotected_ms_max``: the longest time between an entry fill and its stop's acknowledgement;
- ``calibration_s``: a fixed pure-Python loop timed first (compare machines / runs).
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from django.contrib.auth.hashers import make_password
from django.db import connections
from django.utils import timezone

from accounts.choices import Environment, Venue
from accounts.models import ExchangeCredential, Trader
from devtools.bench.calibration import calibration_s
from devtools.sim_process import start_sim, stop_sim
from trading.futures_trading.choices import IntentState, LegKind
from trading.futures_trading.core.values import Direction, TradeChoice, TradeIntentSpec
from trading.futures_trading.models import FuturesAccount, ProtectiveLeg, TradeIntent
from trading.futures_trading.services import venues
from trading.futures_trading.services.trades import futures_key_test, trade_open_now

PREFIX = "bench-ft-"


def make_traders(url: str, count: int) -> list[Trader]:
    """``count`` traders with sim futures accounts (one password hash for all: hashing is slow)."""
    price = {"symbol": "BTCUSDT", "price": "50000.00"}
    httpx.post(f"{url}/sim/prices", json=price).raise_for_status()
    password = make_password("pw-bench-123")
    expires = timezone.now() + timedelta(days=1)
    traders = []
    for n in range(count):
        info = httpx.post(f"{url}/sim/futures/accounts", json={"balance": "10000"}).json()
        name = f"{PREFIX}{n}-{info['api_key'][:6]}"
        trader = Trader.objects.create(username=name, password=password, expires_at=expires)
        cred = ExchangeCredential.objects.create(
            label="bench", venue=Venue.BINANCE, environment=Environment.SIM, owner=trader,
            api_key=info["api_key"], api_secret=info["secret"],
        )  # fmt: skip
        account = FuturesAccount.objects.create(trader=trader, credential=cred)
        futures_key_test(account=account)  # warms the client: clock sync, connection
        traders.append(trader)
    return traders


SPEC = TradeIntentSpec(symbol="BTCUSDT", direction=Direction.LONG, entry_ref=Decimal(50000),
                       take_profit=Decimal(52000), stop_loss=Decimal(49000),
                       signal_key="bench-signal-1")  # fmt: skip
CHOICE = TradeChoice(margin=Decimal(100), leverage=10)


def click_all(
    traders: list[Trader], threads: int, t0_wall: float | None = None
) -> tuple[list[float], list[str]]:
    """Every trader clicks at the same instant ``t0``; ``threads`` request threads (like the web
    server's) serve the clicks. Returns each click's latency from ``t0`` (ms) and final state."""
    latencies: list[float] = [0.0] * len(traders)
    states: list[str] = [""] * len(traders)
    t0 = t0_wall if t0_wall is not None else time.time()

    def click(i: int) -> None:
        try:
            states[i] = trade_open_now(trader=traders[i], spec=SPEC, choice=CHOICE).state
            latencies[i] = (time.time() - t0) * 1000
        finally:
            connections.close_all()

    with ThreadPoolExecutor(min(threads, len(traders))) as pool:
        list(pool.map(click, range(len(traders))))
    return latencies, states


def _warm(traders: list[Trader]) -> None:
    """Build each trader's client in this process and sync its clock (one signed read)."""
    for t in traders:
        cred = FuturesAccount.objects.select_related("credential").get(trader=t).credential
        venues.call(cred, lambda c: c.balances())


def _child(ids: list[int], threads: int, gate: Any, out: Any) -> None:
    """One web-server-like process: warm its clients, wait at the gate with the others, click."""
    connections.close_all()
    venues.reset()
    traders = list(Trader.objects.filter(pk__in=ids))
    _warm(traders)
    gate.wait()
    latencies, states = click_all(traders, threads, t0_wall=time.time())
    out.put(list(zip(latencies, states, strict=True)))


def click_processes(
    traders: list[Trader], threads: int, processes: int
) -> tuple[list[float], list[str]]:
    """The clicks spread over ``processes`` forked processes (like web server workers) with
    ``threads`` threads each; all start together once every process has warmed its clients."""
    if processes <= 1:
        return click_all(traders, threads)
    ctx = multiprocessing.get_context("fork")
    gate, out = ctx.Barrier(processes), ctx.Queue()
    connections.close_all()  # each child opens its own (a shared socket would be closed twice)
    children = [
        ctx.Process(target=_child, args=([t.pk for t in traders[i::processes]], threads, gate, out))
        for i in range(processes)
    ]
    for child in children:
        child.start()
    pairs = [pair for _ in children for pair in out.get(timeout=300)]
    for child in children:
        child.join(10)
    return [lat for lat, _ in pairs], [state for _, state in pairs]


def duplicates(url: str, traders: list[Trader]) -> int:
    extra = 0
    for t in traders:
        key = FuturesAccount.objects.get(trader=t).credential.api_key
        venue = httpx.get(f"{url}/sim/futures/accounts/{key}").json()
        entries = [o for o in venue["orders"] if o["origType"] == "MARKET"]
        extra += max(0, len(entries) - 1)
    return extra


def unprotected_ms_max(traders: list[Trader]) -> float:
    worst = 0.0
    for intent in TradeIntent.objects.filter(trader__in=traders, entry_at__isnull=False):
        sl = ProtectiveLeg.objects.filter(intent=intent, kind=LegKind.STOP_LOSS).first()
        if sl is None or sl.acked_at is None:
            return float("inf")
        assert intent.entry_at is not None  # filtered on entry_at__isnull=False
        worst = max(worst, (sl.acked_at - intent.entry_at).total_seconds() * 1000)
    return round(worst, 1)


def cleanup() -> None:
    FuturesAccount.objects.filter(trader__username__startswith=PREFIX).delete()
    Trader.objects.filter(username__startswith=PREFIX).delete()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def run(traders: int, port: int, threads: int = 16, processes: int = 1) -> dict[str, Any]:
    calibration = calibration_s()
    proc = start_sim(port)
    url = f"http://127.0.0.1:{port}"
    previous = os.environ.get("FLEET_SIM_URL")
    os.environ["FLEET_SIM_URL"] = url
    try:
        cleanup()
        venues.reset()
        people = make_traders(url, traders)
        wall = time.perf_counter()
        latencies, states = click_processes(people, threads, processes)
        elapsed = time.perf_counter() - wall
        result = {
            "traders": traders, "processes": processes, "threads": threads, "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": percentile(latencies, 0.95), "max_ms": round(max(latencies), 1),
            "protected": states.count(IntentState.PROTECTED),
            "duplicates": duplicates(url, people),
            "unprotected_ms_max": unprotected_ms_max(people), "wall_s": round(elapsed, 3),
            "calibration_s": calibration,
        }  # fmt: skip
    finally:
        stop_sim(proc)  # first: a failing cleanup must not leave the simulator running
        cleanup()
        venues.reset()
        if previous is None:
            os.environ.pop("FLEET_SIM_URL", None)
        else:
            os.environ["FLEET_SIM_URL"] = previous
    return result

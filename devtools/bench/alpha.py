"""``bench_alpha``: N traders' bots cycling against an in-process simulator for S seconds, the
stream job and a worker pool in this process (the code paths of production; no broker).

Figures (JSON): ``traders``, ``cycles``; ``p50_ms`` / ``p95_ms`` from a sell leg's last fill
(the venue's event time) to the next pair acknowledged by the venue; ``duplicates`` — moments
with two live pairs for one trader, from the simulator's own order book; ``max_rps_per_credential``
— requests in any one second by one web session, counted at the simulator; ``ledger_mismatches``
— orders whose filled quantity differs between our ledger and the simulator (or that the
simulator has and we do not); with ``--faults``: stream drops, lost replies, 429s, 93420018 and
partial fills injected at random, every pause resumed by the benchmark after a second, and
``pauses`` / ``pauses_without_reason`` / ``pause_notifications`` reported; ``calibration_s``: a
fixed pure-Python loop timed at the start (how fast this machine was at that moment).

It FLUSHES the configured Redis database (refuses /0) and WIPES the Alpha rows and the
``bench-alpha-*`` traders of the configured database: run it on databases of its own.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from django.utils import timezone

from accounts.models import Trader
from accounts.services import trader_create
from backoffice.embedded_redis import free_port
from devtools.bench.calibration import calibration_s
from devtools.sim_process import start_sim, stop_sim
from kernel.redis import get_redis
from notifications.models import Notification
from trading.alpha.choices import CredentialSource
from trading.alpha.core import machine as m
from trading.alpha.inprocess import InProcess
from trading.alpha.models import AlphaBot, AlphaCredential, AlphaCycle, AlphaLeg, AlphaToken
from trading.alpha.services import bots
from trading.alpha.services.catalogue import token_get
from trading.alpha.services.credentials import credential_save
from trading.alpha.streams import StreamSettings

log = logging.getLogger("fleet.alpha.bench")
PREFIX = "bench-alpha-"
FAULTS = ("ws_disconnect", "drop_reply", "rate_limit", "open_order_limit", "partial")


@dataclass(frozen=True)
class Options:
    traders: int = 5
    seconds: float = 20.0
    faults: bool = False
    workers: int = 8
    order_usdt: Decimal = Decimal(10)
    seed: int = 7


class SimProcess:
    """The simulator on a free loopback port in a child process."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> SimProcess:
        """The simulator with the per-credential request counter (``devtools.bench.alpha_sim``)."""
        argv = [sys.executable, "-m", "devtools.bench.alpha_sim", str(self.port)]
        self.proc = start_sim(self.port, argv)
        return self

    def control(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def stop(self) -> None:
        if self.proc is not None:
            stop_sim(self.proc)


def _wipe() -> None:
    AlphaBot.objects.all().delete()
    AlphaCredential.objects.all().delete()
    AlphaToken.objects.filter(env="sim").delete()
    Trader.objects.filter(username__startswith=PREFIX).delete()
    Notification.objects.filter(kind__startswith="alpha.").delete()


MAKER = Decimal("0.2")  # --faults: every other trader rests its orders 0.2 % off the last price


def _setup(sim: SimProcess, o: Options) -> tuple[list[AlphaBot], dict[int, str]]:
    control = sim.control()
    token = control.post("/sim/alpha/tokens", json={"price": "1", "mulPoint": "1",
                                                    "symbol": "BENCH"}).json()  # fmt: skip
    created, sessions = [], {}
    for k in range(o.traders):
        trader = trader_create(username=f"{PREFIX}{k}", password="pw-12345678",
                               expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
        info = control.post("/sim/web/sessions", json={"balances": {"USDT": "1000000"}}).json()
        cred = credential_save(trader=trader, env="sim", csrftoken=info["csrftoken"],
                               p20t=info["p20t"], expires_at=None,
                               source=CredentialSource.ADMIN_PASTE, consent=False)  # fmt: skip
        offset = MAKER if o.faults and k % 2 else Decimal("-0.5")
        bot = bots.bot_configure(
            trader=trader, token=token_get(env="sim", name=token["alphaId"]), credential=cred,
            target_kind="total", target_value=Decimal(10) ** 9, offset_mode="pct",
            buy_offset=offset, sell_offset=offset, order_usdt=o.order_usdt,
            timeout_s=10, swing_pct=Decimal(50),
        )  # fmt: skip
        bots.risk_accept(trader=trader)
        created.append(bot)
        sessions[bot.pk] = info["session_id"]
    control.close()
    return created, sessions


def _inject(sim: SimProcess, sessions: dict[int, str], stop: threading.Event, rng: random.Random):
    """A random fault on a random trader's session every ~0.5 s; the price swings ±0.5 % so
    the resting (maker) traders' orders fill, in parts when ``fill_parts`` > 1."""
    control = sim.control()
    symbol = control.get("/sim/alpha/tokens").json()[0]["alphaId"] + "USDT"
    swing = 0
    while not stop.wait(0.5):
        swing += 1
        control.post("/sim/prices", json={"symbol": symbol,
                                          "price": ("1", "1.005", "1", "0.995")[swing % 4]})  # fmt: skip
        kind = rng.choice(FAULTS)
        session = rng.choice(list(sessions.values()))
        if kind == "partial":
            control.post("/sim/alpha/config", json={"fill_parts": rng.choice([1, 2, 3])})
            continue
        control.post("/sim/faults", json={"kind": kind, "account": session, "count": 1})
    control.close()


def _resumer(stop: threading.Event, seen: dict[str, int]) -> None:
    """Resume every paused bot a second after its pause (as a trader would)."""
    from django.db import close_old_connections

    try:
        while not stop.wait(0.25):
            cutoff = timezone.now() - timedelta(seconds=1)
            paused = AlphaBot.objects.filter(phase="paused", phase_since__lte=cutoff)
            for bot_id, reason in paused.values_list("pk", "pause_reason"):
                seen["pauses"] += 1
                seen["pauses_without_reason"] += int(not reason)
                try:
                    bots.bot_resume(bot_id=bot_id)
                except Exception as exc:
                    log.warning("resume %s: %s", bot_id, exc)
    finally:
        close_old_connections()


def run(o: Options, out: Any) -> dict[str, Any]:
    redis = get_redis()
    if redis.connection_pool.connection_kwargs.get("db", 0) == 0:
        raise RuntimeError("bench_alpha flushes its Redis database: point REDIS_URL at another")
    calibration = calibration_s()
    redis.flushdb()
    _wipe()
    sim = SimProcess().start()
    import os

    os.environ["FLEET_SIM_URL"] = sim.url
    try:
        return _measure(o, sim, out, calibration)
    finally:
        sim.stop()


def _measure(o: Options, sim: SimProcess, out: Any, calibration: float) -> dict[str, Any]:
    bot_rows, sessions = _setup(sim, o)
    out.write(f"{len(bot_rows)} bots ready; running {o.seconds:.0f} s\n")
    stop = threading.Event()
    seen: dict[str, int] = defaultdict(int)
    helpers = [threading.Thread(target=_resumer, args=(stop, seen), daemon=True)]
    if o.faults:
        rng = random.Random(o.seed)
        helpers.append(threading.Thread(target=_inject, args=(sim, sessions, stop, rng),
                                        daemon=True))  # fmt: skip
    settings = StreamSettings(reload_s=0.5, silent_s=5.0)
    with InProcess(workers=o.workers, settings=settings) as rt:
        for bot in bot_rows:
            bots.bot_start(bot_id=bot.pk)
        for helper in helpers:
            helper.start()
        time.sleep(o.seconds)
        stop.set()
        for helper in helpers:
            helper.join(timeout=10)
        for bot in bot_rows:
            bots.bot_stop(bot_id=bot.pk)
        _settle(bot_rows)
        errors = len(rt.errors)
    return _figures(o, sim, bot_rows, sessions, calibration, seen, errors)


def _settle(bot_rows: list[AlphaBot], timeout: float = 30) -> None:
    """Wait for the stopped bots to finish cancelling (so the ledger can be compared)."""
    deadline = time.monotonic() + timeout
    ids = [b.pk for b in bot_rows]
    while time.monotonic() < deadline:
        live = AlphaBot.objects.filter(pk__in=ids).exclude(
            phase__in=[m.Phase.STOPPED, m.Phase.PAUSED, m.Phase.TARGET_REACHED])  # fmt: skip
        if not live.exists():
            return
        time.sleep(0.2)


def _latencies(bot_rows: list[AlphaBot]) -> list[float]:
    """Sell leg's last fill (venue time) → the next pair's acknowledgement, per cycle."""
    out = []
    for bot in bot_rows:
        cycles = list(AlphaCycle.objects.filter(bot=bot, kind="pair").order_by("number"))
        for prev, nxt in itertools.pairwise(cycles):
            if nxt.number != prev.number + 1 or nxt.acked_at is None:
                continue
            last_sell = (AlphaLeg.objects.filter(cycle=prev, role="pending").values_list(
                "fills__at", flat=True).order_by("-fills__at").first())  # fmt: skip
            if last_sell is not None:
                out.append((nxt.acked_at - last_sell).total_seconds() * 1000)
    return out


def _venue_orders(sim: SimProcess, sessions: dict[int, str]) -> dict[int, list[dict[str, Any]]]:
    with sim.control() as control:
        return {bot_id: control.get(f"/sim/alpha/sessions/{sid}/orders").json()
                for bot_id, sid in sessions.items()}  # fmt: skip


def _duplicates(orders: dict[int, list[dict[str, Any]]]) -> int:
    """Overlapping live intervals of two OTO pairs of one trader, from the simulator's book."""
    overlaps = 0
    now = int(time.time() * 1000)
    for rows in orders.values():
        pairs: dict[str, list[int]] = {}
        for o in rows:
            if o["orderListId"] == "-1":
                continue
            live = o["status"] in ("NEW", "PENDING", "PARTIALLY_FILLED")
            end = now if live else int(o["updateTime"])
            span = pairs.setdefault(o["orderListId"], [int(o["time"]), end])
            span[0], span[1] = min(span[0], int(o["time"])), max(span[1], end)
        spans = sorted(pairs.values())
        overlaps += sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
    return overlaps


def _ledger_mismatches(
    orders: dict[int, list[dict[str, Any]]], bot_rows: list[AlphaBot]
) -> list[dict[str, Any]]:
    """Orders whose filled quantity differs between the simulator and our ledger."""
    ours = {leg.order_id: leg.executed_qty for leg in AlphaLeg.objects.filter(
        cycle__bot__in=bot_rows)}  # fmt: skip
    mismatches = []
    for bot_id, rows in orders.items():
        for o in rows:
            executed = Decimal(o["executedQty"])
            if executed == 0 and o["orderId"] not in ours:
                continue  # never filled and unknown to us: nothing to account for
            if ours.get(o["orderId"]) != executed:
                mismatches.append({"bot": bot_id, "order": o["orderId"], "status": o["status"],
                                   "venue": str(executed), "ours": str(ours.get(o["orderId"]))})  # fmt: skip
    return mismatches


def _figures(o, sim, bot_rows, sessions, calibration, seen, errors) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    lat = sorted(_latencies(bot_rows))
    mismatches = _ledger_mismatches(_venue_orders(sim, sessions), bot_rows)

    def pct(q: float) -> float | None:
        if not lat:
            return None
        return round(lat[min(len(lat) - 1, int(q * len(lat)))], 1)

    cycles = AlphaCycle.objects.filter(bot__in=bot_rows, kind="pair", closed_at__isnull=False)
    orders = _venue_orders(sim, sessions)
    with sim.control() as control:
        max_rps = control.get("/bench/rps").json()["max_rps"]
    notices = Notification.objects.filter(kind__in=["alpha.paused", "alpha.auth_expired"])
    return {
        "traders": o.traders, "seconds": o.seconds, "faults": o.faults,
        "cycles": cycles.count(), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
        "latency_samples": len(lat),
        "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
        "duplicates": _duplicates(orders),
        "max_rps_per_credential": max_rps,
        "ledger_mismatches": len(mismatches),
        "ledger_mismatch_orders": mismatches[:20],
        "pauses": seen["pauses"], "pauses_without_reason": seen["pauses_without_reason"],
        "pause_notifications": notices.values("key").distinct().count(),
        "command_errors": errors, "calibration_s": calibration,
    }  # fmt: skip


def as_json(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2)

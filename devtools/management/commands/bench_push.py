"""``manage.py bench_push --clients N --seconds S --json FILE`` — the push-path benchmark.

Starts ``--push-procs`` ``run_push`` processes (clients spread round-robin over them, as behind a
load balancer) and one Celery worker (persists acknowledgements as ``Claim`` rows), connects N
WebSocket clients, creates an order every ``--order-every`` seconds during the window, and
measures order committed → client has it, report sent → durable answer, duplicates, missed, and
the CPU the push processes spent per order. It FLUSHES the configured Redis database (refuses
database 0) and DROPS and re-creates its database (the name must contain ``bench``), so every run
starts from an empty schema. Every process it starts is stopped by PID.

    REDIS_URL=redis://127.0.0.1:6379/9 DATABASE_URL=mysql://root:@127.0.0.1:3306/fleet_push_bench \\
        python manage.py bench_push --clients 1000 --seconds 30 --json var/bench/push.json
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from django.core.management.base import BaseCommand, CommandError

from backoffice.embedded_redis import free_port
from devtools.bench import orders_push as load
from devtools.bench.calibration import calibration_s
from devtools.bench.db import bench_schema_reset
from devtools.management.commands.bench_pull import _celery_argv, _spawn, _stop
from kernel.redis import get_redis

PASSWORD = "bench-pass-123"
SYMBOLS = ["BTCUSDT", "ETHUSDT"]


class Command(BaseCommand):
    help = "Benchmark the WebSocket push of event orders (see docs/event_orders.md)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=1000)
        parser.add_argument("--seconds", type=int, default=30, help="measured window")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--drain", type=int, default=5)
        parser.add_argument("--order-every", type=float, default=5.0)
        parser.add_argument("--validity", type=int, default=60)
        parser.add_argument("--push-procs", type=int, default=1)
        parser.add_argument("--json", dest="json_path", default="")
        parser.add_argument(
            "--profile", default="", help="cProfile the push processes: stats to PREFIX.<n>"
        )

    def handle(self, *args, **o):
        db = get_redis().connection_pool.connection_kwargs.get("db", 0)
        if int(db) == 0:
            raise CommandError("bench_push flushes its Redis database: point REDIS_URL at /9")
        get_redis().flushdb()
        calibration = calibration_s()
        self.stdout.write(f"fresh database {bench_schema_reset()}; {o['clients']} traders …")
        tokens = _prepare(o["clients"])
        ports = [free_port() for _ in range(o["push_procs"])]
        procs = []
        try:
            procs = [_spawn(_push_argv(p, o["profile"], n)) for n, p in enumerate(ports)]
            procs.append(_spawn(_celery_argv()))
            for port in ports:
                _wait_healthy(port)
            result = _run(ports, procs[: len(ports)], tokens, o, self.stdout)
            result["push_health"] = [
                httpx.get(f"http://127.0.0.1:{p}/health", timeout=5).json() for p in ports
            ]
        finally:
            for proc in reversed(procs):
                _stop(proc)
        result.update(_durable_check(result.pop("_orders"), len(tokens)))
        result["calibration_s"] = calibration
        text = json.dumps(result, indent=2)
        self.stdout.write(text)
        if o["json_path"]:
            Path(o["json_path"]).write_text(text + "\n")


def _prepare(n: int) -> list[str]:
    """Allowed symbols, N traders (a cheap Argon2 hash: logins are not measured), a session each."""
    import argon2
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Trader
    from accounts.services import session_login
    from orders.models import EventSymbol

    for symbol in SYMBOLS:
        EventSymbol.objects.get_or_create(symbol=symbol)
    cheap = "argon2" + argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(
        PASSWORD
    )
    expires = timezone.now() + timedelta(days=2)
    names = [f"bench{i:05d}" for i in range(n)]
    Trader.objects.bulk_create(
        Trader(username=name, password=cheap, expires_at=expires, order_amount=Decimal("10"))
        for name in names
    )

    def login(name: str) -> str:
        try:
            return session_login(username=name, password=PASSWORD, device_id=name, ip=None).token
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(login, names))


def _push_argv(port: int, profile: str, n: int) -> list[str]:
    import sys

    argv = [sys.executable, "manage.py", "run_push", "--port", str(port)]
    return [*argv, "--profile", f"{profile}.{n}"] if profile else argv


def _wait_healthy(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise CommandError(f"run_push on {port} did not become healthy")


def _run(ports, push_procs, tokens, o, out) -> dict:
    try:
        import uvloop

        return uvloop.run(_load(ports, push_procs, tokens, o, out))
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return asyncio.run(_load(ports, push_procs, tokens, o, out))


async def _load(ports, push_procs, tokens, o, out) -> dict:
    urls = [f"ws://127.0.0.1:{p}/api/v1/push" for p in ports]
    clients = [load.PushClient(t, urls[i % len(urls)]) for i, t in enumerate(tokens)]
    sockets = await load.connect_all(clients)
    out.write(f"{len(clients)} sockets open on {len(ports)} push process(es); steady phase …")
    start = time.monotonic()
    measure_from = start + o["warmup"]
    measure_to = measure_from + o["seconds"]
    stop_at = measure_to + o["drain"]
    stats = load.PushStats()
    committed: dict[int, float] = {}
    loops = [
        load.client_loop(c, ws, stats, stop_at) for c, ws in zip(clients, sockets, strict=True)
    ]
    cpu = _Cpu(push_procs)
    creator = _create_orders(measure_from, measure_to, o, committed, cpu)
    await asyncio.gather(creator, *loops)
    server_cpu, loadgen_cpu, wall = cpu.stop()
    for ws in sockets:
        await ws.close()
    result = {"clients": len(clients), "push_processes": len(ports), "seconds": o["seconds"]}
    result.update(load.summarize(stats, clients, committed))
    orders = max(1, len(committed))
    result.update(
        {
            "server_cpu_s": round(server_cpu, 3),
            "server_cpu_s_per_order": round(server_cpu / orders, 4),
            "loadgen_cpu_s": round(loadgen_cpu, 3),
            "loadgen_cpu_share_of_one_core": round(loadgen_cpu / wall, 3) if wall else None,
            "cpus": os.cpu_count(),
            "_orders": sorted(committed),
        }
    )
    return result


class _Cpu:
    """CPU seconds of the push processes (``/proc``) and of this process, from :meth:`start`."""

    def __init__(self, procs) -> None:
        self.procs = procs
        self.begin: tuple[float, float, float] | None = None

    def _now(self) -> tuple[float, float, float]:
        tick = os.sysconf("SC_CLK_TCK")
        server = 0.0
        for proc in self.procs:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            server += (int(fields[11]) + int(fields[12])) / tick
        return server, time.process_time(), time.monotonic()

    def start(self) -> None:
        self.begin = self._now()

    def stop(self) -> tuple[float, float, float]:
        assert self.begin is not None
        end = self._now()
        return end[0] - self.begin[0], end[1] - self.begin[1], end[2] - self.begin[2]


async def _create_orders(measure_from, measure_to, o, committed: dict[int, float], cpu) -> None:
    """An order every ``--order-every`` s inside the window; the CPU count starts with the first."""
    await asyncio.sleep(max(0.0, measure_from - time.monotonic()))
    cpu.start()
    n = 0
    while time.monotonic() < measure_to:
        t = time.monotonic()
        order_id, at = await asyncio.to_thread(_create_one, n, o["validity"])
        committed[order_id] = at
        n += 1
        await asyncio.sleep(max(0.0, t + o["order_every"] - time.monotonic()))


def _create_one(n: int, validity: int) -> tuple[int, float]:
    """One order through the service; returns (id, the moment its transaction committed)."""
    from django.db import connection, transaction

    from orders.services import order_create

    stamp: list[float] = []
    try:
        with transaction.atomic():
            transaction.on_commit(lambda: stamp.append(time.time()))  # before the publish hook
            order = order_create(
                symbol=SYMBOLS[n % 2],
                direction="LONG" if n % 3 else "SHORT",
                time_increment="TEN_MINUTE",
                validity_seconds=validity,
            )
        return order.pk, stamp[0]
    finally:
        connection.close()


def _durable_check(order_ids: list[int], clients: int) -> dict:
    """After the run: every report and acknowledgement durable? (rows for the counted orders)."""
    from orders.models import Claim, ExecutionReport
    from orders.services import claims_persist

    claims_persist()  # whatever the worker had not flushed yet
    return {
        "reports_durable": ExecutionReport.objects.filter(order_id__in=order_ids).count(),
        "claims_persisted": Claim.objects.filter(order_id__in=order_ids).count(),
        "expected_rows": len(order_ids) * clients,
    }

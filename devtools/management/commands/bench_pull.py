"""``manage.py bench_pull --clients N --seconds S --json FILE`` — the pull-path benchmark.

Starts the production-like server (gunicorn, gthread workers) and one Celery worker (persists
claims) against the configured database and Redis, logs N clients in, lets them pull once per
second with random phase while orders are created, then measures saturation (back-to-back pulls
vs. the trivial ``/api/v1/ping``). Every process it starts is stopped by PID. It FLUSHES the
configured Redis database (refuses database 0) and DROPS and re-creates its database (the name
must contain ``bench``: ``devtools.bench.db``), so every run starts from an empty schema.

Run it on its own Redis database and its own DB, e.g.::

    REDIS_URL=redis://127.0.0.1:6379/7 DATABASE_URL=mysql://root:@127.0.0.1:3306/fleet_orders_bench \\
        python manage.py bench_pull --clients 1000 --seconds 30 --json var/bench_pull.json
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backoffice.embedded_redis import free_port
from devtools.bench import orders_pull as bench_load
from devtools.bench.calibration import calibration_s
from devtools.bench.db import bench_schema_reset
from devtools.bench.orders_client import Conn
from kernel.redis import get_redis

PASSWORD = "bench-pass-123"
SYMBOLS = ["BTCUSDT", "ETHUSDT"]


class Command(BaseCommand):
    help = "Benchmark GET /api/v1/event-orders/pull under N polling clients (see docs/event_orders.md)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=1000)
        parser.add_argument("--seconds", type=int, default=30, help="measured window")
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--drain", type=int, default=3)
        parser.add_argument("--order-every", type=float, default=5.0)
        parser.add_argument("--validity", type=int, default=30)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--sat-conns", type=int, default=32)
        parser.add_argument("--sat-seconds", type=int, default=10)
        parser.add_argument("--json", dest="json_path", default="")

    def handle(self, *args, **o):
        self._check_redis()
        calibration = calibration_s()
        self.stdout.write(f"preparing {o['clients']} traders …")
        _prepare(o["clients"])
        port = free_port()
        procs = []
        try:
            procs.append(_spawn(_gunicorn_argv(port, o["workers"], o["threads"])))
            procs.append(_spawn(_celery_argv()))
            _wait_ready(port)
            result = _run_async(port, o, self.stdout)
        finally:
            for proc in reversed(procs):
                _stop(proc)
        result.update(_durable_check(result.pop("_counted")))
        result["calibration_s"] = calibration
        text = json.dumps(result, indent=2)
        self.stdout.write(text)
        if o["json_path"]:
            Path(o["json_path"]).write_text(text + "\n")

    def _check_redis(self) -> None:
        db = get_redis().connection_pool.connection_kwargs.get("db", 0)
        if int(db) == 0:
            raise CommandError(
                "bench_pull flushes its Redis database: point REDIS_URL at /7 (not /0)"
            )
        get_redis().flushdb()


def _prepare(n: int) -> None:
    """Migrate, allowed symbols, and N traders with a cheap password hash (the logins are not
    what we measure: Argon2's default parameters cost ~50 ms each)."""
    import argon2

    from accounts.models import Trader
    from orders.models import EventSymbol

    bench_schema_reset()
    for symbol in SYMBOLS:
        EventSymbol.objects.get_or_create(symbol=symbol)
    cheap = "argon2" + argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(
        PASSWORD
    )
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    expires = timezone.now() + timedelta(days=2)
    Trader.objects.bulk_create(
        Trader(
            username=f"bench{i:05d}", password=cheap, expires_at=expires, order_amount=Decimal("10")
        )
        for i in range(n)
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings.base")
    env.update({"DEBUG": "0", "LOG_LEVEL": "WARNING", "REDIS_URL": settings.REDIS_URL})
    return env


def _gunicorn_argv(port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "backoffice.wsgi",
        "-k", "gthread", "-w", str(workers), "--threads", str(threads),
        "-b", f"127.0.0.1:{port}", "--keep-alive", "10", "--worker-connections", "4000",
        "--backlog", "4096", "--log-level", "warning",
    ]  # fmt: skip


def _celery_argv() -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "backoffice", "worker",
        "-P", "threads", "-c", "1", "-l", "warning", "-Q", "celery",
    ]  # fmt: skip


def _spawn(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=settings.BASE_DIR, env=_env(), start_new_session=True)  # noqa: S603


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_ready(port: int, timeout: float = 30.0) -> None:
    async def probe() -> bool:
        conn = Conn("127.0.0.1", port)
        try:
            return (await conn.request("GET", "/api/v1/ping")).status == 200
        except OSError:
            return False
        finally:
            await conn.close()

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if asyncio.run(probe()):
            return
        time.sleep(0.3)
    raise CommandError("gunicorn did not become ready")


def _run_async(port: int, o: dict, out) -> dict:
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvloop is installed with uvicorn[standard]
        runner = asyncio.run
    return runner(_load(port, o, out))


async def _load(port: int, o: dict, out) -> dict:
    host = "127.0.0.1"
    names = [f"bench{i:05d}" for i in range(o["clients"])]
    clients = await bench_load.login_all(host, port, names, PASSWORD)
    out.write(f"{len(clients)} clients logged in; steady phase …")
    start = time.monotonic()
    window = bench_load.Window(
        measure_from=start + o["warmup"],
        measure_to=start + o["warmup"] + o["seconds"],
        stop_at=start + o["warmup"] + o["seconds"] + o["drain"],
    )
    stats = bench_load.Stats()
    counted: set[int] = set()
    loops = [bench_load.client_loop(c, stats, window) for c in clients]
    await asyncio.gather(_create_orders(window, o, counted), *loops)
    result = {"clients": len(clients), "seconds": o["seconds"], "warmup_s": o["warmup"]}
    result.update(bench_load.summarize(stats, clients, counted, o["seconds"]))
    for c in clients:
        await c.conn.close()
    out.write("saturation phase …")
    token = clients[0].token
    sat = (host, port)
    max_rps, p50, p99, err = await bench_load.saturate(
        *sat, bench_load.PULL, token, o["sat_conns"], o["sat_seconds"]
    )
    base_rps, bp50, bp99, berr = await bench_load.saturate(
        *sat, bench_load.PING, token, o["sat_conns"], o["sat_seconds"]
    )
    result.update(
        {
            "max_rps": max_rps,
            "max_rps_p50_ms": p50,
            "max_rps_p99_ms": p99,
            "max_rps_errors": err,
            "baseline_rps": base_rps,
            "baseline_p50_ms": bp50,
            "baseline_p99_ms": bp99,
            "baseline_errors": berr,
            "ratio": round(max_rps / base_rps, 3) if base_rps else None,
            "server": f"gunicorn gthread -w {o['workers']} --threads {o['threads']}",
            "cpus": os.cpu_count(),
            "_counted": sorted(counted),
        }
    )
    return result


async def _create_orders(window: bench_load.Window, o: dict, counted: set[int]) -> None:
    """Create an order every ``--order-every`` s from 1 s after start until the window ends."""
    await asyncio.sleep(1.0)
    n = 0
    while time.monotonic() < window.measure_to - 1.0:
        t = time.monotonic()
        order_id = await asyncio.to_thread(_create_one, n, o["validity"])
        if window.inside(t):
            counted.add(order_id)
        n += 1
        await asyncio.sleep(max(0.0, t + o["order_every"] - time.monotonic()))


def _create_one(n: int, validity: int) -> int:
    from django.db import connection

    from orders.services import order_create

    try:
        order = order_create(
            symbol=SYMBOLS[n % 2],
            direction="LONG" if n % 3 else "SHORT",
            time_increment="TEN_MINUTE",
            validity_seconds=validity,
        )
        return order.pk
    finally:
        connection.close()


def _durable_check(counted: list[int]) -> dict:
    """After the run: are the claims durable? (Claim rows for the counted orders.)"""
    from orders.models import Claim
    from orders.services import claims_persist

    claims_persist()  # whatever the worker had not flushed yet
    return {"claims_persisted": Claim.objects.filter(order_id__in=counted).count()}

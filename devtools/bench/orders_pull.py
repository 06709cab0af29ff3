"""The load side of ``bench_pull`` (asyncio, no Django): N clients pulling once per second with a
random phase, reporting what they received; then a saturation phase (back-to-back requests).

Counting rules (docs/event_orders.md): latency, requests and errors are counted for requests
*started* inside the measured window (after warm-up); deliveries are counted for orders created
inside the window, over the whole run plus a drain of a few pulls after it.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from devtools.bench.orders_client import Conn, HttpError, percentile

PULL = "/api/v1/event-orders/pull"
PING = "/api/v1/ping"
EXECUTIONS = "/api/v1/event-orders/{}/executions"


@dataclass
class Window:
    measure_from: float
    measure_to: float
    stop_at: float

    def inside(self, t: float) -> bool:
        return self.measure_from <= t < self.measure_to


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    warmup_errors: int = 0
    reports: int = 0
    report_latencies: list[float] = field(default_factory=list)

    def error(self, window: Window, t: float, kind: str) -> None:
        if t >= window.measure_from:
            self.errors[kind] += 1
        else:
            self.warmup_errors += 1


@dataclass
class Client:
    token: str
    conn: Conn
    received: Counter = field(default_factory=Counter)


async def login_all(host: str, port: int, usernames: list[str], password: str) -> list[Client]:
    """Log every client in (bounded concurrency; logins are not part of the measurement)."""
    sem = asyncio.Semaphore(16)

    async def one(name: str) -> Client:
        async with sem:
            conn = Conn(host, port)
            body = json.dumps({"username": name, "password": password, "device_id": name})
            reply = await conn.request("POST", "/api/v1/auth/login", body.encode())
            if reply.status != 200:
                raise RuntimeError(f"login {name}: {reply.status} {reply.body[:200]!r}")
            token = reply.json()["token"]
            conn.headers["Authorization"] = f"Token {token}"
            return Client(token, conn)

    return list(await asyncio.gather(*(one(n) for n in usernames)))


async def _report(client: Client, order_id: int, stats: Stats, window: Window) -> None:
    failed = random.random() < 0.05
    body = {
        "outcome": "failed" if failed else "placed",
        "binance_order_id": "" if failed else f"bench-{order_id}-{id(client)}",
        "error_code": "93420018" if failed else "",
        "error_message": "Open order number has reached maximum limit" if failed else "",
        "latency_ms": random.randint(80, 400),
    }
    t = time.monotonic()
    try:
        reply = await client.conn.request(
            "POST", EXECUTIONS.format(order_id), json.dumps(body).encode()
        )
    except HttpError:
        stats.error(window, t, "report_transport")
        return
    if reply.status not in (200, 201):
        stats.error(window, t, f"report_{reply.status}")
    stats.reports += 1
    if window.inside(t):
        stats.report_latencies.append(reply.seconds)


async def _pull_once(client: Client, stats: Stats, window: Window) -> None:
    t = time.monotonic()
    try:
        reply = await client.conn.request("GET", PULL)
    except HttpError:
        stats.error(window, t, "pull_transport")
        return
    if window.inside(t):
        stats.requests += 1
        stats.latencies.append(reply.seconds)
    if reply.status != 200:
        stats.error(window, t, f"pull_{reply.status}")
        return
    for order in reply.json()["orders"]:
        client.received[order["id"]] += 1
        await _report(client, order["id"], stats, window)


async def client_loop(client: Client, stats: Stats, window: Window) -> None:
    """Pull once per second (random phase) until ``stop_at``."""
    await asyncio.sleep(random.random())
    tick = time.monotonic()
    while tick < window.stop_at:
        await _pull_once(client, stats, window)
        tick += 1.0
        await asyncio.sleep(max(0.0, tick - time.monotonic()))


async def saturate(host: str, port: int, path: str, token: str, conns: int, seconds: float):
    """Back-to-back requests on ``conns`` connections; returns (rps, p50_ms, p99_ms, errors)."""
    latencies: list[float] = []
    errors = 0
    end = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal errors
        conn = Conn(host, port, headers={"Authorization": f"Token {token}"})
        while time.monotonic() < end:
            try:
                reply = await conn.request("GET", path)
            except HttpError:
                errors += 1
                continue
            if reply.status != 200:
                errors += 1
            latencies.append(reply.seconds)
        await conn.close()

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(conns)))
    elapsed = time.monotonic() - started
    latencies.sort()
    return (
        round(len(latencies) / elapsed, 1),
        round(percentile(latencies, 50) * 1000, 2),
        round(percentile(latencies, 99) * 1000, 2),
        errors,
    )


def summarize(stats: Stats, clients: list[Client], counted: set[int], seconds: float) -> dict:
    """The JSON figures of the steady phase."""
    lat = sorted(stats.latencies)
    deliveries = sum(c.received[o] for c in clients for o in counted)
    unique = sum(1 for c in clients for o in counted if c.received[o])
    expected = len(counted) * len(clients)
    return {
        "requests": stats.requests,
        "rps": round(stats.requests / seconds, 1),
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p95_ms": round(percentile(lat, 95) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "max_ms": round(lat[-1] * 1000, 2) if lat else 0.0,
        "errors": sum(stats.errors.values()),
        "errors_by_kind": dict(stats.errors),
        "warmup_errors": stats.warmup_errors,
        "orders_counted": len(counted),
        "expected_deliveries": expected,
        "deliveries": deliveries,
        "duplicates": deliveries - unique,
        "missed": expected - unique,
        "reports": stats.reports,
        "report_p99_ms": round(percentile(sorted(stats.report_latencies), 99) * 1000, 2),
    }

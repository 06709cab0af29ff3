"""Throughput of the simulator for signed MARKET orders (``manage.py bench_sim``).

Starts the simulator in a subprocess (uvicorn + uvloop + httptools, one process), creates one
account per client, then runs N keep-alive HTTP/1.1 clients that each send signed
``POST /api/v3/order`` (MARKET, alternately BUY and SELL by ``quoteOrderQty``) back to back. The
client is a lean asyncio stream client on purpose: httpx spends more CPU per request than the
simulator does, and on 2 cores the bench must not measure its own client.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from backoffice.embedded_redis import free_port
from devtools.sim_process import running_sim

WARMUP_S = 0.5


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


class OrderClient:
    """One keep-alive connection sending signed MARKET orders for one account."""

    def __init__(self, host: str, port: int, api_key: str, secret: str) -> None:
        self.host, self.port = host, port
        self.key = api_key.encode()
        self.secret = secret.encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def request(self, side: str) -> bytes:
        query = (
            f"symbol=BTCUSDT&side={side}&type=MARKET&quoteOrderQty=20"
            f"&timestamp={int(time.time() * 1000)}"
        ).encode()
        signature = hmac.new(self.secret, query, hashlib.sha256).hexdigest().encode()
        return (
            b"POST /api/v3/order?" + query + b"&signature=" + signature + b" HTTP/1.1\r\n"
            b"Host: sim\r\nX-MBX-APIKEY: " + self.key + b"\r\nContent-Length: 0\r\n\r\n"
        )

    async def order(self, side: str) -> int:
        assert self.reader is not None and self.writer is not None
        self.writer.write(self.request(side))
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return int(head[9:12])

    async def run(self, until: float, measure_from: float, stats: Stats) -> None:
        await self.connect()
        side = "BUY"
        while time.perf_counter() < until:
            started = time.perf_counter()
            status = await self.order(side)
            if started >= measure_from:
                if status == 200:
                    stats.latencies.append(time.perf_counter() - started)
                else:
                    stats.errors += 1
            side = "SELL" if side == "BUY" else "BUY"
        assert self.writer is not None
        self.writer.close()


async def run_clients(
    host: str, port: int, accounts: list[dict[str, Any]], seconds: float
) -> Stats:
    stats = Stats()
    start = time.perf_counter()
    measure_from = start + WARMUP_S
    until = measure_from + seconds
    clients = [OrderClient(host, port, a["api_key"], a["api_secret"]) for a in accounts]
    await asyncio.gather(*(c.run(until, measure_from, stats) for c in clients))
    return stats


def create_accounts(url: str, count: int) -> list[dict[str, Any]]:
    balances = {"USDT": "1000000000", "BTC": "10000"}
    with httpx.Client(base_url=url, timeout=10) as client:
        return [
            client.post("/sim/binance/accounts", json={"balances": balances})
            .raise_for_status()
            .json()
            for _ in range(count)
        ]


def summarize(stats: Stats, seconds: float, clients: int) -> dict[str, Any]:
    latencies = sorted(stats.latencies)
    count = len(latencies)
    p99 = latencies[min(count - 1, int(count * 0.99))] if count else 0.0
    return {
        "orders": count,
        "seconds": seconds,
        "orders_per_s": round(count / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 3) if count else 0.0,
        "p99_ms": round(p99 * 1000, 3),
        "errors": stats.errors,
        "clients": clients,
    }


def bench(clients: int = 50, seconds: float = 10, url: str | None = None) -> dict[str, Any]:
    """Run the benchmark against ``url``, or against a fresh simulator subprocess."""
    if url:
        return _bench_url(url, clients, seconds)
    port = free_port()
    with running_sim(port):
        return _bench_url(f"http://127.0.0.1:{port}", clients, seconds)


def _bench_url(url: str, clients: int, seconds: float) -> dict[str, Any]:
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    accounts = create_accounts(url, clients)
    stats = asyncio.run(run_clients(host, int(port), accounts, seconds))
    return summarize(stats, seconds, clients)

"""``manage.py bench_transport`` — client CPU per copy order on the exchange transport.

What a fan-out worker pays to send one copy: N follower clients (one per simulator account, each
with its own connection pool, as ``venues.venue_for`` builds them) place MARKET orders
concurrently through the real connectors (``BinanceSpotClient`` / ``BitgetSpotClient`` →
``trading.exchanges.http``) against the simulator on loopback. The simulator runs in its own
process, so this process's CPU time (``time.process_time``: every thread) is the client's alone:
signing, the transport, parsing. Figures are per order, at each concurrency asked for.

``--raw`` measures the transport alone: N ``HttpTransport`` instances POST an unsigned order
(the simulator answers 4xx, returned as a reply like any venue error) — no signing, no parsing.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from backoffice.embedded_redis import free_port
from devtools.bench.calibration import calibration_s
from devtools.sim_process import start_sim, stop_sim
from trading.exchanges.base import SpotVenue

ROOT = Path(__file__).resolve().parents[2]
SYMBOL = "BTCUSDT"
ORDER_QUOTE = Decimal("20")


@dataclass(frozen=True)
class Options:
    concurrency: tuple[int, ...] = (10, 100)
    rounds: int = 20
    venue: str = "binance"
    port: int = 0
    raw: bool = False


def make_clients(sim_url: str, venue: str, n: int) -> list[SpotVenue]:
    """``n`` simulator accounts of ``venue`` (rich in USDT) and one connector client each."""
    from trading.exchanges.binance_spot.client import BinanceSpotClient
    from trading.exchanges.bitget.client import BitgetSpotClient

    clients: list[SpotVenue] = []
    rules: dict[str, Any] = {}
    with httpx.Client(base_url=sim_url, timeout=10) as control:
        control.post("/sim/prices", json={"prices": {SYMBOL: "60000"}}).raise_for_status()
        for _ in range(n):
            got = control.post(
                f"/sim/{venue}/accounts", json={"balances": {"USDT": "100000000"}}
            ).json()
            if venue == "binance":
                clients.append(
                    BinanceSpotClient(
                        got["api_key"], got["api_secret"], env="sim", rules_cache=rules
                    )
                )
            else:
                client = BitgetSpotClient(
                    got["api_key"],
                    got["api_secret"],
                    got["passphrase"],
                    env="sim",
                    rules_cache=rules,
                )
                clients.append(client)
    return clients


class RawPoster:
    """The transport alone: one ``HttpTransport`` POSTing an unsigned order (answered 4xx)."""

    def __init__(self, url: str) -> None:
        from trading.exchanges.binance_spot.constants import ORDER
        from trading.exchanges.http import HttpTransport
        from trading.exchanges.ratelimit import RateLimiter

        self.http = HttpTransport(url, venue="bench", limiter=RateLimiter(1_000_000))
        self.path = ORDER  # Binance's place-order path: the transport's cost, whatever it answers

    async def market_buy_quote(self, symbol: str, quote: Decimal, cid: str) -> int:
        reply = await self.http.request("POST", self.path, query=f"symbol={symbol}")
        return reply.status_code

    async def close(self) -> None:
        await self.http.close()


async def place_round(clients: list[Any], tag: str) -> int:
    """One concurrent order per client; returns how many were acknowledged."""
    calls = [c.market_buy_quote(SYMBOL, ORDER_QUOTE, f"bt{tag}x{i}") for i, c in enumerate(clients)]
    got = await asyncio.gather(*calls, return_exceptions=True)
    return sum(1 for g in got if not isinstance(g, BaseException))


async def measure(clients: list[Any], rounds: int) -> dict[str, Any]:
    """Warm every client (clock, rules, one order: a pooled connection), then time ``rounds``."""
    await place_round(clients, "w")
    cpu0, wall0 = time.process_time(), time.perf_counter()
    ok = 0
    walls = []
    for r in range(rounds):
        started = time.perf_counter()
        ok += await place_round(clients, str(r))
        walls.append(time.perf_counter() - started)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    sent = rounds * len(clients)
    for c in clients:
        await c.close()
    return {
        "concurrency": len(clients),
        "orders": sent,
        "acknowledged": ok,
        "client_cpu_ms_per_order": round(1000 * cpu / sent, 3),
        "round_wall_ms_median": round(1000 * statistics.median(walls), 1),
        "wall_s": round(wall, 2),
    }


def run(o: Options) -> dict[str, Any]:
    """The whole benchmark; the simulator is stopped by its PID."""
    from trading.exchanges import http

    port = o.port or free_port()
    sim = start_sim(port)
    os.environ["FLEET_SIM_URL"] = f"http://127.0.0.1:{port}"  # the connectors' ``sim`` row
    try:
        calibration = calibration_s()
        results = []
        for n in o.concurrency:
            url = f"http://127.0.0.1:{port}"
            clients = [RawPoster(url) for _ in range(n)] if o.raw else make_clients(url, o.venue, n)
            results.append(asyncio.run(measure(clients, o.rounds)))
    finally:
        stop_sim(sim)
    return {
        "transport": http.LIBRARY,
        "venue": "raw POST (transport only)" if o.raw else o.venue,
        "calibration_s": calibration,
        "results": results,
    }

"""The load side of ``bench_push`` (asyncio, no Django): N WebSocket clients that behave like the
desktop core on push — take each pushed order, acknowledge it at once, report it and time the
durable answer.

Counting rules (docs/event_orders.md, "Benchmark: bench_push"): delivery latency is from the
order's commit (stamped by the creator, same clock) to the moment the client's loop decoded the
frame holding it; the first receipt of an (order, client) pair counts, any further one is a
duplicate; reports are timed from sending the frame to reading its ``reported`` answer.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from devtools.bench.orders_client import percentile


@dataclass
class PushStats:
    receipts: dict[int, list[float]] = field(default_factory=dict)  # order → first receipts
    report_latencies: list[float] = field(default_factory=list)
    report_errors: Counter = field(default_factory=Counter)
    disconnects: int = 0
    disconnect_reasons: Counter = field(default_factory=Counter)


@dataclass
class PushClient:
    token: str
    url: str
    received: Counter = field(default_factory=Counter)
    sent_at: dict[str, float] = field(default_factory=dict)  # report ref → when sent


async def connect_all(clients: list[PushClient], concurrency: int = 50) -> list:
    """Open every socket (bounded concurrency; not part of the measurement)."""
    sem = asyncio.Semaphore(concurrency)

    async def one(client: PushClient):
        async with sem:
            ws = await connect(
                client.url,
                additional_headers={"Authorization": f"Token {client.token}"},
                compression=None,
                proxy=None,
                open_timeout=30,
                max_queue=None,
            )
            json.loads(await ws.recv())  # hello
            return ws

    return list(await asyncio.gather(*(one(c) for c in clients)))


async def client_loop(client: PushClient, ws, stats: PushStats, stop_at: float) -> None:
    """Read frames until ``stop_at``: ack and report each order, time the answers."""
    refs = 0
    pending: set[asyncio.Task] = set()
    try:
        while True:
            timeout = stop_at - time.monotonic()
            if timeout <= 0:
                return
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout)
            except TimeoutError:
                return
            now = time.time()
            frame = json.loads(raw)
            kind = frame["type"]
            if kind == "orders":
                for order in frame["orders"]:
                    client.received[order["id"]] += 1
                    if client.received[order["id"]] == 1:  # first receipt of this pair
                        stats.receipts.setdefault(order["id"], []).append(now)
                # Answered in a task of its own: every client of this turn of the loop stamps
                # its receipt first, so one client's sends do not count in the next one's latency.
                refs += len(frame["orders"])
                task = asyncio.create_task(_answer(client, ws, frame["orders"], refs))
                pending.add(task)
                task.add_done_callback(pending.discard)
            elif kind == "reported":
                stats.report_latencies.append(
                    time.perf_counter() - client.sent_at.pop(frame["ref"])
                )
            elif kind == "error":
                stats.report_errors[frame.get("code", "?")] += 1
    except (WebSocketException, OSError) as exc:
        stats.disconnects += 1
        stats.disconnect_reasons[f"{type(exc).__name__}: {exc}"[:80]] += 1


async def _answer(client: PushClient, ws, orders: list[dict], last_ref: int) -> None:
    """Acknowledge the frame's deliveries, then report each order (as the desktop core does)."""
    try:
        await ws.send(json.dumps({"type": "ack", "ids": [o["delivery_id"] for o in orders]}))
        for n, order in enumerate(orders):
            ref = f"r{last_ref - len(orders) + n + 1}"
            client.sent_at[ref] = time.perf_counter()
            await ws.send(json.dumps(_report(order["id"], ref)))
    except (WebSocketException, OSError):
        return  # counted by the reading loop


def _report(order_id: int, ref: str) -> dict:
    failed = random.random() < 0.05
    body = {
        "outcome": "failed" if failed else "placed",
        "binance_order_id": "" if failed else f"bench-{order_id}-{ref}",
        "error_code": "93420018" if failed else "",
        "latency_ms": random.randint(80, 400),
    }
    return {"type": "report", "ref": ref, "order_id": order_id, "report": body}


def summarize(stats: PushStats, clients: list[PushClient], committed: dict[int, float]) -> dict:
    """Figures over the counted orders (``committed``: order → commit time)."""
    per_pair = sorted(
        t - committed[order_id] for order_id in committed for t in stats.receipts.get(order_id, [])
    )
    deliveries = sum(c.received[o] for c in clients for o in committed)
    unique = sum(1 for c in clients for o in committed if c.received[o])
    expected = len(committed) * len(clients)
    reports = sorted(stats.report_latencies)
    return {
        "orders_counted": len(committed),
        "expected_deliveries": expected,
        "deliveries": deliveries,
        "duplicates": deliveries - unique,
        "missed": expected - unique,
        "delivery_p50_ms": round(percentile(per_pair, 50) * 1000, 2),
        "delivery_p99_ms": round(percentile(per_pair, 99) * 1000, 2),
        "delivery_max_ms": round(per_pair[-1] * 1000, 2) if per_pair else 0.0,
        "reports": len(reports),
        "report_p50_ms": round(percentile(reports, 50) * 1000, 2),
        "report_p99_ms": round(percentile(reports, 99) * 1000, 2),
        "report_errors": dict(stats.report_errors),
        "disconnects": stats.disconnects,
        "disconnect_reasons": dict(stats.disconnect_reasons.most_common(5)),
    }

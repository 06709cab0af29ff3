"""Sending a chunk's copies: every order placed concurrently on the process's venue loop
(``loop.run``), each through ``executor.send_copy`` (exactly once: an unknown outcome is looked up,
never re-sent), and the outcomes handed back in batches as they arrive — a follower waiting out a
429 does not hold the others' results back."""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass

from trading.copytrade.models import CopyExecution
from trading.copytrade.services.executor import SendOutcome, send_copy
from trading.exchanges import loop
from trading.exchanges.base import SpotVenue

log = logging.getLogger("fleet.copytrade.fanout")

FLUSH_S = 0.2  # results acknowledged this long ago are recorded even if others still wait
SEND_TIMEOUT_S = 80.0
RECONCILE_BACKOFF_S = 0.25


@dataclass
class Send:
    """One order to place (or to find first, when a previous run may have sent it)."""

    row: CopyExecution
    client: SpotVenue
    maybe_sent: bool


Result = tuple[Send, SendOutcome]


def send_all(
    sends: list[Send], record: Callable[[list[Result]], None], label: str = ""
) -> int | None:
    """Place every order concurrently and call ``record(batch)`` with the outcomes as they come
    (a batch is at most ``FLUSH_S`` old). Returns the newest acknowledgement (epoch ms)."""
    if not sends:
        return None
    results: queue.Queue[Result] = queue.Queue()
    left = len(loop.run(_launch(sends, results), timeout=30))
    batch: list[Result] = []
    first_at, newest = 0.0, 0
    deadline = time.monotonic() + SEND_TIMEOUT_S
    while left:
        wait = FLUSH_S - (time.monotonic() - first_at) if batch else deadline - time.monotonic()
        try:
            item = results.get(timeout=max(0.0, wait))
            if not batch:
                first_at = time.monotonic()
            batch.append(item)
            left -= 1
            newest = max(newest, item[1].ack_ms)
            if left and time.monotonic() - first_at < FLUSH_S:
                continue
        except queue.Empty:
            if not batch:
                log.error("fan-out %s: %d copies still unanswered", label, left)
                break
        record(batch)
        batch = []
    if batch:
        record(batch)
    return newest or None


async def _launch(
    sends: list[Send], results: queue.Queue[Result]
) -> list[asyncio.Task[SendOutcome]]:
    """Start every copy on the venue loop; each reports to ``results`` when it is done."""
    tasks = []
    for s in sends:
        coro = send_copy(
            s.client,
            s.row.side,
            s.row.requested,
            s.row.client_order_id,
            maybe_sent=s.maybe_sent,
            reconcile_backoff=RECONCILE_BACKOFF_S,
        )
        task = asyncio.create_task(coro)
        task.add_done_callback(functools.partial(_report, results, s))
        tasks.append(task)
    return tasks


def _report(results: queue.Queue[Result], send: Send, task: asyncio.Task[SendOutcome]) -> None:
    results.put((send, _outcome(task)))


def _outcome(task: asyncio.Task[SendOutcome]) -> SendOutcome:
    if task.cancelled():
        return SendOutcome("UNKNOWN", error="cancelled", ack_ms=_now_ms())
    exc = task.exception()
    if exc is not None:
        return SendOutcome("UNKNOWN", error=f"{type(exc).__name__}: {exc}", ack_ms=_now_ms())
    return task.result()


def _now_ms() -> int:
    return int(time.time() * 1000)

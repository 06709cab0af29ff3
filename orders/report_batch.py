"""Execution reports committed in groups, each acknowledged only once it is durable.

In the second after an order goes out every trader's client reports it (1,000 reports). One
INSERT and one commit each would make the database's log flush the limit; instead every report
joins the current batch (:meth:`ReportWriter.submit`), one writer thread per process writes the
batch as ONE multi-row ``INSERT IGNORE`` (autocommit: committed when it returns), reads back which
rows it stored, and only then resolves each sender's future. So the caller (the HTTP hot path,
the Django view, the push process) answers after the commit, never before.

Batching is group commit: the writer takes whatever is queued (up to :data:`MAX_ROWS`), waits at
most :data:`WAIT_S` for more, writes, and repeats. Alone, a report waits ≤ ``WAIT_S`` extra; under
a burst the reports that arrive while one batch is being written form the next.

"First report wins" stays exact: the unique (order, trader) pair refuses a second row, and a row
is ours (201) when the stored row carries this batch's ``reported_at`` (microseconds; the clock
of one process never repeats it across batches — see :meth:`ReportWriter._stamp`); anything else
is a repeat (200 with the stored report). A pair missing after the INSERT means the order was
deleted (the foreign key refused it): ``not_found``.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from concurrent.futures import Future
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, connection
from django.utils import timezone

from accounts.models import Trader
from kernel.refusals import Refused
from orders.errors import NOT_FOUND, UNAVAILABLE
from orders.models import EventOrder, ExecutionReport

log = logging.getLogger("fleet.orders.reports")

MAX_ROWS = 500
WAIT_S = 0.002
ANSWER_TIMEOUT_S = 10.0  # a caller waiting longer answers 503 (the client re-sends: idempotent)

Written = tuple[ExecutionReport, bool]  # (stored row, created by this report)


class ReportWriter:
    """One per process (:func:`writer`): a queue of (row, future) and the thread that writes."""

    def __init__(self, max_rows: int = MAX_ROWS, wait_s: float = WAIT_S) -> None:
        self.max_rows, self.wait_s = max_rows, wait_s
        self._queue: queue.SimpleQueue[tuple[ExecutionReport, Future[Written]]] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._last_stamp: datetime | None = None
        self.batches = 0  # written so far (benchmarks and tests read it)

    def submit(self, row: ExecutionReport) -> Future[Written]:
        """Queue ``row`` for the next batch; the future resolves after its commit."""
        self._ensure_thread()
        future: Future[Written] = Future()
        self._queue.put((row, future))
        return future

    def write(self, row: ExecutionReport, timeout: float = ANSWER_TIMEOUT_S) -> Written:
        """Submit and wait for the durable answer (``Refused``: not found / unavailable)."""
        try:
            return self.submit(row).result(timeout)
        except TimeoutError:
            raise Refused(UNAVAILABLE) from None

    def _ensure_thread(self) -> None:
        """Start the writer in this process (after a fork the parent's thread is not here)."""
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="report-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self._collect()
            try:
                self._answer(batch, self._store([row for row, _f in batch]))
            except Exception as exc:  # the database is down: every sender hears 503
                log.warning("report batch of %d not written: %s", len(batch), exc)
                for _row, future in batch:
                    future.set_exception(Refused(UNAVAILABLE))
            self.batches += 1

    def _collect(self) -> list[tuple[ExecutionReport, Future[Written]]]:
        batch = [self._queue.get()]
        deadline = time.monotonic() + self.wait_s
        while len(batch) < self.max_rows:
            try:
                batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _stamp(self) -> datetime:
        """This batch's ``reported_at``: now, but always after the previous batch's."""
        now = timezone.now()
        if self._last_stamp is not None and now <= self._last_stamp:
            now = self._last_stamp + timedelta(microseconds=1)
        self._last_stamp = now
        return now

    def _store(self, rows: list[ExecutionReport]) -> dict[tuple[int, int], ExecutionReport]:
        """One multi-row ``INSERT IGNORE`` (first of each pair in the batch), then one SELECT of
        the stored rows of these pairs. Retried once on a lost connection (idempotent)."""
        stamp = self._stamp()
        first: dict[tuple[int, int], ExecutionReport] = {}
        for row in rows:
            row.reported_at = stamp
            first.setdefault((row.order_id, row.trader_id), row)
        for attempt in (1, 2):
            try:
                return self._insert_and_read(list(first.values()))
            except DatabaseError:
                if attempt == 2:
                    raise
                connection.close()  # reconnect on the next query
        raise AssertionError("unreachable")

    def _insert_and_read(
        self, rows: list[ExecutionReport]
    ) -> dict[tuple[int, int], ExecutionReport]:
        close_old_connections()
        orders = {r.order_id for r in rows}
        traders = {r.trader_id for r in rows}
        try:
            ExecutionReport.objects.bulk_create(rows, ignore_conflicts=True)
        except IntegrityError:  # SQLite: OR IGNORE skips duplicates but not a missing order
            live = set(EventOrder.objects.filter(pk__in=orders).values_list("pk", flat=True))
            who = set(Trader.objects.filter(pk__in=traders).values_list("pk", flat=True))
            kept = [r for r in rows if r.order_id in live and r.trader_id in who]
            ExecutionReport.objects.bulk_create(kept, ignore_conflicts=True)
        stored = ExecutionReport.objects.filter(order_id__in=orders, trader_id__in=traders)
        return {(r.order_id, r.trader_id): r for r in stored}

    def _answer(
        self,
        batch: list[tuple[ExecutionReport, Future[Written]]],
        stored: dict[tuple[int, int], ExecutionReport],
    ) -> None:
        claimed: set[tuple[int, int]] = set()
        for row, future in batch:
            pair = (row.order_id, row.trader_id)
            found = stored.get(pair)
            if found is None:
                future.set_exception(Refused(NOT_FOUND))
                continue
            ours = found.reported_at == row.reported_at and pair not in claimed
            claimed.add(pair)
            future.set_result((found, ours))


_writer = ReportWriter(
    max_rows=settings.FLEET_REPORT_BATCH_ROWS, wait_s=settings.FLEET_REPORT_BATCH_WAIT_MS / 1000
)


def writer() -> ReportWriter:
    """This process's writer."""
    return _writer

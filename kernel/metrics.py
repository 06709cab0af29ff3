"""Prometheus metrics: what the ecosystem's monitoring scrapes from ``GET /metrics``.

Two kinds of series (docs/operations.md lists them all with the alert rules to start with):

* **Counters and histograms** counted where things happen (order created, delivered, reported,
  copy results, pull / report / fan-out latency, login refusals). Gunicorn and Celery run several
  processes, so when ``PROMETHEUS_MULTIPROC_DIR`` is set (the launcher sets it; production sets it
  for web and worker) every process writes its values to files there and a scrape sums them —
  prometheus-client's multiprocess mode. The variable must be set before the process starts.
* **Current state read at scrape time** (clients online, the copy leader's connection, Celery
  queue depth) is collected by the composition root, ``backoffice.metrics_view``: it reads the
  apps, which the kernel may not import.
"""

from __future__ import annotations

import logging
import os
import socket

from prometheus_client import Counter, Histogram, values

log = logging.getLogger("fleet.metrics")
HOST = socket.gethostname()


def process_id(pid: int | None = None) -> str:
    """This process's name in the multiprocess directory: host and pid, because web and worker
    containers share the directory and each container numbers its processes from 1."""
    return f"{HOST}-{os.getpid() if pid is None else pid}"


if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # before any metric below is created
    values.ValueClass = values.MultiProcessValue(process_identifier=process_id)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
FANOUT_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0)

EVENT_ORDERS_CREATED = Counter("fleet_event_orders_created", "Event orders created by operators")
EVENT_ORDERS_DELIVERED = Counter(
    "fleet_event_orders_delivered",
    "Event orders handed to a trader's client (an order not yet acknowledged is handed out again)",
)
EVENT_ORDERS_ACKNOWLEDGED = Counter(
    "fleet_event_orders_acknowledged",
    "Deliveries the client acknowledged (journaled) on its pull, the step behind 已分配",
)
EVENT_ORDERS_PLACED = Counter("fleet_event_orders_placed", "Event orders placed on Binance")
EVENT_ORDERS_FAILED = Counter(
    "fleet_event_orders_failed", "Event orders that failed, by reason (error code)", ["reason"]
)
PULL_SECONDS = Histogram(
    "fleet_pull_seconds", "Time to answer one event-order pull", buckets=LATENCY_BUCKETS
)
REPORT_SECONDS = Histogram(
    "fleet_report_seconds", "Time to answer one execution report", buckets=LATENCY_BUCKETS
)
COPY_FANOUT_SECONDS = Histogram(
    "fleet_copy_fanout_seconds",
    "Leader fill reaching Fleet → last follower acknowledgement, per leader event",
    buckets=FANOUT_BUCKETS,
)
COPIES = Counter("fleet_copies", "Follower copies by result", ["result"])
LOGIN_REFUSALS = Counter("fleet_login_refusals", "Client login refusals by code", ["code"])

KNOWN_REASONS = 40  # failure reasons are venue codes: cap the label set, the rest is "other"
_reasons: set[str] = set()


def reason_label(code: str) -> str:
    """A bounded label value for a failure reason (unbounded labels would explode the series)."""
    code = (code or "unknown")[:64]
    if code in _reasons or len(_reasons) < KNOWN_REASONS:
        _reasons.add(code)
        return code
    return "other"


def report_counted(outcome: str, error_code: str) -> None:
    """One new execution report: placed or failed (by reason)."""
    if outcome == "placed":
        EVENT_ORDERS_PLACED.inc()
    elif outcome == "failed":
        EVENT_ORDERS_FAILED.labels(reason_label(error_code)).inc()


def safely(fn, *args) -> None:
    """Metrics never break the path they observe."""
    try:
        fn(*args)
    except Exception:
        log.debug("metric update failed", exc_info=True)

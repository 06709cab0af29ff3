"""Prometheus metrics: what the ecosystem's monitoring scrapes from ``GET /metrics``.

Two kinds of series (docs/operations.md lists them all with the alert rules to start with):

* **Counters and histograms** counted where things happen (order created, delivered, reported,
  copy results, pull / report / fan-out latency, login refusals). Gunicorn and Celery run several
  processes, so when ``PROMETHEUS_MULTIPROC_DIR`` is set (the launcher sets it; production sets it
  for web and worker) every process writes its values to files there and a scrape sums them —
  prometheus-client's multiprocess mode. The variable must be set before the process starts.
* **Current state read at scrape time** from Redis (clients online, the copy leader's connection,
  Celery queue depth): one source of truth, correct whichever process answers the scrape.

Protection: ``/metrics`` answers a bearer token (``METRICS_TOKEN``) or, without one, only callers
from ``METRICS_ALLOWED_NETS`` (loopback and private networks by default).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import socket
import time
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

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


# --- state read at scrape time -------------------------------------------------------------------
LEADER_STATES = ("connecting", "connected", "disconnected", "stalled", "unknown")


class StateCollector(Collector):
    """Clients online, the copy leader's connection state and Celery queue depth, from Redis."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from _online()
        yield from _leader()
        yield from _queues()

    def describe(self) -> list:
        return []  # read at scrape time only (no Redis call when registered)


def _online() -> Iterator[GaugeMetricFamily]:
    from backoffice.runtime_config import config_get
    from orders import delivery

    try:
        value = delivery.online_count(time.time(), int(config_get("online_window_s")))
    except Exception:
        log.warning("metrics: online count unavailable", exc_info=True)
        return
    yield GaugeMetricFamily(
        "fleet_clients_online", "Desktop clients that pulled within the online window", value
    )


def _leader() -> Iterator[GaugeMetricFamily]:
    from trading.copytrade.selectors import leader_connection

    try:
        state = leader_connection().state
    except Exception:
        log.warning("metrics: leader connection unavailable", exc_info=True)
        return
    family = GaugeMetricFamily(
        "fleet_copy_leader_connected",
        "Copy leader user-data stream state (1 for the current state)",
        labels=["state"],
    )
    for known in LEADER_STATES:
        family.add_metric([known], 1.0 if state == known else 0.0)
    yield family


def _queues() -> Iterator[GaugeMetricFamily]:
    from backoffice.redis import get_redis

    family = GaugeMetricFamily(
        "fleet_celery_queue_depth", "Tasks waiting in each Celery queue", labels=["queue"]
    )
    try:
        for queue in celery_queues():
            family.add_metric([queue], float(get_redis().llen(queue)))
    except Exception:
        log.warning("metrics: queue depth unavailable", exc_info=True)
        return
    yield family


def celery_queues() -> list[str]:
    """The queues our workers consume (the default one unless routes add more)."""
    from django.conf import settings

    default = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    extra = getattr(settings, "METRICS_CELERY_QUEUES", [])
    return sorted({default, *extra})


def registry() -> CollectorRegistry:
    """The scrape's registry: every process's counters (multiprocess mode) plus the state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        MultiProcessCollector(combined)
    else:
        combined = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):  # this process's own metrics
            combined.register(collector)
    combined.register(StateCollector())
    return combined


def exposition() -> tuple[bytes, str]:
    """(body, content type) of one scrape."""
    return generate_latest(registry()), CONTENT_TYPE_LATEST


# --- who may scrape ------------------------------------------------------------------------------
def allowed(remote_addr: str, authorization: str, token: str, nets: list[str]) -> bool:
    """A configured token must be presented; with none, only the allowed networks may scrape."""
    if token:
        given = authorization.removeprefix("Bearer ").strip()
        return bool(given) and secrets.compare_digest(given, token)
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in nets)

"""``GET /metrics``: the Prometheus exposition, for the monitoring only.

The counters and histograms are counted where things happen (``kernel.metrics``); the current
state (clients online, the copy leader's connection, Celery queue depth) is read here at scrape
time from Redis: one source of truth, correct whichever process answers the scrape. It reads the
apps, so it lives in the composition root, not in the kernel.

Protection: ``/metrics`` answers a bearer token (``METRICS_TOKEN``) or, without one, only callers
from ``METRICS_ALLOWED_NETS`` (loopback and private networks by default).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import time
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

log = logging.getLogger("fleet.metrics")


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_AUTHORIZATION", ""),
        settings.METRICS_TOKEN,
        settings.METRICS_ALLOWED_NETS,
    ):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)


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
    from kernel.runtime_config import config_get
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
    from kernel.redis import get_redis

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

"""``GET /metrics``: the Prometheus exposition parses and carries the listed series, counts what
happened (orders created / delivered / acknowledged / placed / failed by reason, pull and report
latency, login refusals), reads live state from Redis, sums counters across processes
(multiprocess mode, as under gunicorn and Celery), and refuses outsiders."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from accounts.services import session_login
from kernel.refusals import Refused
from orders import hotpath
from tests.orders.test_hotpath import call

ROOT = Path(__file__).resolve().parents[2]
SERIES = {
    "fleet_clients_online": "gauge",
    "fleet_event_orders_created": "counter",
    "fleet_event_orders_delivered": "counter",
    "fleet_event_orders_acknowledged": "counter",
    "fleet_event_orders_placed": "counter",
    "fleet_event_orders_failed": "counter",
    "fleet_pull_seconds": "histogram",
    "fleet_report_seconds": "histogram",
    "fleet_copy_fanout_seconds": "histogram",
    "fleet_copies": "counter",
    "fleet_copy_leader_connected": "gauge",
    "fleet_celery_queue_depth": "gauge",
    "fleet_login_refusals": "counter",
}


def scrape(client, **extra) -> dict[str, object]:
    reply = client.get("/metrics", **extra)
    assert reply.status_code == 200, reply.content
    assert reply["Content-Type"].startswith("text/plain; version=")
    return {f.name: f for f in text_string_to_metric_families(reply.content.decode())}


def value(families, name: str, suffix: str = "_total", **labels) -> float:
    for sample in families[name].samples:
        if sample.name == name + suffix and all(
            sample.labels.get(k) == v for k, v in labels.items()
        ):
            return sample.value
    return 0.0


@pytest.fixture
def no_flush(monkeypatch):
    monkeypatch.setattr(hotpath, "_schedule_flush", lambda: None)


@pytest.mark.django_db(transaction=True)
def test_every_listed_series_is_served_and_counts(client, make_trader, make_order, no_flush):
    before = scrape(client)
    assert {name: before[name].type for name in SERIES} == SERIES
    alice, bob = make_trader(), make_trader()
    order = make_order()
    for who in (alice, bob):  # a pull delivers; the next pull acknowledges (journaled)
        delivered = call("GET", hotpath.PULL_PATH, who.token)[2]["orders"]
        ack = {"QUERY_STRING": f"ack={delivered[0]['delivery_id']}"}
        call("GET", hotpath.PULL_PATH, who.token, **ack)
    path = f"/api/v1/event-orders/{order.pk}/executions"
    call(
        "POST", path, alice.token, {"outcome": "placed", "binance_order_id": "E-1", "amount": "10"}
    )
    failed = {"outcome": "failed", "error_code": "binance_93420002", "error_message": "x"}
    call("POST", path, bob.token, failed)
    with pytest.raises(Refused):
        session_login(username=alice.trader.username, password="wrong", device_id="d", ip=None)
    after = scrape(client)

    def grew(name, suffix="_total", **labels):
        return value(after, name, suffix, **labels) - value(before, name, suffix, **labels)

    assert grew("fleet_event_orders_created") == 1
    assert grew("fleet_event_orders_delivered") == 2
    assert grew("fleet_event_orders_acknowledged") == 2
    assert grew("fleet_event_orders_placed") == 1
    assert grew("fleet_event_orders_failed", reason="binance_93420002") == 1
    assert grew("fleet_pull_seconds", "_count") == 4
    assert grew("fleet_report_seconds", "_count") == 2
    assert grew("fleet_login_refusals", code="invalid_credentials") == 1
    assert value(after, "fleet_clients_online", "") == 2
    assert value(after, "fleet_copy_leader_connected", "", state="unknown") == 1
    assert value(after, "fleet_celery_queue_depth", "", queue="celery") >= 0


@pytest.mark.django_db
def test_outsiders_are_refused(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 403
    with override_settings(METRICS_TOKEN="s3cret-token"):
        assert client.get("/metrics").status_code == 403  # a token, once set, is required
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 403
        scrape(client, REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer s3cret-token")


COUNT = "from kernel import metrics; metrics.EVENT_ORDERS_CREATED.inc({n}); metrics.COPIES.labels('filled').inc({n})"
SCRAPE = textwrap.dedent(
    """
    import django; django.setup()
    from backoffice import metrics_view
    print(metrics_view.exposition()[0].decode())
    """
)


def test_counters_are_summed_across_processes(tmp_path):
    """Two worker processes count, a third (the one answering the scrape) sees the sum."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "backoffice.settings.test",
    }
    for n in (2, 3):
        subprocess.run([sys.executable, "-c", COUNT.format(n=n)], env=env, check=True, cwd=ROOT)
    out = subprocess.run(
        [sys.executable, "-c", SCRAPE],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    families = {f.name: f for f in text_string_to_metric_families(out)}
    assert value(families, "fleet_event_orders_created") == 5
    assert value(families, "fleet_copies", result="filled") == 5
    # files are named by host and pid: web and worker containers share the directory and each
    # container numbers its processes from 1
    names = [p.name for p in tmp_path.glob("counter_*.db")]
    assert len(names) >= 2 and all(n.startswith(f"counter_{socket.gethostname()}-") for n in names)

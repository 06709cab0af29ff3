"""After MariaDB drops a connection (restart, failover, ``wait_timeout`` after a quiet night) the
next execution report on that thread succeeds or answers 503 ``service_unavailable`` — never an
exception (a 500 from gunicorn), and the thread is not stuck with the dead connection.

Gunicorn's threads keep their connection between requests (``CONN_MAX_AGE``); the test does the
same: one worker thread serves every report through the WSGI entry, and the test ``KILL``s that
thread's server-side connection in between."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from orders import hotpath
from tests.orders.test_hotpath import PLACED, call

pytestmark = pytest.mark.skipif(
    connection.vendor != "mysql", reason="KILLs a MariaDB connection (TEST_DATABASE_URL=mysql://…)"
)


def _connection_id() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        return cursor.fetchone()[0]


def _kill(connection_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"KILL {int(connection_id)}")


@pytest.fixture
def gunicorn_thread(monkeypatch):
    """One thread that keeps its database connection between requests, as gunicorn's do."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 600)
    pool = ThreadPoolExecutor(max_workers=1)
    yield pool
    pool.submit(connections.close_all).result()
    pool.shutdown()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kills", [1, 2])
def test_a_killed_connection_is_replaced_not_a_500(
    make_trader, make_order, monkeypatch, gunicorn_thread, kills
):
    monkeypatch.setattr(hotpath, "_schedule_flush", lambda: None)
    alice = make_trader()
    order = make_order()
    call("GET", hotpath.PULL_PATH, alice.token)
    path = f"/api/v1/event-orders/{order.pk}/executions"

    def report():
        return call("POST", path, alice.token, PLACED)[:3:2]

    assert gunicorn_thread.submit(report).result()[0] == 201
    for _ in range(kills):
        _kill(gunicorn_thread.submit(_connection_id).result())
        status, body = gunicorn_thread.submit(report).result()  # raised before the fix
        assert status in (200, 503), body
        if status == 503:
            assert body["code"] == "service_unavailable"
    status, body = gunicorn_thread.submit(report).result()
    assert status == 200 and body["outcome"] == "placed"  # the thread is not stuck

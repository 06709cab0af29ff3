"""With Redis or the database down, every API endpoint answers 503 ``{code, message}`` JSON —
login, ``/auth/me``, settings, operator login, ``/status`` and ``/accounts`` answered 500 HTML —
and nothing is half-written (no session row for a login that failed).

Redis: a throw-away ``redis-server`` on a free loopback port, stopped mid-test. The database: the
connection settings pointed at a closed loopback port (what a stopped server looks like)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from accounts.models import AuditEvent, ClientSession
from accounts.services import session_login, trader_create
from kernel.redis import reset_redis_pool
from orders import hotpath
from tests.orders.test_hotpath import PLACED, call
from tests.trading.copytrade.operator_support import PASSWORD as OP_PASSWORD
from tests.trading.copytrade.operator_support import make_follower, make_operator
from trading.copytrade.services.controls import operator_login

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-123456"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis():
    """A throw-away redis-server the app uses; ``stop()`` takes it down."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "throw-away redis-server did not start"
            time.sleep(0.05)
    cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    with override_settings(REDIS_URL=url, CACHES={"default": cache}):
        reset_redis_pool()

        def stop() -> None:
            proc.terminate()
            proc.wait(10)

        yield stop
    proc.kill()
    proc.wait(10)
    reset_redis_pool()


@contextmanager
def database_down():
    """Every new database connection goes to a closed port until the block ends."""
    dead = free_port()
    settings_dict = connections.settings["default"]
    saved = settings_dict.get("HOST"), settings_dict.get("PORT")
    connections.close_all()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", dead
    try:
        yield
    finally:
        connections.close_all()
        settings_dict["HOST"], settings_dict["PORT"] = saved


def _ready(django_user_model, monkeypatch) -> tuple[str, str]:
    """A logged-in trader who has pulled once (delivery state built) and an operator with a
    follower (``/accounts`` and ``/status`` read its cached balance): (trader, operator) tokens."""
    monkeypatch.setattr(hotpath, "_schedule_flush", lambda: None)
    trader_create(
        username="alice", password=PASSWORD, expires_at=timezone.now() + timedelta(days=5)
    )
    token = session_login(username="alice", password=PASSWORD, device_id="d", ip=None).token
    assert call("GET", hotpath.PULL_PATH, token)[0] == 200
    make_operator(django_user_model, "op1")
    make_follower("f1")
    return token, operator_login(username="op1", password=OP_PASSWORD).token


def _requests(token: str, op_token: str) -> list[tuple[str, str, dict | None, str]]:
    return [
        ("POST", "/api/v1/auth/login", {"username": "alice", "password": PASSWORD}, ""),
        ("GET", "/api/v1/auth/me", None, token),
        ("GET", "/api/v1/event-orders/settings", None, token),
        ("PUT", "/api/v1/event-orders/settings", {"order_amount": "12"}, token),
        ("POST", "/api/v1/copy/operator-login", {"username": "op1", "password": OP_PASSWORD}, ""),
        ("GET", "/api/v1/status", None, op_token),
        ("GET", "/api/v1/accounts", None, op_token),
        ("GET", "/api/v1/event-orders/pull", None, token),
        ("POST", "/api/v1/event-orders/1/executions", PLACED, token),
    ]


def _assert_all_unavailable(requests, expect=None) -> None:
    for method, path, body, token in requests:
        status, headers, reply = call(method, path, token or None, body)
        if expect and path in expect:
            assert status == expect[path], (path, status, reply)
            continue
        assert status == 503, (method, path, status, reply)
        assert headers["Content-Type"] == "application/json"
        assert reply["code"] == "service_unavailable" and reply["message"], path


def test_redis_down_every_endpoint_answers_503_json(own_redis, django_user_model, monkeypatch):
    token, op_token = _ready(django_user_model, monkeypatch)
    sessions, audits = ClientSession.objects.count(), AuditEvent.objects.count()
    own_redis()
    _assert_all_unavailable(_requests(token, op_token))
    assert ClientSession.objects.count() == sessions  # the refused login wrote nothing
    assert AuditEvent.objects.count() == audits


@pytest.mark.skipif(
    connections["default"].vendor != "mysql",
    reason="stops the database by pointing its connection at a closed port (MariaDB/MySQL)",
)
def test_database_down_every_endpoint_that_needs_it_answers_503_json(
    django_user_model, monkeypatch
):
    token, op_token = _ready(django_user_model, monkeypatch)
    with database_down():
        # the pull reads Redis only (the session and its orders are cached): it still works
        _assert_all_unavailable(
            _requests(token, op_token), expect={"/api/v1/event-orders/pull": 200}
        )

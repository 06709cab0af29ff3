"""Bad input never gives a 500 or a non-JSON answer under ``/api/v1/``: a lone surrogate in a
report or a login, an unknown path, a 5 MB login body, a report over 128 KB, a report that is not
JSON. Through both entries: the WSGI application gunicorn serves (hot paths in front of Django)
and Django's own views (test client, runserver)."""

from __future__ import annotations

import json

import pytest

from orders import hotpath
from orders.models import ExecutionReport
from tests.orders.test_hotpath import PLACED, call

pytestmark = pytest.mark.django_db(transaction=True)
LONE = "\ud800"  # valid JSON (escaped), not UTF-8: MySQL's driver raised on it


@pytest.fixture
def delivered(make_trader, make_order, monkeypatch):
    monkeypatch.setattr(hotpath, "_schedule_flush", lambda: None)
    alice = make_trader()
    order = make_order()
    call("GET", hotpath.PULL_PATH, alice.token)
    return alice, f"/api/v1/event-orders/{order.pk}/executions"


def _django(client, method: str, path: str, body: bytes, token: str | None = None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    extra.setdefault("content_type", "application/json")
    return client.generic(method, path, body, **headers, **extra)


@pytest.mark.parametrize("field", ["error_message", "binance_order_id", "error_code"])
def test_a_lone_surrogate_in_a_report_is_a_400(delivered, client, field):
    alice, path = delivered
    body = {**PLACED, field: f"oops {LONE}"}
    status, _, reply = call("POST", path, alice.token, body)
    assert (status, reply["code"]) == (400, "invalid_input") and field in reply["detail"]
    reply = _django(client, "POST", path, json.dumps(body).encode(), alice.token)
    assert reply.status_code == 400 and reply.json()["code"] == "invalid_input"
    assert not ExecutionReport.objects.exists()


def test_a_lone_surrogate_in_a_login_is_a_400(client):
    body = json.dumps({"username": f"a{LONE}", "password": "x"}).encode()
    for path in ("/api/v1/auth/login", "/api/v1/copy/operator-login"):
        reply = _django(client, "POST", path, body)
        assert reply.status_code == 400 and reply.json()["code"] == "malformed_request"
        status, _, got = call("POST", path, None, json.loads(body))
        assert (status, got["code"]) == (400, "malformed_request")


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/event-orders/1/nope", "/api/v2/x"])
def test_an_unknown_api_path_is_a_json_404(client, path):
    status, headers, reply = call("GET", path)
    assert (status, reply["code"]) == (404, "not_found")
    assert headers["Content-Type"] == "application/json" and reply["message"]
    assert client.get(path).json()["code"] == "not_found"


def test_a_huge_login_body_is_a_json_413(client):
    body = json.dumps({"username": "a" * (5 * 1024 * 1024), "password": "x"}).encode()
    reply = _django(client, "POST", "/api/v1/auth/login", body)
    assert reply.status_code == 413 and reply.json()["code"] == "payload_too_large"


@pytest.mark.parametrize("size", [hotpath.MAX_BODY + 1, 128 * 1024 + 1, 3 * 1024 * 1024])
def test_a_report_over_the_limit_is_a_json_413(delivered, client, size):
    alice, path = delivered
    body = {**PLACED, "error_message": "x" * size}
    status, _, reply = call("POST", path, alice.token, body)
    assert (status, reply["code"]) == (413, "payload_too_large")
    reply = _django(client, "POST", path, json.dumps(body).encode(), alice.token)
    assert reply.status_code == 413 and reply.json()["code"] == "payload_too_large"
    assert not ExecutionReport.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_report_that_is_not_json_is_a_415(delivered, client, content_type):
    alice, path = delivered
    status, _, reply = call("POST", path, alice.token, PLACED, CONTENT_TYPE=content_type)
    assert (status, reply["code"]) == (415, "unsupported_media_type")
    raw = json.dumps(PLACED).encode()
    reply = _django(client, "POST", path, raw, alice.token, content_type=content_type)
    assert reply.status_code == 415 and reply.json()["code"] == "unsupported_media_type"
    assert not ExecutionReport.objects.exists()
    ok = call("POST", path, alice.token, PLACED, CONTENT_TYPE="application/json; charset=utf-8")
    assert ok[0] == 201


def test_a_form_login_is_a_415(client):
    reply = client.post("/api/v1/auth/login", {"username": "a", "password": "b"})
    assert reply.status_code == 415 and reply.json()["code"] == "unsupported_media_type"


def test_a_refused_body_is_drained_up_to_a_megabyte():
    """So the client's keep-alive connection survives the 413 (gunicorn would read the rest as
    the next request); beyond the limit it is left and the connection closes."""
    import io

    from kernel.front_door import DRAIN_LIMIT, drain

    for size, read in [(200_000, 200_000), (DRAIN_LIMIT, DRAIN_LIMIT), (DRAIN_LIMIT + 1, 0)]:
        stream = io.BytesIO(b"x" * size)
        drain(stream, size)
        assert stream.tell() == read

"""The hot paths as gunicorn serves them: ``backoffice.wsgi.application`` answers the pull and the
execution report in front of Django (``orders.hotpath.HotPaths``) exactly as the Django views do,
and hands every other request to Django."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import redis

from backoffice import wsgi
from orders import hotpath
from orders.models import ExecutionReport

PLACED = {"outcome": "placed", "binance_order_id": "E-7", "amount": "12.5", "latency_ms": 90}


def call(method: str, path: str, token: str | None = None, body: Any = None, **extra: str):
    """One request through the WSGI application; returns (status, headers, json)."""
    raw = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "CONTENT_LENGTH": str(len(raw)),
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(raw),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **extra,
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Token {token}"
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> None:
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    chunks = wsgi.application(environ, start_response)
    content = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return seen["status"], seen["headers"], json.loads(content) if content else None


@pytest.fixture
def no_flush(monkeypatch):
    monkeypatch.setattr(hotpath, "_schedule_flush", lambda: None)


@pytest.mark.django_db(transaction=True)
def test_pull_and_report_through_the_wsgi_entry(make_trader, make_order, no_flush):
    alice = make_trader(amount="25")
    order = make_order()
    status, headers, body = call("GET", hotpath.PULL_PATH, alice.token)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert [(o["id"], o["amount"]) for o in body["orders"]] == [(order.pk, "25.00")]
    again = call("GET", hotpath.PULL_PATH, alice.token)[2]["orders"]
    assert again == body["orders"]  # not acknowledged: delivered again, same delivery id
    ack = {"QUERY_STRING": f"ack={body['orders'][0]['delivery_id']}"}
    assert call("GET", hotpath.PULL_PATH, alice.token, **ack)[2]["orders"] == []
    assert call("GET", hotpath.PULL_PATH, alice.token)[2]["orders"] == []  # acknowledged

    path = f"/api/v1/event-orders/{order.pk}/executions"
    status, _, first = call("POST", path, alice.token, PLACED)
    assert status == 201 and first["amount"] == "12.50" and first["binance_order_id"] == "E-7"
    status, _, again = call("POST", path, alice.token, {"outcome": "failed"})
    assert (status, again) == (200, first)  # the first report wins
    assert ExecutionReport.objects.filter(order=order).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"outcome": "won"}, 400, "invalid_input"),
        ({**PLACED, "latency_ms": -1}, 400, "invalid_input"),
        ({**PLACED, "amount": "1.234"}, 400, "invalid_input"),
        ({**PLACED, "binance_order_id": "x" * 65}, 400, "invalid_input"),
        ([1, 2], 400, "malformed_request"),
    ],
)
def test_bad_report_bodies(make_trader, make_order, no_flush, body, status, code):
    alice = make_trader()
    order = make_order()
    call("GET", hotpath.PULL_PATH, alice.token)
    got = call("POST", f"/api/v1/event-orders/{order.pk}/executions", alice.token, body)
    assert (got[0], got[2]["code"]) == (status, code)
    assert not ExecutionReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_refusals_keep_the_api_shape(make_trader, make_order, no_flush):
    alice, bob = make_trader(), make_trader()
    order = make_order()
    status, headers, body = call("GET", hotpath.PULL_PATH)
    assert (status, body["code"], headers["WWW-Authenticate"]) == (
        401,
        "not_authenticated",
        "Token",
    )
    assert call("GET", hotpath.PULL_PATH, "nope")[2]["code"] == "invalid_token"
    english = call("GET", hotpath.PULL_PATH, HTTP_ACCEPT_LANGUAGE="en")[2]
    assert english["message"] == "Please log in first"
    assert call("POST", hotpath.PULL_PATH, alice.token)[0] == 405
    got = call("POST", f"/api/v1/event-orders/{order.pk}/executions", bob.token, PLACED)
    assert (got[0], got[2]["code"]) == (409, "not_delivered")
    got = call("POST", "/api/v1/event-orders/abc/executions", bob.token, PLACED)
    assert (got[0], got[2]["code"]) == (404, "not_found")


@pytest.mark.django_db(transaction=True)
def test_other_paths_go_to_django(make_trader):
    status, _, body = call("GET", "/api/v1/ping")
    assert status == 200 and body["ok"] is True
    alice = make_trader()
    status, _, body = call("GET", "/api/v1/event-orders/1/executions", alice.token)
    assert (status, body["code"]) == (405, "method_not_allowed")  # Django's view, same shape


@pytest.mark.django_db(transaction=True)
def test_redis_down_is_503_not_500(make_trader, monkeypatch):
    alice = make_trader()
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr("orders.delivery.get_redis", lambda: dead)
    monkeypatch.setattr("accounts.session_cache.get_redis", lambda: dead)
    status, _, body = call("GET", hotpath.PULL_PATH, alice.token)
    assert (status, body["code"]) == (503, "service_unavailable")

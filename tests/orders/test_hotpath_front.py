"""The hot paths skip Django's middleware, so they apply its front-door policy themselves: the
``ALLOWED_HOSTS`` check, the HTTPS redirect and HSTS of production (issue: a pull with
``Host: evil.example`` over plain HTTP answered 200 without HSTS). They run Django's own
``SecurityMiddleware`` and host check (``orders.hotpath.front_door``), so the policy is the one
the Django paths get; the Django handler reads these settings once at start, so only its host
check (read per request) is compared here."""

from __future__ import annotations

import pytest
from django.test import override_settings

from orders import hotpath
from tests.orders.test_hotpath import PLACED, call

PRODUCTION_FRONT = {
    "ALLOWED_HOSTS": ["fleet.example.com"],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}
GOOD = {"HTTP_HOST": "fleet.example.com"}
HTTPS = {**GOOD, "HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture
def alice_with_order(make_trader, make_order, monkeypatch):
    monkeypatch.setattr(hotpath, "_schedule_flush", lambda: None)
    alice = make_trader()
    return alice, make_order()


def report_path(order) -> str:
    return f"/api/v1/event-orders/{order.pk}/executions"


@pytest.mark.django_db(transaction=True)
@override_settings(**PRODUCTION_FRONT)
def test_a_foreign_host_is_refused_on_every_path(alice_with_order):
    alice, order = alice_with_order
    for method, path, body in [
        ("GET", hotpath.PULL_PATH, None),
        ("POST", report_path(order), PLACED),
        ("GET", "/api/v1/auth/me", None),  # a Django path, for comparison
    ]:
        for extra in ({"HTTP_HOST": "evil.example"}, {**HTTPS, "HTTP_HOST": "evil.example"}):
            status, headers, reply = call(method, path, alice.token, body, **extra)
            assert status == 400, (path, extra)
            assert headers["Content-Type"] == "application/json" and reply["code"]


@pytest.mark.django_db(transaction=True)
@override_settings(**PRODUCTION_FRONT)
def test_plain_http_is_redirected_like_django_does(alice_with_order):
    alice, order = alice_with_order
    status, headers, _ = call("GET", hotpath.PULL_PATH, alice.token, **GOOD)
    assert status == 301
    assert headers["Location"] == f"https://fleet.example.com{hotpath.PULL_PATH}"
    status, headers, _ = call("POST", report_path(order), alice.token, PLACED, **GOOD)
    assert status == 301


@pytest.mark.django_db(transaction=True)
@override_settings(**PRODUCTION_FRONT)
def test_https_answers_carry_hsts_and_nosniff(alice_with_order):
    alice, order = alice_with_order
    status, headers, body = call("GET", hotpath.PULL_PATH, alice.token, **HTTPS)
    assert status == 200 and [o["id"] for o in body["orders"]] == [order.pk]
    hsts = "max-age=31536000; includeSubDomains; preload"
    assert headers["Strict-Transport-Security"] == hsts
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _ = call("POST", report_path(order), alice.token, PLACED, **HTTPS)
    assert status == 201 and headers["Strict-Transport-Security"] == hsts

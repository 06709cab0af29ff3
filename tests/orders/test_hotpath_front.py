"""The hot paths skip Django's middleware, so they apply its front-door policy themselves: the
``ALLOWED_HOSTS`` check, the HTTPS redirect and HSTS of production (issue: a pull with
``Host: evil.example`` over plain HTTP answered 200 without HSTS). ``kernel.front_door``
applies Django's host validation and ``SecurityMiddleware``'s policy from the same settings; the
last test compares it with Django's own middleware over a table of settings and requests."""

from __future__ import annotations

import pytest
from django.test import override_settings

from kernel.front_door import front_door
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


@pytest.mark.parametrize("host", ["fleet.example.com", "evil.example", "fleet.example.com:8443"])
@pytest.mark.parametrize("proto", [None, "https", "http"])
@pytest.mark.parametrize(
    "overrides",
    [
        PRODUCTION_FRONT,
        {**PRODUCTION_FRONT, "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_PRELOAD": False},
        {**PRODUCTION_FRONT, "SECURE_REDIRECT_EXEMPT": [r"^api/v1/event-orders/"]},
        {**PRODUCTION_FRONT, "SECURE_REFERRER_POLICY": "no-referrer, strict-origin"},
        {"ALLOWED_HOSTS": ["*"], "SECURE_CONTENT_TYPE_NOSNIFF": False},
    ],
)
def test_front_door_answers_as_djangos_own_middleware(host, proto, overrides):
    """The same verdict and headers as ``get_host`` + ``SecurityMiddleware`` on a Django request."""
    from django.core.exceptions import DisallowedHost
    from django.http import HttpResponse
    from django.middleware.security import SecurityMiddleware
    from django.test import RequestFactory

    extra = {"HTTP_HOST": host, **({"HTTP_X_FORWARDED_PROTO": proto} if proto else {})}
    with override_settings(**overrides):
        request = RequestFactory().get(hotpath.PULL_PATH, **extra)
        early, headers = front_door(request.META)
        try:
            request.get_host()
        except DisallowedHost:
            assert early is not None and early[0] == 400
            return
        django = SecurityMiddleware(lambda r: HttpResponse())
        redirect = django.process_request(request)
        if redirect is not None:
            assert early == (301, b"", [("Location", redirect["Location"])])
            return
        assert early is None
        expected = django.process_response(request, HttpResponse())
        assert dict(headers) == {k: v for k, v in expected.items() if k != "Content-Type"}

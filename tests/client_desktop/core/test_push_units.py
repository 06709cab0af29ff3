"""The client side of push without a network: where the socket is, and how refusals map."""

from __future__ import annotations

import pytest

from client_desktop.core.api_client import ApiError, NetworkError, SessionEnded
from client_desktop.core.push import error_of, push_url_for
from client_desktop.core.settings import Settings


@pytest.mark.parametrize(
    ("server", "url"),
    [
        ("http://127.0.0.1:8000", "ws://127.0.0.1:8000/api/v1/push"),
        ("https://fleet.example.com/", "wss://fleet.example.com/api/v1/push"),
        ("https://fleet.example.com/base", "wss://fleet.example.com/base/api/v1/push"),
    ],
)
def test_push_url_for(server, url):
    assert push_url_for(server) == url


@pytest.mark.parametrize(
    ("push", "url"),
    [
        ("auto", "wss://f.example/api/v1/push"),
        ("", "wss://f.example/api/v1/push"),
        ("off", ""),
        ("ws://127.0.0.1:8001/api/v1/push", "ws://127.0.0.1:8001/api/v1/push"),
    ],
)
def test_settings_push_url(push, url):
    assert Settings(server="https://f.example", push=push).push_url() == url


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (401, {"code": "invalid_token"}, SessionEnded, "invalid_token"),
        (403, {"code": "account_disabled"}, SessionEnded, "account_disabled"),
        (409, {"code": "not_delivered"}, ApiError, "not_delivered"),
        (404, {}, ApiError, "http_404"),
        (503, {"code": "service_unavailable"}, NetworkError, "server"),
    ],
)
def test_error_of(status, body, kind, code):
    error = error_of(status, body)
    assert type(error) is kind and error.code == code and error.status == status

"""Helpers for the accounts tests: traders built through the services, API login, and a way to
run ``transaction.on_commit`` work (cache refreshes) inside the test transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import trader_create

PASSWORD = "pw-12345678"


@pytest.fixture
def make_trader(django_capture_on_commit_callbacks):
    def make(username: str = "alice", days: float = 30, language: str = "zh-hans", **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return trader_create(
                username=username,
                password=PASSWORD,
                expires_at=timezone.now() + timedelta(days=days),
                language=language,
                **kw,
            )

    return make


@pytest.fixture
def api_login(client, django_capture_on_commit_callbacks):
    """POST /auth/login; on-commit work (the session cache fill) runs as in production."""

    def login(username: str, password: str = PASSWORD, device_id: str = "dev-1", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/api/v1/auth/login",
                {"username": username, "password": password, "device_id": device_id},
                content_type="application/json",
                **extra,
            )

    return login


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs the block's on-commit callbacks like a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


class Clock:
    """``accounts.bruteforce._now`` under the test's control: login waits pass without sleeping."""

    def __init__(self, monkeypatch) -> None:
        import time

        from accounts import bruteforce

        self.t = time.time()
        monkeypatch.setattr(bruteforce, "_now", lambda: self.t)

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)

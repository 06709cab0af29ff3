"""Session life by the clock, not by rewritten rows: the session check is moved forward in time
(``accounts.session_cache.session_check`` reads the clock through ``time.time``, and the pull
checks at its own ``now``, ``orders.hotpath.time``) so that a session and an account run out
exactly as they would in production — nobody touches the trader or the session."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

import accounts.session_cache
import orders.hotpath
from accounts.models import ClientSession
from accounts.services import sessions_sweep_expired
from kernel.redis import get_redis
from tests.accounts.conftest import auth

pytestmark = pytest.mark.django_db
HOUR = 3600.0


@pytest.fixture
def clock(monkeypatch):
    """``clock(hours)`` moves the session check's clock ``hours`` into the future."""

    def move(hours: float) -> None:
        later = time.time() + hours * HOUR
        fake = SimpleNamespace(time=lambda: later)
        monkeypatch.setattr(accounts.session_cache, "time", fake)
        monkeypatch.setattr(orders.hotpath, "time", fake)

    return move


def _me(client, token: str):
    r = client.get("/api/v1/auth/me", **auth(token))
    return r.status_code, r.json().get("code")


def test_the_session_lasts_24_hours_then_every_call_is_refused(
    client, make_trader, api_login, clock
):
    make_trader("neo", days=30)
    token = api_login("neo").json()["token"]
    clock(23.9)
    assert _me(client, token) == (200, None)
    clock(24.01)
    assert _me(client, token) == (401, "session_expired")
    r = client.get("/api/v1/event-orders/pull", **auth(token))
    assert (r.status_code, r.json()["code"]) == (401, "session_expired")


def test_an_account_expiring_mid_session_loses_access_on_the_next_call(
    client, make_trader, api_login, clock
):
    make_trader("neo", days=1 / 24)  # expires in one hour, well inside the 24 h session
    token = api_login("neo").json()["token"]
    clock(0.9)
    assert _me(client, token) == (200, None)
    clock(1.1)
    assert _me(client, token) == (403, "account_expired")


def test_the_same_answers_from_the_database_after_redis_loses_everything(
    client, make_trader, api_login, clock
):
    make_trader("neo", days=1 / 24)
    token = api_login("neo").json()["token"]
    get_redis().flushdb()
    clock(1.1)
    assert _me(client, token) == (403, "account_expired")
    get_redis().flushdb()
    clock(24.01)
    assert _me(client, token) == (401, "session_expired")


def test_a_swept_session_still_answers_session_expired(client, make_trader, api_login):
    """The periodic sweep marks old sessions ended; the client must still be told why (so it
    asks for a new login), not get a bare invalid_token."""
    make_trader("neo", days=30)
    token = api_login("neo").json()["token"]
    ClientSession.objects.update(
        created_at=timezone.now() - timedelta(hours=25),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    assert sessions_sweep_expired() == 1
    get_redis().flushdb()  # the cached copy would have expired by its TTL by now
    assert _me(client, token) == (401, "session_expired")
    assert ClientSession.objects.get().end_reason == "expired"

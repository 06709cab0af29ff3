"""Revoking a device ends that device's sessions; a password change, a disable or an expiry ends
every session of the trader at once — the rows and their Redis mirror, so neither the pull (which
reads Redis only) nor ``/auth/me`` accepts the old token afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ClientSession
from accounts.services import (
    device_save,
    device_set_revoked,
    trader_set_disabled,
    trader_update,
)
from accounts.session_cache import SESSION_PREFIX
from kernel.redis import get_redis

from .conftest import auth

pytestmark = pytest.mark.django_db
PULL = "/api/v1/event-orders/pull"


def answers(client, token: str) -> tuple[int, int]:
    me = client.get("/api/v1/auth/me", **auth(token)).status_code
    return me, client.get(PULL, **auth(token)).status_code


def cached(token_hash: str) -> bool:
    return bool(get_redis().exists(SESSION_PREFIX + token_hash))


@pytest.fixture
def two_sessions(make_trader, api_login):
    trader = make_trader("alice")
    tokens = [api_login("alice", device_id=d).json()["token"] for d in ("dev-A", "dev-B")]
    return trader, tokens


def test_revoking_a_device_ends_its_sessions_only(client, two_sessions, committed):
    _trader, (token_a, token_b) = two_sessions
    assert answers(client, token_a) == (200, 200)
    device = device_save(device_id="dev-A", label="laptop")
    with committed():
        device_set_revoked(device=device, revoked=True)
    assert answers(client, token_a) == (401, 401)
    assert answers(client, token_b) == (200, 200)
    ended = ClientSession.objects.get(device_id="dev-A")
    assert ended.end_reason == "device_revoked" and not cached(ended.token_hash)


@pytest.mark.parametrize(
    ("change", "reason", "code"),
    [
        ({"password": "a-new-password-1"}, "password_changed", "invalid_token"),
        ({"is_disabled": True}, "disabled", "account_disabled"),
        (
            {"expires_at": timezone.now() - timedelta(minutes=1)},
            "account_expired",
            "account_expired",
        ),
    ],
)
def test_password_change_disable_and_expiry_end_every_session(
    client, two_sessions, committed, change, reason, code
):
    trader, tokens = two_sessions
    assert [answers(client, t) for t in tokens] == [(200, 200), (200, 200)]
    with committed():
        trader_update(trader=trader, **change)
    for token in tokens:
        assert answers(client, token) != (200, 200)
        assert client.get("/api/v1/auth/me", **auth(token)).json()["code"] == code
        assert client.get(PULL, **auth(token)).json()["code"] == code
    sessions = ClientSession.objects.filter(trader=trader)
    assert {s.end_reason for s in sessions} == {reason}
    assert not any(cached(s.token_hash) for s in sessions)


def test_other_changes_keep_the_sessions(client, two_sessions, committed):
    trader, tokens = two_sessions
    with committed():
        trader_update(
            trader=trader, display_name="Alice", expires_at=trader.expires_at + timedelta(days=3)
        )
    assert [answers(client, t) for t in tokens] == [(200, 200), (200, 200)]


def test_the_old_session_stays_ended_when_the_trader_is_enabled_again(
    client, two_sessions, committed, api_login
):
    trader, (token, _) = two_sessions
    with committed():
        trader_set_disabled(trader=trader, disabled=True)
    with committed():
        trader_set_disabled(trader=trader, disabled=False)
    assert client.get("/api/v1/auth/me", **auth(token)).json()["code"] == "invalid_token"
    assert api_login("alice").status_code == 200

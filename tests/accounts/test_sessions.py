"""Client sessions: 24-hour life on every endpoint, mid-session disable/expiry, logout, revocation,
and the Redis mirror (a flushed Redis falls back to the database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.permissions import AllowAny

from accounts.api_auth import ClientTokenAuthentication
from accounts.models import AuditEvent, ClientSession
from accounts.services import session_revoke, trader_set_disabled, trader_update
from kernel.redis import get_redis
from tests.accounts.conftest import auth

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(make_trader, api_login):
    make_trader("alice")
    return api_login("alice").json()["token"]


def _age_session(token_value: str, hours: float) -> None:
    """Move the session's start back ``hours`` (DB and the Redis mirror, as a real clock would)."""
    from accounts.session_cache import session_cache_put, token_hash

    session = ClientSession.objects.get(token_hash=token_hash(token_value))
    session.created_at -= timedelta(hours=hours)
    session.expires_at -= timedelta(hours=hours)
    session.save()
    session_cache_put(session.token_hash, session.trader_id, session.expires_at.timestamp())


def _token_endpoints() -> list[str]:
    """Every /api/v1/ route whose view authenticates with the client token, params filled with 1."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and _uses_client_token(p.callback):
                found.append("/" + _fill(prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "")
    return [u for u in found if u.startswith("/api/v1/")]


def _uses_client_token(callback) -> bool:
    """A DRF view that authenticates with the client token and is not public (AllowAny/none)."""
    view = getattr(callback, "cls", None)
    if view is None:
        return False
    options = {**vars(view), **getattr(callback, "initkwargs", {})}
    auth_classes = options.get("authentication_classes", view.authentication_classes)
    permissions = options.get("permission_classes", view.permission_classes)
    public = not permissions or all(issubclass(p, AllowAny) for p in permissions)
    return not public and any(issubclass(c, ClientTokenAuthentication) for c in auth_classes)


def _fill(route: str) -> str:
    import re

    return re.sub(r"<(?:\w+:)?\w+>", "1", route).lstrip("^").rstrip("$")


def _call(client, url: str, headers: dict):
    return client.generic("GET", url, **headers), client.post(
        url, {}, "application/json", **headers
    )


def test_every_token_endpoint_refuses_a_24_hour_old_session(client, token):
    endpoints = _token_endpoints()
    assert "/api/v1/auth/me" in endpoints and "/api/v1/auth/logout" in endpoints
    _age_session(token, 24)
    for url in endpoints:
        for r in _call(client, url, auth(token)):
            if r.status_code == 405:
                continue
            assert r.status_code == 401, (url, r.content)
            assert r.json()["code"] == "session_expired", (url, r.content)


def test_a_23_hour_old_session_still_works(client, token):
    _age_session(token, 23)
    assert client.get("/api/v1/auth/me", **auth(token)).status_code == 200


def test_me_without_or_with_a_bad_token(client):
    assert client.get("/api/v1/auth/me").json()["code"] == "not_authenticated"
    r = client.get("/api/v1/auth/me", **auth("not-a-real-token"))
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")


def test_disabled_mid_session_is_refused_on_next_call(client, token, committed):
    from accounts.models import Trader

    assert client.get("/api/v1/auth/me", **auth(token)).status_code == 200
    with committed():
        trader_set_disabled(trader=Trader.objects.get(username="alice"), disabled=True)
    r = client.get("/api/v1/auth/me", **auth(token))
    assert (r.status_code, r.json()["code"]) == (403, "account_disabled")


def test_expired_mid_session_is_refused_on_next_call(client, token, committed):
    from accounts.models import Trader

    with committed():
        trader_update(
            trader=Trader.objects.get(username="alice"),
            expires_at=timezone.now() - timedelta(seconds=1),
        )
    r = client.get("/api/v1/auth/me", **auth(token))
    assert (r.status_code, r.json()["code"]) == (403, "account_expired")


def test_logout_ends_the_session_and_is_audited(client, token):
    assert client.post("/api/v1/auth/logout", **auth(token)).status_code == 204
    r = client.get("/api/v1/auth/me", **auth(token))
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")
    session = ClientSession.objects.get()
    assert session.end_reason == "logout" and session.ended_at is not None
    assert list(AuditEvent.objects.order_by("at").values_list("action", flat=True)) == [
        "trader_created",
        "login",
        "logout",
    ]


def test_revoked_session_is_refused(client, token):
    session_revoke(session=ClientSession.objects.get())
    r = client.get("/api/v1/auth/me", **auth(token))
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")


def test_login_is_audited_with_ip_and_device(token):
    row = AuditEvent.objects.get(action="login")
    assert (row.username, row.device_id, row.ip) == ("alice", "dev-1", "127.0.0.1")


def test_token_is_stored_only_as_its_sha256(token):
    import hashlib

    session = ClientSession.objects.get()
    assert session.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in session.token_hash


def test_redis_flush_falls_back_to_the_database_and_refills(
    client, token, django_assert_num_queries
):
    from accounts.selectors import session_resolve
    from accounts.session_cache import SESSION_PREFIX, token_hash

    with django_assert_num_queries(0):  # the hot path: one Redis round trip, no SQL
        assert session_resolve(token).username == "alice"
    get_redis().flushdb()
    with django_assert_num_queries(1):  # a miss: one query, and the cache is refilled
        assert session_resolve(token).username == "alice"
    assert get_redis().exists(SESSION_PREFIX + token_hash(token))
    with django_assert_num_queries(0):
        session_resolve(token)
    r = client.get("/api/v1/auth/me", **auth(token))
    assert r.status_code == 200 and r.json()["username"] == "alice"


def test_24_hour_old_session_is_refused_after_a_flush_too(client, token):
    _age_session(token, 24)
    get_redis().flushdb()
    r = client.get("/api/v1/auth/me", **auth(token))
    assert (r.status_code, r.json()["code"]) == (401, "session_expired")

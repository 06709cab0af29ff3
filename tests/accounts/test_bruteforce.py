"""Brute force: failures slow the client down, then lock the username (and IP); the lock shows in
the admin and an admin can clear it."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from accounts.models import AuditEvent, LoginLock
from backoffice.runtime_config import config_get

pytestmark = pytest.mark.django_db


def _fail(api_login, times: int, username: str = "alice", **extra):
    return [api_login(username, "wrong-pass", **extra) for _ in range(times)]


def test_failures_slow_down_then_lock(make_trader, api_login):
    make_trader("alice")
    limit = config_get("login_max_failures")
    answers = _fail(api_login, limit)
    assert all(r.json()["code"] == "invalid_credentials" for r in answers)
    delays = [(r.json().get("detail") or {}).get("retry_after_s", 0) for r in answers]
    assert delays[:2] == [0, 0] and delays[2:] == sorted(delays[2:]) and delays[-1] > delays[2] > 0
    r = api_login("alice")  # even the right password is refused while locked
    assert r.status_code == 429
    assert r.json()["code"] == "login_locked"
    assert "locked_until" in r.json()["detail"]
    assert LoginLock.objects.filter(scope="username", value="alice").exists()


def test_one_ip_trying_many_usernames_is_locked(make_trader, api_login):
    make_trader("victim")
    limit = config_get("login_max_failures")
    for i in range(limit):
        api_login(f"guess{i}", "x", REMOTE_ADDR="10.0.0.9")
    assert LoginLock.objects.filter(scope="ip", value="10.0.0.9").exists()
    assert api_login("victim", REMOTE_ADDR="10.0.0.9").json()["code"] == "login_locked"
    assert api_login("victim", REMOTE_ADDR="10.0.0.10").status_code == 200


def test_success_resets_the_username_counter(make_trader, api_login):
    make_trader("alice")
    limit = config_get("login_max_failures")
    _fail(api_login, limit - 1)
    assert api_login("alice").status_code == 200
    assert _fail(api_login, 1)[0].json()["code"] == "invalid_credentials"
    assert not LoginLock.objects.filter(scope="username").exists()


def test_lock_is_listed_in_admin_and_clearable(make_trader, api_login, admin_client, admin_user):
    make_trader("alice")
    _fail(api_login, config_get("login_max_failures"))
    page = admin_client.get("/admin/accounts/loginlock/")
    assert page.status_code == 200
    assert "alice" in page.content.decode()
    locks = list(LoginLock.objects.values_list("pk", flat=True))
    r = admin_client.post(
        "/admin/accounts/loginlock/", {"action": "clear", ACTION_CHECKBOX_NAME: locks}
    )
    assert r.status_code == 302
    assert not LoginLock.objects.exists()
    assert api_login("alice").status_code == 200
    cleared = AuditEvent.objects.filter(action="lock_cleared", actor=admin_user)
    assert cleared.filter(username="alice").exists()


def test_lock_threshold_is_a_runtime_knob(make_trader, api_login):
    from backoffice.runtime_config import config_set

    config_set("login_max_failures", "2")
    make_trader("alice")
    _fail(api_login, 2)
    assert api_login("alice").json()["code"] == "login_locked"

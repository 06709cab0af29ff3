"""Brute force: failures impose enforced waits, then lock the account (never an IP); the lock
shows in the admin and an admin can clear it; a made-up username locks nothing."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from accounts import bruteforce
from accounts.models import AuditEvent, LoginLock
from kernel.runtime_config import config_get

pytestmark = pytest.mark.django_db


def _retry(reply) -> float:
    return (reply.json().get("detail") or {}).get("retry_after_s", 0)


def _fail(api_login, clock, times: int, username: str = "alice", **extra):
    """``times`` wrong passwords, each after the wait the previous one imposed."""
    answers = []
    for _ in range(times):
        answers.append(api_login(username, "wrong-pass", **extra))
        clock.advance(_retry(answers[-1]) + 0.1)
    return answers


def test_wait_table():
    assert [bruteforce.wait_for(n) for n in range(1, 9)] == [0, 0, 2, 4, 8, 16, 30, 30]


def test_failures_slow_down_then_lock(make_trader, api_login, clock):
    make_trader("alice")
    limit = config_get("login_max_failures")
    answers = _fail(api_login, clock, limit)
    assert all(r.json()["code"] == "invalid_credentials" for r in answers)
    delays = [_retry(r) for r in answers]
    assert delays[:2] == [0, 0] and delays[2:] == sorted(delays[2:]) and delays[-1] > delays[2] > 0
    clock.advance(60)
    r = api_login("alice")  # even the right password is refused while locked
    assert r.status_code == 429
    assert r.json()["code"] == "login_locked"
    assert "locked_until" in r.json()["detail"] and r.json()["detail"]["retry_after_s"] > 60
    assert LoginLock.objects.filter(scope="username", value="alice").exists()


def test_retry_after_is_enforced_not_advisory(make_trader, api_login, clock):
    """An attempt inside the wait is refused before its password is checked — the right one too."""
    make_trader("alice")
    third = _fail(api_login, clock, 3)[-1]
    clock.advance(-_retry(third))  # back to the moment of the third failure
    early = api_login("alice")
    assert early.status_code == 429 and early.json()["code"] == "login_locked"
    assert 0 < _retry(early) <= _retry(third)
    refused = AuditEvent.objects.filter(action="login_refused", reason="login_locked")
    assert refused.count() == 1
    clock.advance(_retry(third) + 0.1)
    assert api_login("alice").status_code == 200


def test_many_usernames_from_one_ip_slow_that_ip_and_lock_nobody(make_trader, api_login, clock):
    """Made-up usernames from one address (a shared NAT, a proxy without TRUSTED_PROXIES) make
    that address wait; a real user there still gets in once the wait is over."""
    make_trader("victim")
    for i in range(config_get("login_max_failures") + 3):
        reply = api_login(f"guess{i}", "x", REMOTE_ADDR="10.0.0.9")
        clock.advance(_retry(reply) + 0.1)
    assert not LoginLock.objects.exists()
    clock.advance(-1)
    slowed = api_login("victim", REMOTE_ADDR="10.0.0.9")
    assert slowed.status_code == 429 and 0 < _retry(slowed) <= bruteforce.MAX_WAIT_S
    assert api_login("victim", REMOTE_ADDR="10.0.0.10").status_code == 200
    clock.advance(bruteforce.MAX_WAIT_S)
    assert api_login("victim", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_an_unknown_username_never_locks_a_real_one(make_trader, api_login, clock):
    make_trader("alice")
    for name in ("al1ce", "nobody"):
        _fail(api_login, clock, config_get("login_max_failures") + 1, username=name)
    assert not LoginLock.objects.exists()
    clock.advance(bruteforce.MAX_WAIT_S + 1)
    assert api_login("alice").status_code == 200


def test_success_resets_the_username_counter(make_trader, api_login, clock):
    make_trader("alice")
    limit = config_get("login_max_failures")
    _fail(api_login, clock, limit - 1, REMOTE_ADDR="10.0.0.1")
    assert api_login("alice", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert _fail(api_login, clock, 1)[0].json()["code"] == "invalid_credentials"
    assert not LoginLock.objects.filter(scope="username").exists()


def test_lock_is_listed_in_admin_and_clearable(
    make_trader, api_login, admin_client, admin_user, clock
):
    make_trader("alice")
    _fail(api_login, clock, config_get("login_max_failures"), REMOTE_ADDR="10.0.0.1")
    page = admin_client.get("/admin/accounts/loginlock/")
    assert page.status_code == 200
    assert "alice" in page.content.decode()
    locks = list(LoginLock.objects.values_list("pk", flat=True))
    r = admin_client.post(
        "/admin/accounts/loginlock/", {"action": "clear", ACTION_CHECKBOX_NAME: locks}
    )
    assert r.status_code == 302
    assert not LoginLock.objects.exists()
    assert api_login("alice", REMOTE_ADDR="10.0.0.2").status_code == 200
    cleared = AuditEvent.objects.filter(action="lock_cleared", actor=admin_user)
    assert cleared.filter(username="alice").exists()


def test_lock_threshold_is_a_runtime_knob(make_trader, api_login, clock):
    from kernel.runtime_config import config_set

    config_set("login_max_failures", "2")
    make_trader("alice")
    _fail(api_login, clock, 2)
    assert api_login("alice").json()["code"] == "login_locked"

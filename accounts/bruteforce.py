"""Brute-force protection: failed logins are counted per username and per IP in Redis; after
``login_max_failures`` in the window the key is locked for ``login_lock_minutes`` (a ``LoginLock``
row makes the lock visible and clearable in the admin). Before the lock, each failure beyond the
second adds a growing delay the client must wait (returned, not slept, so no worker is tied up)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import LoginLock
from backoffice.redis import get_redis
from backoffice.runtime_config import config_get

FAIL_PREFIX = "fleet:loginfail:"
WINDOW_S = 15 * 60


def _keys(username: str, ip: str | None) -> list[tuple[str, str]]:
    keys = [(LoginLock.Scope.USERNAME, username.lower())]
    if ip:
        keys.append((LoginLock.Scope.IP, ip))
    return keys


def active_lock(username: str, ip: str | None) -> LoginLock | None:
    """The lock that currently blocks this username or IP, if any."""
    now = timezone.now()
    for scope, value in _keys(username, ip):
        lock = LoginLock.objects.filter(scope=scope, value=value, locked_until__gt=now).first()
        if lock:
            return lock
    return None


def record_failure(username: str, ip: str | None) -> float:
    """Count a failure; lock when the limit is reached. Returns the suggested retry delay (s)."""
    limit = config_get("login_max_failures")
    worst = 0
    for scope, value in _keys(username, ip):
        key = f"{FAIL_PREFIX}{scope}:{value}"
        pipe = get_redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, WINDOW_S)
        count = int(pipe.execute()[0])
        worst = max(worst, count)
        if count >= limit:
            _lock(scope, value, count)
    return float(min(2 ** max(0, worst - 2), 30)) if worst > 2 else 0.0


def _lock(scope: str, value: str, failures: int) -> None:
    until = timezone.now() + timedelta(minutes=config_get("login_lock_minutes"))
    LoginLock.objects.update_or_create(
        scope=scope, value=value, defaults={"failures": failures, "locked_until": until}
    )


def record_success(username: str, ip: str | None) -> None:
    """A successful login clears the username's counter (the IP's counter stays: shared IPs)."""
    get_redis().delete(f"{FAIL_PREFIX}{LoginLock.Scope.USERNAME}:{username.lower()}")


def lock_clear(lock: LoginLock) -> None:
    """Service for the admin action: remove the lock and its counter."""
    get_redis().delete(f"{FAIL_PREFIX}{lock.scope}:{lock.value}")
    lock.delete()

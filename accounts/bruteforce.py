"""Brute-force protection for every password login (desktop client, copy operators, admin).

Two counters in Redis, both over a 15-minute window:

- per **account** (a trader's username, or ``user:<name>`` for a Django staff user): from the
  third failure each one imposes a growing wait (2, 4, 8… s, at most 30 s) and at
  ``login_max_failures`` the account is locked for ``login_lock_minutes`` (a ``LoginLock`` row the
  admin sees and can clear). Only an account that exists is counted, under its stored name: a
  made-up or differently-cased username can never lock a real one.
- per **client IP** (the real one, ``kernel.client_ip``): the same growing wait, never a lock.
  Many IP failures slow that address down; they do not lock out the people behind it who know
  their password (behind a misconfigured proxy everyone shares one address).

Waits are enforced, not advisory: an attempt before the wait is over is refused with
``retry_after_s`` before any password is checked, so nobody can guess faster by ignoring it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.models import LoginLock
from kernel.redis import get_redis
from kernel.runtime_config import config_get

FAIL_PREFIX = "fleet:loginfail:"
WAIT_PREFIX = "fleet:loginwait:"
WINDOW_S = 15 * 60
FREE_FAILURES = 2
MAX_WAIT_S = 30
STAFF_PREFIX = "user:"  # accounts of Django users (admin, copy operators) vs trader usernames


def _now() -> float:
    """The clock of the waits (a seam for the tests)."""
    return time.time()


@dataclass(frozen=True)
class Blocked:
    """Why an attempt is refused before its password is checked: ``detail`` for the client."""

    detail: dict


def _keys(account: str | None, ip: str | None) -> list[str]:
    keys = [f"{LoginLock.Scope.USERNAME}:{account}"] if account else []
    return [*keys, f"{LoginLock.Scope.IP}:{ip}"] if ip else keys


def wait_for(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive failures (0, 0, 2, 4, 8, 16, 30, 30…)."""
    return (
        float(min(2 ** (failures - FREE_FAILURES), MAX_WAIT_S)) if failures > FREE_FAILURES else 0.0
    )


def login_gate(*, account: str | None, ip: str | None) -> Blocked | None:
    """A lock on the account, or a wait still running for the account or the IP."""
    if account:
        lock = LoginLock.objects.filter(
            scope=LoginLock.Scope.USERNAME, value=account, locked_until__gt=timezone.now()
        ).first()
        if lock:
            left = (lock.locked_until - timezone.now()).total_seconds()
            return Blocked(
                {"locked_until": lock.locked_until.isoformat(), "retry_after_s": math.ceil(left)}
            )
    keys = _keys(account, ip)
    untils = get_redis().mget([WAIT_PREFIX + k for k in keys]) if keys else []
    left = max((float(u) - _now() for u in untils if u), default=0.0)
    return Blocked({"retry_after_s": math.ceil(left)}) if left > 0 else None


def login_failed(*, account: str | None, ip: str | None) -> float:
    """Count a failed attempt; start the waits; lock the account at the limit. Returns the wait
    (s) the client must now respect."""
    counts = {}
    for key in _keys(account, ip):
        pipe = get_redis().pipeline()
        pipe.incr(FAIL_PREFIX + key)
        pipe.expire(FAIL_PREFIX + key, WINDOW_S)
        counts[key] = failures = int(pipe.execute()[0])
        if wait := wait_for(failures):
            get_redis().set(WAIT_PREFIX + key, _now() + wait, ex=math.ceil(wait) + 1)
    account_failures = counts.get(f"{LoginLock.Scope.USERNAME}:{account}", 0)
    if account and account_failures >= config_get("login_max_failures"):
        _lock(account, account_failures)
    return wait_for(max(counts.values(), default=0))


def _lock(account: str, failures: int) -> None:
    until = timezone.now() + timedelta(minutes=config_get("login_lock_minutes"))
    LoginLock.objects.update_or_create(
        scope=LoginLock.Scope.USERNAME,
        value=account,
        defaults={"failures": failures, "locked_until": until},
    )


def login_succeeded(*, account: str) -> None:
    """A correct password clears the account's counter and wait (the IP's stay: shared IPs)."""
    key = f"{LoginLock.Scope.USERNAME}:{account}"
    get_redis().delete(FAIL_PREFIX + key, WAIT_PREFIX + key)


def lock_clear(lock: LoginLock) -> None:
    """Service for the admin action: remove the lock, its counter and its wait."""
    key = f"{lock.scope}:{lock.value}"
    get_redis().delete(FAIL_PREFIX + key, WAIT_PREFIX + key)
    lock.delete()

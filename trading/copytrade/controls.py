"""Operator-side writes of copy trading that are not part of the copy path itself: operator API
logins (24-hour tokens, stored hashed) and the leader stream's connection state, which the stream
process reports and the status API / back office read (``selectors.leader_connection``).

Follower / leader / start-stop writes live in ``services`` (the copy core); this module only adds
what the operator surfaces need.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import authenticate
from django.utils import timezone

from accounts import bruteforce
from backoffice.redis import get_redis
from trading.copytrade import services
from trading.copytrade.choices import FollowerState
from trading.copytrade.errors import CopyError
from trading.copytrade.models import Follower
from trading.copytrade.operators import OPERATE_PERMISSION, TOKEN_HOURS, OperatorToken

TOKEN_PREFIX = "op_"  # tells operator tokens apart from trader tokens at a glance
LEADER_CONN_KEY = "copy:leader:conn"
LEADER_CONN_STATES = ("connecting", "connected", "disconnected", "stalled")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class OperatorLogin:
    token: str
    expires_at: datetime
    row: OperatorToken


def operator_login(*, username: str, password: str, ip: str | None = None) -> OperatorLogin:
    """Check an operator's Django credentials (staff + ``copytrade.operate``) and issue a 24 h
    token. Failures count towards the same brute-force locks as trader logins (key ``op:<name>``).
    Raises ``CopyError`` with code ``login_locked`` / ``invalid_credentials`` / ``not_operator``."""
    lock_name = f"op:{username}"
    if bruteforce.active_lock(lock_name, ip) is not None:
        raise CopyError("login_locked", "too many failed logins; try again later")
    user = authenticate(username=username, password=password)
    if user is None:
        bruteforce.record_failure(lock_name, ip)
        raise CopyError("invalid_credentials", "wrong username or password")
    if not (user.is_active and user.is_staff and user.has_perm(OPERATE_PERMISSION)):
        raise CopyError("not_operator", "this user may not operate copy trading")
    bruteforce.record_success(lock_name, ip)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    row = OperatorToken.objects.create(
        user=user,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=TOKEN_HOURS),
        ip=ip,
    )
    return OperatorLogin(token, row.expires_at, row)


def operator_logout(*, row: OperatorToken) -> None:
    """Revoke one token now (idempotent)."""
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])


def leader_connection_report(*, state: str, detail: str = "") -> None:
    """Called by the leader watcher (stream process) on every state change and as a heartbeat
    (at least every 20 s while connected): ``connecting`` / ``connected`` / ``disconnected`` /
    ``stalled``. Readers treat a report older than 60 s as ``unknown`` (stream process gone)."""
    if state not in LEADER_CONN_STATES:
        raise ValueError(f"unknown leader connection state {state!r}")
    mapping = {"state": state, "detail": detail[:200], "at_ms": int(time.time() * 1000)}
    get_redis().hset(LEADER_CONN_KEY, mapping=mapping)


def follower_pause(*, follower: Follower) -> Follower:
    """Pause an ACTIVE follower. A DISABLED one stays DISABLED (pausing it would let a later
    resume skip the key check): verify it instead."""
    if follower.state == FollowerState.DISABLED:
        raise CopyError("follower_disabled", "verify the follower's keys first")
    if follower.state == FollowerState.PENDING:
        raise CopyError("follower_pending", "the follower's keys are still being verified")
    return services.follower_set_state(follower=follower, state=FollowerState.PAUSED)


def follower_resume(*, follower: Follower) -> Follower:
    """Resume a PAUSED follower (``services`` refuses a DISABLED one)."""
    return services.follower_set_state(follower=follower, state=FollowerState.ACTIVE)

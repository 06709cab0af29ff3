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

from django.utils import timezone
from redis.typing import EncodableT, FieldT

from accounts.errors import OTP_SETUP_REQUIRED
from accounts.staff_login import staff_login
from kernel.redis import get_redis
from kernel.refusals import Refused
from trading.copytrade.choices import FollowerState
from trading.copytrade.errors import FOLLOWER_DISABLED, FOLLOWER_PENDING
from trading.copytrade.models import OPERATE_PERMISSION, TOKEN_HOURS, Follower, OperatorToken
from trading.copytrade.services import followers as services

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


def operator_login(
    *, username: str, password: str, ip: str | None = None, otp_token: str = ""
) -> OperatorLogin:
    """Check an operator's Django credentials (staff + ``copytrade.operate``, TOTP when the user
    has a device) through the same waits, locks and audit as every login
    (``accounts.staff_login``) and issue a 24 h token. Raises ``Refused`` (``login_locked``,
    ``invalid_credentials``, ``not_operator``, ``otp_required``, ``otp_invalid``,
    ``otp_setup_required`` when two-factor is required and not yet set up in the admin)."""
    login = staff_login(
        username=username,
        password=password,
        ip=ip,
        via="operator_api",
        otp_token=otp_token,
        permission=OPERATE_PERMISSION,
    )
    if login.needs_enrolment:
        raise Refused(OTP_SETUP_REQUIRED)
    user = login.user
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
    now_ms = int(time.time() * 1000)
    mapping: dict[FieldT, EncodableT] = {"state": state, "detail": detail[:200], "at_ms": now_ms}
    r = get_redis()
    if r.hget(LEADER_CONN_KEY, "state") != state:  # ``since_ms``: when this state began
        mapping["since_ms"] = now_ms
    r.hset(LEADER_CONN_KEY, mapping=mapping)


def follower_pause(*, follower: Follower) -> Follower:
    """Pause an ACTIVE follower. A DISABLED one stays DISABLED (pausing it would let a later
    resume skip the key check): verify it instead."""
    if follower.state == FollowerState.DISABLED:
        raise Refused(FOLLOWER_DISABLED)
    if follower.state == FollowerState.PENDING:
        raise Refused(FOLLOWER_PENDING)
    return services.follower_set_state(follower=follower, state=FollowerState.PAUSED)


def follower_resume(*, follower: Follower) -> Follower:
    """Resume a PAUSED follower (``services`` refuses a DISABLED one)."""
    return services.follower_set_state(follower=follower, state=FollowerState.ACTIVE)

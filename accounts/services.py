"""Writes of the accounts app: traders, client sessions, audit. Views and admin call these."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NoReturn

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts import bruteforce
from accounts.choices import AuditAction, SessionEndReason
from accounts.errors import (
    ACCOUNT_DISABLED,
    ACCOUNT_EXPIRED,
    DEVICE_NOT_ALLOWED,
    INVALID_CREDENTIALS,
    LOGIN_LOCKED,
)
from accounts.models import AuditEvent, ClientSession, Device, ExchangeCredential, Trader
from accounts.session_cache import (
    session_cache_drop,
    session_cache_put,
    token_hash,
    trader_cache_put,
)
from kernel import metrics
from kernel.refusals import Refused

log = logging.getLogger("fleet.accounts")


def audit_record(
    *,
    action: str,
    trader: Trader | None = None,
    username: str = "",
    actor=None,
    reason: str = "",
    ip: str | None = None,
    device_id: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit row (never fails the caller's action for a logging problem)."""
    return AuditEvent.objects.create(
        action=action,
        trader=trader,
        username=username or (trader.username if trader else ""),
        actor=actor,
        reason=reason,
        ip=ip,
        device_id=device_id[:128],
        detail=detail or {},
    )


# --- traders --------------------------------------------------------------------------------------


@sensitive_variables("password")
@transaction.atomic
def trader_create(
    *,
    username: str,
    password: str,
    expires_at: datetime,
    display_name: str = "",
    order_amount: Decimal = Decimal("10"),
    language: str = "zh-hans",
    actor=None,
) -> Trader:
    """Register a trader; the password is hashed (argon2 in production), never stored or logged."""
    trader = Trader(
        username=username,
        display_name=display_name,
        expires_at=expires_at,
        order_amount=order_amount,
        language=language,
    )
    trader.set_password(password)
    trader.full_clean()
    trader.save()
    audit_record(
        action=AuditAction.TRADER_CREATED,
        trader=trader,
        actor=actor,
        detail={"expires_at": expires_at.isoformat()},
    )
    transaction.on_commit(lambda: trader_cache_put(trader))
    return trader


@sensitive_variables("password")
@transaction.atomic
def trader_update(*, trader: Trader, actor=None, password: str | None = None, **fields) -> Trader:
    """Change any of display_name, expires_at, is_disabled, order_amount, language (+password)."""
    changed = {k: str(v) for k, v in fields.items() if getattr(trader, k) != v}
    for key, value in fields.items():
        setattr(trader, key, value)
    if password:
        trader.set_password(password)
        changed["password"] = "***"
    trader.full_clean()
    trader.save()
    if changed:
        audit_record(action=_change_action(changed), trader=trader, actor=actor, detail=changed)
    if reason := _sessions_end_reason(trader, changed):
        sessions_end_all(trader=trader, reason=reason)
    transaction.on_commit(lambda: trader_cache_put(trader))
    return trader


def _sessions_end_reason(trader: Trader, changed: dict) -> str | None:
    """A new password, a disable or an expiry ends every session of the trader at once."""
    if "password" in changed:
        return SessionEndReason.PASSWORD_CHANGED
    if trader.is_disabled and "is_disabled" in changed:
        return SessionEndReason.DISABLED
    if trader.is_expired and "expires_at" in changed:
        return SessionEndReason.ACCOUNT_EXPIRED
    return None


def _change_action(changed: dict) -> str:
    if "is_disabled" in changed:
        return (
            AuditAction.TRADER_DISABLED
            if changed["is_disabled"] == "True"
            else AuditAction.TRADER_ENABLED
        )
    if set(changed) == {"expires_at"}:
        return AuditAction.TRADER_EXTENDED
    return AuditAction.TRADER_CHANGED


def trader_extend(*, trader: Trader, days: int, actor=None) -> Trader:
    """Extend from now or from the current expiry, whichever is later (restores an expired one)."""
    base = max(trader.expires_at, timezone.now())
    return trader_update(trader=trader, actor=actor, expires_at=base + timedelta(days=days))


def trader_set_disabled(*, trader: Trader, disabled: bool, actor=None) -> Trader:
    return trader_update(trader=trader, actor=actor, is_disabled=disabled)


# --- sessions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    token: str
    session: ClientSession
    trader: Trader


@sensitive_variables("password")
def session_login(*, username: str, password: str, device_id: str, ip: str | None) -> LoginResult:
    """Check waits and locks, credentials, account state and device; open a 24 h session.
    Raises Refused. Only an existing trader's own name is ever counted or locked
    (``accounts.bruteforce``), so a made-up username cannot lock a real one."""
    trader = Trader.objects.filter(username=username).first()
    account = trader.username if trader else None
    blocked = bruteforce.login_gate(account=account, ip=ip)
    if blocked:
        _refuse(LOGIN_LOCKED, username, ip, device_id, trader=trader, detail=blocked.detail)
    if trader is None or not trader.check_password(password):
        retry = bruteforce.login_failed(account=account, ip=ip)
        _refuse(
            INVALID_CREDENTIALS,
            username,
            ip,
            device_id,
            trader=trader,
            detail={"retry_after_s": retry} if retry else None,
        )
    if trader.is_disabled:
        _refuse(ACCOUNT_DISABLED, username, ip, device_id, trader=trader)
    if trader.is_expired:
        _refuse(
            ACCOUNT_EXPIRED,
            username,
            ip,
            device_id,
            trader=trader,
            detail={"expired_at": trader.expires_at.isoformat()},
        )
    if not device_allowed(device_id):
        _refuse(
            DEVICE_NOT_ALLOWED,
            username,
            ip,
            device_id,
            trader=trader,
            detail={"device_id": device_id},
        )
    bruteforce.login_succeeded(account=trader.username)
    return _open_session(trader, device_id, ip)


def _refuse(refusal, username, ip, device_id, trader=None, detail=None) -> NoReturn:
    audit_record(
        action=AuditAction.LOGIN_REFUSED,
        trader=trader,
        username=username,
        reason=refusal.code,
        ip=ip,
        device_id=device_id,
    )
    log.info("login refused user=%s reason=%s ip=%s", username, refusal.code, ip)
    metrics.safely(metrics.LOGIN_REFUSALS.labels(refusal.code).inc)
    raise Refused(refusal, detail)


def device_allowed(device_id: str) -> bool:
    if settings.APP_MODE != "device_whitelist":
        return True
    return Device.objects.filter(device_id=device_id, revoked_at__isnull=True).exists()


@transaction.atomic
def _open_session(trader: Trader, device_id: str, ip: str | None) -> LoginResult:
    """Write the session and fill its Redis mirror before the commit: with Redis down the login
    fails whole (503) instead of leaving a session row behind that no client holds."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    session = ClientSession.objects.create(
        trader=trader,
        token_hash=token_hash(token),
        device_id=device_id[:128],
        ip=ip,
        created_at=now,
        expires_at=now + timedelta(hours=settings.CLIENT_SESSION_HOURS),
    )
    audit_record(action=AuditAction.LOGIN, trader=trader, ip=ip, device_id=device_id)
    _cache_session(session, trader)
    log.info("login user=%s session=%s device=%s", trader.username, session.pk, device_id)
    return LoginResult(token=token, session=session, trader=trader)


def _cache_session(session: ClientSession, trader: Trader) -> None:
    session_cache_put(session.token_hash, trader.pk, session.expires_at.timestamp())
    trader_cache_put(trader)


def session_logout(*, session: ClientSession, ip: str | None = None) -> None:
    session_end(session=session, reason=SessionEndReason.LOGOUT)
    audit_record(
        action=AuditAction.LOGOUT, trader=session.trader, ip=ip, device_id=session.device_id
    )
    log.info("logout user=%s session=%s", session.trader.username, session.pk)


def session_end(*, session: ClientSession, reason: str) -> None:
    if session.ended_at is None:
        session.ended_at = timezone.now()
        session.end_reason = reason
        session.save(update_fields=["ended_at", "end_reason"])
    session_cache_drop(session.token_hash)


@transaction.atomic
def sessions_end_all(*, trader: Trader | None = None, device_id: str = "", reason: str) -> int:
    """End every open session of a trader (or of a device) now, Redis mirror included. The
    mirror is dropped inside the transaction (Redis down: nothing is ended, the caller sees the
    error) and again after the commit (a pull in between may have refilled it from the rows)."""
    sessions = ClientSession.objects.select_for_update().filter(ended_at__isnull=True)
    sessions = sessions.filter(trader=trader) if trader else sessions.filter(device_id=device_id)
    hashes = list(sessions.values_list("token_hash", flat=True))
    if not hashes:
        return 0
    ClientSession.objects.filter(token_hash__in=hashes).update(
        ended_at=timezone.now(), end_reason=reason
    )
    session_cache_drop(*hashes)
    transaction.on_commit(lambda: session_cache_drop(*hashes))
    log.info("sessions ended n=%d reason=%s", len(hashes), reason)
    return len(hashes)


def sessions_sweep_expired() -> int:
    """Mark sessions past their 24 h as ended (their cache keys expire on their own TTL)."""
    return ClientSession.objects.filter(
        ended_at__isnull=True, expires_at__lte=timezone.now()
    ).update(ended_at=timezone.now(), end_reason=SessionEndReason.EXPIRED)


def session_revoke(*, session: ClientSession, actor=None) -> None:
    """Admin action: end a session now; the client's next call answers ``invalid_token``."""
    session_end(session=session, reason=SessionEndReason.REVOKED)
    audit_record(
        action=AuditAction.SESSION_REVOKED,
        trader=session.trader,
        actor=actor,
        device_id=session.device_id,
        detail={"session_id": session.pk},
    )


# --- devices, locks, credentials (admin writes) ---------------------------------------------------


@transaction.atomic
def device_save(*, device: Device | None = None, device_id: str, label: str, actor=None) -> Device:
    """Register a whitelisted device or relabel one (APP_MODE=device_whitelist)."""
    device = device or Device()
    created = device.pk is None
    device.device_id, device.label = device_id.strip(), label
    device.full_clean()
    device.save()
    audit_record(
        action=AuditAction.DEVICE_CHANGED,
        actor=actor,
        device_id=device.device_id,
        reason="registered" if created else "changed",
        detail={"label": label},
    )
    return device


@transaction.atomic
def device_set_revoked(*, device: Device, revoked: bool, actor=None) -> Device:
    """Revoke (no further logins from it, its open sessions end now) or restore a device."""
    device.revoked_at = timezone.now() if revoked else None
    device.save(update_fields=["revoked_at"])
    if revoked:
        sessions_end_all(device_id=device.device_id, reason=SessionEndReason.DEVICE_REVOKED)
    audit_record(
        action=AuditAction.DEVICE_CHANGED,
        actor=actor,
        device_id=device.device_id,
        reason="revoked" if revoked else "restored",
    )
    return device


def login_lock_clear(*, lock, actor=None) -> None:
    """Admin action: lift a brute-force lock (and its failure counter) and audit who did it."""
    bruteforce.lock_clear(lock)
    audit_record(
        action=AuditAction.LOCK_CLEARED,
        username=lock.value if lock.scope == "username" else "",
        ip=lock.value if lock.scope == "ip" else None,
        actor=actor,
        reason=lock.scope,
    )


SECRET_FIELDS = ("api_key", "api_secret", "passphrase")


@sensitive_variables("fields")
@transaction.atomic
def credential_save(
    *, credential: ExchangeCredential | None = None, actor=None, **fields
) -> ExchangeCredential:
    """Create or change an exchange credential. A secret passed as ``None`` or ``""`` keeps its
    stored value (the admin form leaves blank what it does not change); the audit names the
    changed fields only, never their values."""
    credential = credential or ExchangeCredential()
    created = credential.pk is None
    changed = []
    for name, value in fields.items():
        if name in SECRET_FIELDS and not value and not created:
            continue
        if getattr(credential, name) != value:
            setattr(credential, name, value)
            changed.append(name)
    credential.full_clean()
    credential.save()
    audit_record(
        action=AuditAction.CREDENTIAL_CHANGED,
        trader=credential.owner,
        actor=actor,
        reason="created" if created else "changed",
        detail={"credential_id": credential.pk, "fields": sorted(changed)},
    )
    return credential

"""Password logins of Django staff users — the admin (``/admin/login/``) and the copy operators'
API (``/api/v1/copy/operator-login``): the same waits, locks and audit as trader logins
(``accounts.bruteforce``, ``AuditEvent``), and TOTP two-factor (django-otp) for users who have a
confirmed device. With ``ADMIN_REQUIRE_2FA=1`` a user holding ``copytrade.operate`` must have one:
the admin sends them to enrol (``backoffice.two_factor``), the operator API refuses them until
they have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.views.decorators.debug import sensitive_variables
from django_otp import match_token, user_has_device

from accounts import bruteforce
from accounts.choices import AuditAction
from accounts.errors import STAFF_REFUSALS
from accounts.services import audit_record
from kernel.refusals import Refused

OPERATE_PERMISSION = "copytrade.operate"  # declared by trading.copytrade.models


@dataclass(frozen=True)
class StaffLogin:
    user: Any
    verified: bool  # a TOTP code was checked in this login
    needs_enrolment: bool  # 2FA is required for this user and no device is set up yet


def two_factor_required(user) -> bool:
    """``ADMIN_REQUIRE_2FA`` makes TOTP compulsory for users who may operate copy trading."""
    return bool(settings.ADMIN_REQUIRE_2FA) and user.has_perm(OPERATE_PERMISSION)


def staff_account(username: str) -> str | None:
    """The lock key of an existing Django user, under its stored name (else None)."""
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    name = user_model._default_manager.filter(**{field: username}).values_list(field, flat=True)
    stored = name.first()
    return f"{bruteforce.STAFF_PREFIX}{stored}" if stored else None


@sensitive_variables("password", "otp_token")
def staff_login(
    *,
    username: str,
    password: str,
    ip: str | None,
    via: str,
    otp_token: str = "",
    permission: str | None = None,
    request=None,
) -> StaffLogin:
    """Check waits and locks, the password, staff status (and ``permission``), then the TOTP
    code when the user has a device. A wrong code counts as a failed login. Raises
    ``Refused`` (``login_locked``, ``invalid_credentials``, ``otp_required``, ``otp_invalid``,
    ``not_operator`` — audited as ``not_staff``); every outcome is audited with the client IP."""
    account = staff_account(username)
    blocked = bruteforce.login_gate(account=account, ip=ip)
    if blocked:
        _refuse("login_locked", username, ip, via, blocked.detail)
    user = authenticate(request, username=username, password=password)
    if user is None:
        _fail("invalid_credentials", username, account, ip, via)
    if not (user.is_active and user.is_staff and (not permission or user.has_perm(permission))):
        _refuse("not_staff", username, ip, via, actor=user)
    verified = False
    if user_has_device(user):
        if not otp_token:
            _refuse("otp_required", username, ip, via, actor=user)
        device = match_token(user, otp_token.strip())
        if device is None:
            _fail("otp_invalid", username, account, ip, via, actor=user)
        # django-otp marks the session verified on auth login when the user object carries the
        # matched device as ``otp_device``: an attribute it adds, which the User stubs do not know
        user.otp_device = device  # type: ignore[attr-defined]
        verified = True
    if account:
        bruteforce.login_succeeded(account=account)
    audit_record(
        action=AuditAction.LOGIN, username=username, actor=user, ip=ip, detail={"via": via}
    )
    return StaffLogin(user, verified, two_factor_required(user) and not verified)


def _fail(code: str, username: str, account: str | None, ip, via: str, actor=None) -> NoReturn:
    retry = bruteforce.login_failed(account=account, ip=ip)
    _refuse(code, username, ip, via, {"retry_after_s": retry} if retry else None, actor=actor)


def _refuse(code: str, username: str, ip, via: str, detail=None, actor=None) -> NoReturn:
    audit_record(
        action=AuditAction.LOGIN_REFUSED,
        username=username,
        actor=actor,
        reason=code,
        ip=ip,
        detail={"via": via},
    )
    raise Refused(STAFF_REFUSALS[code], detail)

"""Who may call the copy-trading operator API: Django staff users with ``copytrade.operate``
(superusers have it implicitly), authenticated either by the admin's session (browser) or by an
operator token from ``POST /api/v1/copy/operator-login`` (``Authorization: Token op_…``)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission

from accounts.api_auth import token_from_header
from accounts.staff_login import two_factor_required
from trading.copytrade.models import OPERATE_PERMISSION
from trading.copytrade.selectors import operator_token_resolve


class OperatorTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <operator token>``; ``request.auth`` is the ``OperatorToken`` row."""

    def authenticate(self, request):
        token = token_from_header(request.META.get("HTTP_AUTHORIZATION"))
        if token is None:
            return None
        row = operator_token_resolve(token)
        if row is None or not row.user.is_active:
            raise exceptions.AuthenticationFailed()
        return row.user, row

    def authenticate_header(self, request) -> str:
        return "Token"


class IsCopyOperator(BasePermission):
    """A logged-in, active staff user holding ``copytrade.operate``."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user is not None
            and user.is_authenticated
            and user.is_active
            and user.is_staff
            and user.has_perm(OPERATE_PERMISSION)
            and not _session_needs_second_factor(request, user)
        )


def _session_needs_second_factor(request, user) -> bool:
    """An admin browser session of a user who must use two-factor (``ADMIN_REQUIRE_2FA``) counts
    only once a TOTP code verified it (operator tokens were checked at their own login)."""
    if not isinstance(request.successful_authenticator, SessionAuthentication):
        return False
    verified = getattr(user, "is_verified", lambda: False)()
    return two_factor_required(user) and not verified


OPERATOR_AUTH = [OperatorTokenAuthentication, SessionAuthentication]
OPERATOR_PERMISSIONS = [IsCopyOperator]


class OperatorTokenScheme(OpenApiAuthenticationExtension):
    target_class = "trading.copytrade.api_auth.OperatorTokenAuthentication"
    name = "operatorToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token op_…` from POST /api/v1/copy/operator-login (24 h)",
        }

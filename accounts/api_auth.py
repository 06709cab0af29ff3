"""DRF authentication for the desktop client: ``Authorization: Token <token>`` (``Bearer`` also
accepted). ``request.user`` becomes a ``ClientPrincipal``; ``request.auth`` the raw token."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication

from accounts.selectors import session_resolve
from accounts.session_cache import SessionInfo
from kernel.refusals import Refused


@dataclass(frozen=True)
class ClientPrincipal:
    """The authenticated trader of an API request (not a Django user)."""

    info: SessionInfo
    is_authenticated: bool = True
    is_staff: bool = False

    @property
    def trader_id(self) -> int:
        return self.info.trader_id

    @property
    def pk(self) -> int:
        return self.info.trader_id


def token_from_header(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() not in ("token", "bearer") or not token:
        return None
    return token.strip()


class ClientTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        try:
            info = session_resolve(token_from_header(header))
        except Refused as exc:
            if exc.lang:  # the client sends no Accept-Language: speak the trader's language
                translation.activate(exc.lang)
            raise
        translation.activate(info.lang)
        return ClientPrincipal(info), token_from_header(header)

    def authenticate_header(self, request) -> str:
        return "Token"


class ClientTokenScheme(OpenApiAuthenticationExtension):
    """OpenAPI security scheme of the client token (without it the schema has no auth and
    ``check --deploy`` warns about every client endpoint)."""

    target_class = "accounts.api_auth.ClientTokenAuthentication"
    name = "clientToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>` from POST /api/v1/auth/login (24 h)",
        }

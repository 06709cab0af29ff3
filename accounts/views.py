"""Auth API for the desktop client: login, logout, me. Thin: validate, call a service, shape output."""

from __future__ import annotations

from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Trader
from accounts.selectors import session_for_token
from accounts.serializers import ErrorOut, LoginIn, LoginOut, TraderOut
from accounts.services import session_login, session_logout
from kernel.client_ip import request_ip
from kernel.refusals import Refused


def client_ip(request) -> str | None:
    """The real client address (behind trusted proxies: ``kernel.client_ip``)."""
    return request_ip(request)


def trader_payload(trader: Trader) -> dict:
    return TraderOut(trader).data


class LoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=LoginIn, responses={200: LoginOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
    )
    def post(self, request):
        data = LoginIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = session_login(ip=client_ip(request), **data.validated_data)
        except Refused:
            _activate_for(data.validated_data["username"])
            raise
        return Response(
            {
                "token": result.token,
                "expires_at": result.session.expires_at,
                "server_time": timezone.now(),
                "trader": trader_payload(result.trader),
            }
        )


def _activate_for(username: str) -> None:
    """Refusals speak the trader's language when the username is known."""
    lang = Trader.objects.filter(username=username).values_list("language", flat=True).first()
    if lang:
        translation.activate(lang)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None, 401: ErrorOut})
    def post(self, request):
        session = session_for_token(request.auth)
        if session is not None:
            session_logout(session=session, ip=client_ip(request))
        return Response(status=204)


class MeView(APIView):
    @extend_schema(responses={200: TraderOut, 401: ErrorOut, 403: ErrorOut})
    def get(self, request):
        session = session_for_token(request.auth)
        assert session is not None  # the authentication class let in only a live session's token
        payload = trader_payload(session.trader)
        payload["session_expires_at"] = session.expires_at
        payload["server_time"] = timezone.now()
        return Response(payload)

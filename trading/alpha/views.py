"""The Alpha API for the desktop client (``/api/v1/alpha/...``): the trader's hosted session,
the risk notice, tokens, the bot's config and controls, cycles and balances. Thin: each view
calls one service or selector; refusals are ``{code, message, detail}``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Trader
from accounts.serializers import ErrorOut
from kernel.refusals import INVALID_INPUT, NOT_FOUND, Refused
from trading.alpha import selectors
from trading.alpha.choices import AlphaEnv, CredentialSource, OffsetMode, TargetKind
from trading.alpha.errors import NO_SESSION, VENUE_UNAVAILABLE
from trading.alpha.models import AlphaBot, AlphaCredential, AlphaToken
from trading.alpha.notices_text import RISK_NOTICE
from trading.alpha.services import bots
from trading.alpha.services.catalogue import token_get
from trading.alpha.services.credentials import credential_save
from trading.alpha.services.venue import client_for
from trading.exchanges.errors import ExchangeError


def _trader(request) -> Trader:  # type: ignore[no-untyped-def]
    return Trader.objects.get(pk=request.user.pk)


def _lang(request) -> str:  # type: ignore[no-untyped-def]
    return "en" if str(getattr(request, "LANGUAGE_CODE", "zh")).startswith("en") else "zh"


# Every Alpha endpoint answers an object, or the one error shape (kernel/api_errors.py).
RESPONSES = {
    200: OpenApiTypes.OBJECT,
    201: OpenApiTypes.OBJECT,
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    503: ErrorOut,
}


class SessionIn(serializers.Serializer):
    env = serializers.ChoiceField(choices=AlphaEnv.choices)
    csrftoken = serializers.CharField(max_length=512)
    p20t = serializers.CharField(max_length=4096)
    expirationTimestamp = serializers.IntegerField(required=False, default=-1)
    consent = serializers.BooleanField()


class CredentialView(APIView):
    """``GET`` the hosted session's status; ``POST`` host the QR-bound session (consent)."""

    @extend_schema(
        operation_id="alpha_session_list",
        request=None,
        responses=RESPONSES,
    )
    def get(self, request):  # type: ignore[no-untyped-def]
        rows = AlphaCredential.objects.filter(trader_id=request.user.pk)
        return Response([{"env": c.env, "status": c.status, "source": c.source,
                          "expires_at": c.expires_at.isoformat() if c.expires_at else None,
                          "verified_at": c.verified_at.isoformat() if c.verified_at else None}
                         for c in rows])  # fmt: skip

    @extend_schema(
        operation_id="alpha_session_host",
        request=SessionIn,
        responses=RESPONSES,
    )
    def post(self, request):  # type: ignore[no-untyped-def]
        data = SessionIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        exp = v["expirationTimestamp"]
        expires = datetime.fromtimestamp(exp, tz=UTC) if exp and exp > 0 else None
        cred = credential_save(trader=_trader(request), env=v["env"], csrftoken=v["csrftoken"],
                               p20t=v["p20t"], expires_at=expires,
                               source=CredentialSource.DESKTOP_QR, consent=v["consent"])  # fmt: skip
        return Response({"env": cred.env, "status": cred.status}, status=201)


class RiskNoticeView(APIView):
    """``GET`` the notice (zh/en) and whether it was accepted; ``POST`` accept it."""

    @extend_schema(
        operation_id="alpha_risk_notice",
        request=None,
        responses=RESPONSES,
    )
    def get(self, request):  # type: ignore[no-untyped-def]
        return Response(RISK_NOTICE | {"accepted": bots.risk_accepted(_trader(request))})

    @extend_schema(
        operation_id="alpha_risk_accept",
        request=None,
        responses=RESPONSES,
    )
    def post(self, request):  # type: ignore[no-untyped-def]
        event = bots.risk_accept(trader=_trader(request), ip=request.META.get("REMOTE_ADDR"),
                                 device_id=request.META.get("HTTP_X_DEVICE_ID", "")[:128],
                                 lang=_lang(request))  # fmt: skip
        return Response({"accepted": True, "at": event.at.isoformat()}, status=201)


class TokensView(APIView):
    @extend_schema(
        operation_id="alpha_tokens",
        request=None,
        responses=RESPONSES,
    )
    def get(self, request):  # type: ignore[no-untyped-def]
        env = request.query_params.get("env", AlphaEnv.PROD)
        rows = AlphaToken.objects.filter(env=env).order_by("symbol")
        return Response([{"symbol": t.symbol, "alpha_id": t.alpha_id, "mul_point": str(t.mul_point),
                          "can_trade": t.can_trade, "min_notional": str(t.min_notional)}
                         for t in rows])  # fmt: skip


class BotIn(serializers.Serializer):
    env = serializers.ChoiceField(choices=AlphaEnv.choices)
    token = serializers.CharField(max_length=32)
    target_kind = serializers.ChoiceField(choices=TargetKind.choices)
    target_value = serializers.DecimalField(max_digits=28, decimal_places=8, min_value=Decimal(0))
    offset_mode = serializers.ChoiceField(choices=OffsetMode.choices)
    buy_offset = serializers.DecimalField(max_digits=28, decimal_places=8)
    sell_offset = serializers.DecimalField(max_digits=28, decimal_places=8)
    order_usdt = serializers.DecimalField(max_digits=28, decimal_places=8, min_value=Decimal(0))
    timeout_s = serializers.IntegerField(min_value=5, default=300)
    swing_pct = serializers.DecimalField(max_digits=10, decimal_places=4, default=Decimal(2))
    wear_cap = serializers.DecimalField(max_digits=28, decimal_places=8, required=False,
                                        allow_null=True, default=None)  # fmt: skip


class BotsView(APIView):
    """``GET`` the trader's bots; ``PUT`` configure one (by env + token)."""

    @extend_schema(
        operation_id="alpha_bots",
        request=None,
        responses=RESPONSES,
    )
    def get(self, request):  # type: ignore[no-untyped-def]
        rows = AlphaBot.objects.filter(trader_id=request.user.pk).select_related("token")
        return Response([selectors.bot_json(b, _lang(request)) for b in rows])

    @extend_schema(
        operation_id="alpha_bot_configure",
        request=BotIn,
        responses=RESPONSES,
    )
    def put(self, request):  # type: ignore[no-untyped-def]
        data = BotIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        trader = _trader(request)
        cred = AlphaCredential.objects.filter(trader=trader, env=v["env"]).first()
        if cred is None:
            raise Refused(NO_SESSION)
        try:
            token = token_get(env=v.pop("env"), name=v.pop("token"))
            bot = bots.bot_configure(trader=trader, token=token, credential=cred, **v)
        except ExchangeError as exc:
            raise Refused(VENUE_UNAVAILABLE, reason=exc) from None
        return Response(selectors.bot_json(bot, _lang(request)))


ACTIONS = {"start": bots.bot_start, "pause": bots.bot_pause, "resume": bots.bot_resume,
           "stop": bots.bot_stop, "sweep": bots.bot_sweep}  # fmt: skip


def _bot(request, bot_id: int) -> AlphaBot:  # type: ignore[no-untyped-def]
    bot = AlphaBot.objects.select_related("token", "credential").filter(
        pk=bot_id, trader_id=request.user.pk).first()  # fmt: skip
    if bot is None:
        raise Refused(NOT_FOUND)
    return bot


class BotActionView(APIView):
    """``POST /alpha/bots/{id}/{start|pause|resume|stop|sweep}``."""

    @extend_schema(
        operation_id="alpha_bot_action",
        request=None,
        responses=RESPONSES,
    )
    def post(self, request, bot_id: int, action: str):  # type: ignore[no-untyped-def]
        _bot(request, bot_id)
        if action not in ACTIONS:
            raise Refused(NOT_FOUND)
        try:
            ACTIONS[action](bot_id=bot_id)
        except ExchangeError as exc:
            raise Refused(VENUE_UNAVAILABLE, reason=exc) from None
        return Response(selectors.bot_json(_bot(request, bot_id), _lang(request)))


class CyclesView(APIView):
    @extend_schema(
        operation_id="alpha_bot_cycles",
        request=None,
        responses=RESPONSES,
    )
    def get(self, request, bot_id: int):  # type: ignore[no-untyped-def]
        try:
            limit = max(1, min(500, int(request.query_params.get("limit", 50))))
        except (TypeError, ValueError, InvalidOperation):
            raise Refused(INVALID_INPUT) from None
        return Response(selectors.cycle_rows(_bot(request, bot_id), limit))


class BalancesView(APIView):
    """Free / locked / total of USDT and the bot's token, read from the venue now (the token
    from the Alpha wallet; USDT's total from the asset list, its locked part = what our open
    buy legs hold)."""

    @extend_schema(
        operation_id="alpha_bot_balances",
        request=None,
        responses=RESPONSES,
    )
    def get(self, request, bot_id: int):  # type: ignore[no-untyped-def]
        bot = _bot(request, bot_id)

        async def read() -> tuple[dict[str, Any], dict[str, Decimal]]:
            async with client_for(bot.credential) as client:
                return await client.wallet(), await client.asset_totals()

        try:
            wallet, totals = asyncio.run(read())
        except ExchangeError as exc:
            raise Refused(VENUE_UNAVAILABLE, reason=exc) from None
        token = wallet.get(bot.token.alpha_id)
        t_free, t_locked = (token.free, token.locked) if token else (Decimal(0), Decimal(0))
        usdt_total = totals.get("USDT", Decimal(0))
        usdt_locked = selectors.usdt_held(bot)
        p = selectors.plain
        return Response({
            "USDT": {"free": p(usdt_total - usdt_locked), "locked": p(usdt_locked),
                     "total": p(usdt_total)},
            bot.token.alpha_id: {"free": p(t_free), "locked": p(t_locked),
                                 "total": p(t_free + t_locked)},
        })  # fmt: skip

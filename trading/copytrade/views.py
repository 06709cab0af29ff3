"""The copy-trading operator API under ``/api/v1/`` (docs/products.md copy-trading §5): followers,
leader, global start / stop, status, and the operator login. Thin: validate, call a service /
selector, shape output. Every refusal is ``{code, message, detail}`` (``backoffice.api.errors``)."""

from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import ErrorOut
from accounts.staff_login import StaffRefused
from backoffice.api.errors import ApiError
from backoffice.client_ip import request_ip
from trading.copytrade import selectors
from trading.copytrade.api_auth import OPERATOR_AUTH, OPERATOR_PERMISSIONS
from trading.copytrade.errors import CopyError
from trading.copytrade.models import Follower, Leader
from trading.copytrade.serializers import (
    FollowerCreatedOut,
    FollowerIn,
    FollowerOut,
    FollowerPatchIn,
    LeaderIn,
    LeaderOut,
    LeaderSetOut,
    OperatorLoginIn,
    OperatorLoginOut,
    RunningOut,
    StatusOut,
    VerifyOut,
    check_pair,
)
from trading.copytrade.services import controls
from trading.copytrade.services import followers as services
from trading.exchanges.venue_errors import explain_text

TAG = ["copytrade"]
AUTH_ERRORS = {401: ErrorOut, 403: ErrorOut}
COPY_ERROR_STATUS = {"login_locked": 429, "invalid_credentials": 401, "not_operator": 403}
COPY_ERROR_STATUS |= {"otp_required": 401, "otp_invalid": 401, "otp_setup_required": 403}
COPY_ERROR_MESSAGES = {
    "login_locked": _("登录失败次数过多，请稍后再试"),
    "invalid_credentials": _("用户名或密码错误"),
    "not_operator": _("该用户没有跟单操作权限"),
    "otp_required": _("请输入两步验证的动态验证码"),
    "otp_invalid": _("动态验证码错误"),
    "otp_setup_required": _("请先在后台设置两步验证"),
    "follower_disabled": _("跟单账户已停用，请先验证密钥"),
    "follower_pending": _("跟单账户的密钥正在验证，验证通过后自动开始跟单"),
}
STATUS_EVENTS = 20
log = logging.getLogger("fleet.copytrade.operator")


def log_action(request, action: str, target: object = "") -> None:
    """One INFO line per operator write (who, what, which) — never a key or a secret."""
    user = getattr(request.user, "username", "?")
    log.info("operator %s: %s %s", user, action, target)


def staff_refusal(exc: StaffRefused) -> ApiError:
    """A refused operator login in the API error shape (``not_staff`` reads ``not_operator``)."""
    code = "not_operator" if exc.code == "not_staff" else exc.code
    return ApiError(code, COPY_ERROR_MESSAGES[code], COPY_ERROR_STATUS[code], exc.detail)


def copy_error(exc: CopyError) -> ApiError:
    message = COPY_ERROR_MESSAGES.get(exc.code, exc.message)
    return ApiError(exc.code, message, COPY_ERROR_STATUS.get(exc.code, 409))


# --- payloads ----------------------------------------------------------------------------------
def error_words(raw: str) -> str:
    """A stored venue error in the caller's language (``Accept-Language``) from the one catalogue
    (``trading.exchanges.venue_errors``); the raw ``[venue code] message`` stays in its own field."""
    return explain_text(raw, get_language()).text if raw else ""


def follower_payload(row: selectors.FollowerRow) -> dict[str, Any]:
    f, bal, last = row.follower, row.balance, row.last_copy
    return {
        "id": f.pk,
        "name": f.name,
        "exchange": f.venue,
        "env": f.environment,
        "state": f.state,
        "api_key_masked": f.credential.api_key_masked,
        "has_passphrase": bool(f.credential.passphrase),
        "freeUSDT": bal.usdt if bal else None,
        "freeBTC": bal.btc if bal else None,
        "balance_age_s": round(bal.age_s, 1) if bal else None,
        "last_error": f.last_error,
        "last_error_text": error_words(f.last_error),
        "last_copy": last_copy_payload(last) if last else None,
        "created_at": f.created_at,
    }


def last_copy_payload(ex) -> dict[str, Any]:
    return {
        "event_id": ex.event_id,
        "side": ex.side,
        "ratio": ex.event.ratio,
        "requested": ex.requested,
        "status": ex.status,
        "filled_base": ex.filled_base,
        "filled_quote": ex.filled_quote,
        "error": ex.error,
        "error_text": error_words(ex.error),
        "skip_reason": ex.skip_reason,
        "latency_ms": ex.latency_ms,
        "at": ex.updated_at,
    }


def leader_payload(leader: Leader, conn: selectors.LeaderConnection) -> dict[str, Any]:
    cred = leader.credential
    return {
        "id": leader.pk,
        "exchange": cred.venue,
        "env": cred.environment,
        "api_key_masked": cred.api_key_masked,
        "connected": conn.connected,
        "connection": conn.state,
        "connection_detail": conn.detail,
    }


def event_payload(s: selectors.EventSummary) -> dict[str, Any]:
    e = s.event
    return {
        "id": e.pk,
        "t": e.received_at,
        "leader_order_id": e.leader_order_id,
        "type": e.side,
        "ratio": e.ratio,
        "x_percent": s.percent,
        "filled_base": e.filled_base,
        "filled_quote": e.filled_quote,
        "fanout": s.fanout,
        "ok": s.ok,
        "fail": s.fail,
        "skipped": s.skipped,
        "pending": s.pending,
        "latency_ms": s.latency_ms,
        "not_copied_reason": e.not_copied_reason,
    }


def one_follower(follower: Follower) -> dict[str, Any]:
    return FollowerOut(follower_payload(selectors.follower_rows([follower])[0])).data


def _follower(pk: int) -> Follower:
    follower = selectors.followers_queryset().filter(pk=pk).first()
    if follower is None:
        raise ApiError("not_found", _("跟单账户不存在"), 404, {"id": pk})
    return follower


class OperatorView(APIView):
    authentication_classes = OPERATOR_AUTH
    permission_classes = OPERATOR_PERMISSIONS


# --- operator login ----------------------------------------------------------------------------
class OperatorLoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAG,
        summary="Operator login: a 24-hour token for the operator API",
        request=OperatorLoginIn,
        responses={
            200: OperatorLoginOut,
            400: ErrorOut,
            401: ErrorOut,
            403: ErrorOut,
            429: ErrorOut,
        },
    )
    def post(self, request):
        data = OperatorLoginIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            login = controls.operator_login(ip=request_ip(request), **data.validated_data)
        except StaffRefused as exc:
            raise staff_refusal(exc) from None
        body = {
            "token": login.token,
            "expires_at": login.expires_at,
            "username": login.row.user.username,
        }
        return Response(OperatorLoginOut(body).data)


class OperatorLogoutView(OperatorView):
    @extend_schema(
        tags=TAG,
        summary="Revoke the calling operator token",
        request=None,
        responses={204: None, **AUTH_ERRORS},
    )
    def post(self, request):
        from trading.copytrade.models import OperatorToken

        if isinstance(request.auth, OperatorToken):
            controls.operator_logout(row=request.auth)
        return Response(status=204)


# --- followers ---------------------------------------------------------------------------------
class AccountListView(OperatorView):
    @extend_schema(
        tags=TAG,
        summary="Followers with balances, state and last copy",
        responses={200: FollowerOut(many=True), **AUTH_ERRORS},
    )
    def get(self, request):
        rows = selectors.follower_rows()
        return Response(FollowerOut([follower_payload(r) for r in rows], many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Add a follower (keys encrypted at rest, never returned)",
        request=FollowerIn,
        responses={201: FollowerCreatedOut, 400: ErrorOut, **AUTH_ERRORS},
    )
    def post(self, request):
        data = FollowerIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        follower = services.follower_add(
            name=v["name"],
            venue=v["exchange"],
            environment=v["env"],
            api_key=v["api_key"],
            api_secret=v["api_secret"],
            passphrase=v.get("passphrase", ""),
        )
        log_action(
            request, "follower_create", f"{follower.pk} {follower.venue}/{follower.environment}"
        )
        return Response({**one_follower(follower), "status": "CREATED"}, status=201)


class AccountDetailView(OperatorView):
    @extend_schema(
        tags=TAG, summary="One follower", responses={200: FollowerOut, 404: ErrorOut, **AUTH_ERRORS}
    )
    def get(self, request, pk: int):
        return Response(one_follower(_follower(pk)))

    @extend_schema(
        tags=TAG,
        summary="Change name / exchange / env / keys (new keys clear the last error)",
        request=FollowerPatchIn,
        responses={200: FollowerOut, 400: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    )
    def patch(self, request, pk: int):
        follower = _follower(pk)
        data = FollowerPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        cred = follower.credential
        errors = check_pair(
            v.get("exchange", cred.venue),
            v.get("env", cred.environment),
            v.get("passphrase", cred.passphrase),
        )
        if errors:
            raise ApiError("invalid_input", _("输入有误"), 400, errors)
        renames = {"exchange": "venue", "env": "environment"}
        fields = {renames.get(k, k): val for k, val in v.items()}
        follower = services.follower_update(follower=follower, **fields)
        log_action(request, "follower_update", f"{follower.pk} fields={sorted(fields)}")
        return Response(one_follower(follower))

    @extend_schema(
        tags=TAG,
        summary="Delete a follower, its copies and its keys",
        responses={204: None, 404: ErrorOut, **AUTH_ERRORS},
    )
    def delete(self, request, pk: int):
        services.follower_delete(follower=_follower(pk))
        log_action(request, "follower_delete", pk)
        return Response(status=204)


class AccountVerifyView(OperatorView):
    @extend_schema(
        tags=TAG,
        summary="Check the follower's keys by reading its balances",
        description="Bad keys: ok=false with the venue's error and the follower DISABLED. "
        "Good keys: balances cached, error cleared (a DISABLED follower becomes PAUSED).",
        request=None,
        responses={200: VerifyOut, 404: ErrorOut, 504: ErrorOut, **AUTH_ERRORS},
    )
    def post(self, request, pk: int):
        follower = _follower(pk)
        try:
            result = services.follower_verify(follower=follower)
            log_action(request, "follower_verify", f"{pk} ok={result.ok}")
        except (FutureTimeout, TimeoutError):
            raise ApiError("venue_timeout", _("交易所无响应，请稍后重试"), 504) from None
        follower.refresh_from_db(fields=["state"])
        body = {
            "ok": result.ok,
            "freeUSDT": result.free_usdt,
            "freeBTC": result.free_btc,
            "error": result.error,
            "error_text": error_words(result.error),
            "state": follower.state,
        }
        return Response(VerifyOut(body).data)


class _StateView(OperatorView):
    state_change = staticmethod(controls.follower_resume)

    def post(self, request, pk: int):
        follower = _follower(pk)
        try:
            self.state_change(follower=follower)
            log_action(request, self.state_change.__name__, pk)
        except CopyError as exc:
            raise copy_error(exc) from None
        return Response(one_follower(follower))


def _state_schema(summary: str):
    """The OpenAPI description shared by pause and resume."""
    return extend_schema(
        tags=TAG,
        summary=summary,
        request=None,
        responses={
            200: FollowerOut,
            404: ErrorOut,
            409: OpenApiResponse(ErrorOut, description="follower_disabled: verify first"),
            **AUTH_ERRORS,
        },
    )


class AccountPauseView(_StateView):
    state_change = staticmethod(controls.follower_pause)

    @_state_schema("Pause copying to this follower")
    def post(self, request, pk: int):
        return super().post(request, pk)


class AccountResumeView(_StateView):
    state_change = staticmethod(controls.follower_resume)

    @_state_schema("Resume copying to this follower")
    def post(self, request, pk: int):
        return super().post(request, pk)


# --- leader and global switch ------------------------------------------------------------------
class LeaderView(OperatorView):
    @extend_schema(
        tags=TAG,
        summary="The active leader and its stream connection",
        responses={200: LeaderOut, 404: ErrorOut, **AUTH_ERRORS},
    )
    def get(self, request):
        leader = selectors.leader_active()
        if leader is None:
            raise ApiError("no_leader", _("尚未设置主账户"), 404)
        return Response(LeaderOut(leader_payload(leader, selectors.leader_connection())).data)

    @extend_schema(
        tags=TAG,
        summary="Set or replace the leader (Binance)",
        request=LeaderIn,
        responses={200: LeaderSetOut, 400: ErrorOut, **AUTH_ERRORS},
    )
    def put(self, request):
        data = LeaderIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        leader = services.leader_set(
            environment=v["env"], api_key=v["api_key"], api_secret=v["api_secret"]
        )
        log_action(request, "leader_set", f"{leader.pk} binance/{v['env']}")
        payload = leader_payload(leader, selectors.leader_connection())
        return Response(LeaderSetOut({"listening": True, "leader": payload}).data)


class CopyStartView(OperatorView):
    @extend_schema(
        tags=TAG,
        summary="Start dispatching copies",
        request=None,
        responses={200: RunningOut, **AUTH_ERRORS},
    )
    def post(self, request):
        log_action(request, "copy_start")
        return Response({"running": services.copy_set_running(running=True)})


class CopyStopView(OperatorView):
    @extend_schema(
        tags=TAG,
        summary="Stop dispatching copies (connections stay up)",
        request=None,
        responses={200: RunningOut, **AUTH_ERRORS},
    )
    def post(self, request):
        log_action(request, "copy_stop")
        return Response({"running": services.copy_set_running(running=False)})


class StatusView(OperatorView):
    @extend_schema(
        tags=TAG,
        summary="Dashboard: running, leader, followers, recent events",
        responses={200: StatusOut, **AUTH_ERRORS},
    )
    def get(self, request):
        leader = selectors.leader_active()
        conn = selectors.leader_connection()
        events = selectors.recent_events(STATUS_EVENTS)
        latency = selectors.fanout_latency()
        body = {
            "running": services.copy_is_running(),
            "leader": leader_payload(leader, conn) if leader else None,
            "followers": [follower_payload(r) for r in selectors.follower_rows()],
            "recent_events": [event_payload(s) for s in events],
            "latency": {
                "events": latency.events,
                "p50_ms": latency.p50_ms,
                "p95_ms": latency.p95_ms,
            },
            "server_time": timezone.now(),
        }
        return Response(StatusOut(body).data)

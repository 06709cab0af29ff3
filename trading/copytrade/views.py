"""The copy-trading operator API under ``/api/v1/`` (docs/products.md copy-trading §5): followers,
leader, global start / stop, status, and the operator login. Thin: validate, call a service /
selector, shape output. Every refusal is ``{code, message, detail}`` (``kernel.api_errors``)."""

from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import ErrorOut
from kernel.client_ip import request_ip
from kernel.refusals import INVALID_INPUT, Refused
from trading.copytrade import selectors
from trading.copytrade.api_auth import OPERATOR_AUTH, OPERATOR_PERMISSIONS
from trading.copytrade.errors import FOLLOWER_NOT_FOUND, NO_LEADER, VENUE_TIMEOUT
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

TAG = ["copytrade"]
AUTH_ERRORS = {401: ErrorOut, 403: ErrorOut}
STATUS_EVENTS = 20
log = logging.getLogger("fleet.copytrade.operator")


def log_action(request, action: str, target: object = "") -> None:
    """One INFO line per operator write (who, what, which) — never a key or a secret."""
    user = getattr(request.user, "username", "?")
    log.info("operator %s: %s %s", user, action, target)


# --- output ---------------------------------------------------------------------------------------
def one_follower(follower: Follower) -> dict[str, Any]:
    return FollowerOut(selectors.follower_rows([follower])[0]).data


def leader_out(leader: Leader | None) -> dict[str, Any] | None:
    """The ``LeaderOut`` input: the leader and what its stream last reported."""
    return {"leader": leader, "conn": selectors.leader_connection()} if leader else None


def _follower(pk: int) -> Follower:
    follower = selectors.followers_queryset().filter(pk=pk).first()
    if follower is None:
        raise Refused(FOLLOWER_NOT_FOUND, {"id": pk})
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
        login = controls.operator_login(ip=request_ip(request), **data.validated_data)
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
        return Response(FollowerOut(rows, many=True).data)

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
            raise Refused(INVALID_INPUT, errors)
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
            raise Refused(VENUE_TIMEOUT) from None
        follower.refresh_from_db(fields=["state"])
        body = {
            "ok": result.ok,
            "freeUSDT": result.free_usdt,
            "freeBTC": result.free_btc,
            "error": result.error,
            "state": follower.state,
        }
        return Response(VerifyOut(body).data)


class _StateView(OperatorView):
    state_change = staticmethod(controls.follower_resume)

    def post(self, request, pk: int):
        follower = _follower(pk)
        self.state_change(follower=follower)
        log_action(request, self.state_change.__name__, pk)
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
            raise Refused(NO_LEADER)
        return Response(LeaderOut(leader_out(leader)).data)

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
        return Response(LeaderSetOut({"listening": True, "leader": leader_out(leader)}).data)


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
        body = {
            "running": services.copy_is_running(),
            "leader": leader_out(selectors.leader_active()),
            "followers": selectors.follower_rows(),
            "recent_events": selectors.recent_events(STATUS_EVENTS),
            "latency": selectors.fanout_latency(),
            "server_time": timezone.now(),
        }
        return Response(StatusOut(body).data)

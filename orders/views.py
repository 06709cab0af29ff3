"""The orders API for the desktop client.

``pull`` is the hot path (every client, every second): ``orders.hotpath.pull_reply`` — token
check through ``accounts.selectors.session_resolve`` (one Redis round trip), one ``EVALSHA`` that
claims and returns the precomputed order JSON, string concatenation for the body. No DB query, no
DRF request wrapping, no serializer. In production gunicorn answers it in front of Django
(``HotPaths``); ``PullView`` exists only so drf-spectacular can document it.
"""

from __future__ import annotations

import logging
import time

from django.http import HttpResponse, JsonResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Trader
from accounts.serializers import ErrorOut
from orders import delivery
from orders.hotpath import JSON, pull_reply, report_reply
from orders.notices import binding_report
from orders.serializers import (
    BindingIn,
    ExecutionIn,
    ExecutionOut,
    PullOut,
    SettingsIn,
    SettingsOut,
)
from orders.services import amount_range, trader_amount_set

log = logging.getLogger("fleet.orders.api")


def pull(request) -> HttpResponse:
    """``GET /api/v1/event-orders/pull`` through Django (test client, ``runserver``); gunicorn
    serves the same answer in front of Django (``orders.hotpath.HotPaths``)."""
    reply = pull_reply(
        request.method or "",
        request.META.get("HTTP_AUTHORIZATION"),
        request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        ",".join(request.GET.getlist("ack")),
    )
    return _as_response(reply)


class PullView(APIView):
    """OpenAPI shim for ``pull`` (see the module docstring)."""

    @extend_schema(
        operation_id="event_orders_pull",
        summary="Pull the event orders this trader has not acknowledged yet",
        parameters=[
            OpenApiParameter(
                "ack",
                str,
                description="comma-separated delivery ids the client has journaled: acknowledged "
                "before this pull delivers (they never come again)",
            )
        ],
        responses={200: PullOut, 401: ErrorOut, 403: ErrorOut, 503: ErrorOut},
    )
    def get(self, request):  # pragma: no cover - documentation only; dispatch bypasses it
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        return pull(request)


def ping(request) -> HttpResponse:
    """``GET /api/v1/ping`` — the trivial JSON endpoint the benchmark compares the pull with."""
    return JsonResponse({"ok": True, "server_time": delivery.iso(time.time())})


def _as_response(reply: tuple[int, bytes, list[tuple[str, str]]]) -> HttpResponse:
    status, body, headers = reply
    response = HttpResponse(body, status=status, content_type=JSON)
    for name, value in headers:
        response[name] = value
    return response


class ExecutionView(APIView):
    """``POST /api/v1/event-orders/{id}/executions`` — idempotent execution report. OpenAPI shim
    for ``orders.hotpath.report_reply`` (its ``dispatch`` hands the plain request straight there)."""

    @extend_schema(
        operation_id="event_orders_report_execution",
        request=ExecutionIn,
        responses={
            201: ExecutionOut,
            200: OpenApiResponse(ExecutionOut, description="a repeat: the stored report"),
            400: ErrorOut,
            401: ErrorOut,
            403: ErrorOut,
            404: ErrorOut,
            409: OpenApiResponse(ErrorOut, description="not_delivered"),
            503: ErrorOut,
        },
    )
    def post(self, request, order_id: str):  # pragma: no cover - documentation only
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        reply = report_reply(
            request.method or "",
            request.META.get("HTTP_AUTHORIZATION"),
            request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
            kwargs["order_id"],
            request.body,
            request.META.get("CONTENT_TYPE", ""),
        )
        return _as_response(reply)


class SettingsView(APIView):
    """``GET/PUT/PATCH /api/v1/event-orders/settings`` — the trader's order amount."""

    def _out(self, amount) -> dict:
        low, high = amount_range()
        return SettingsOut({"order_amount": amount, "amount_min": low, "amount_max": high}).data

    @extend_schema(
        operation_id="event_orders_settings", responses={200: SettingsOut, 401: ErrorOut}
    )
    def get(self, request):
        amount = Trader.objects.values_list("order_amount", flat=True).get(pk=request.user.pk)
        return Response(self._out(amount))

    @extend_schema(
        operation_id="event_orders_settings_update",
        request=SettingsIn,
        responses={200: SettingsOut, 400: ErrorOut, 401: ErrorOut},
    )
    def put(self, request):
        data = SettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        trader = Trader.objects.get(pk=request.user.pk)
        trader = trader_amount_set(trader=trader, amount=data.validated_data["order_amount"])
        return Response(self._out(trader.order_amount))

    @extend_schema(
        operation_id="event_orders_settings_patch",
        request=SettingsIn,
        responses={200: SettingsOut, 400: ErrorOut, 401: ErrorOut},
    )
    def patch(self, request):
        return self.put(request)


class BindingView(APIView):
    """``PUT /api/v1/event-orders/binding`` — the client reports its Binance web binding (bound or
    not, and when Binance says it expires) so the server can warn the trader before it lapses."""

    @extend_schema(
        operation_id="event_orders_binding_report",
        request=BindingIn,
        responses={200: BindingIn, 400: ErrorOut, 401: ErrorOut},
    )
    def put(self, request):
        data = BindingIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = binding_report(trader_id=request.user.pk, **data.validated_data)
        return Response(BindingIn({"bound": row.bound, "expires_at": row.expires_at}).data)

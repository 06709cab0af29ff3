"""The orders API for the desktop client.

``pull`` is the hot path (every client, every second): a plain Django function — token check
through ``accounts.selectors.session_resolve`` (one Redis round trip), one ``EVALSHA`` that claims
and returns the precomputed order JSON, string concatenation for the body. No DB query, no DRF
request wrapping, no serializer. ``PullView`` exists only so drf-spectacular can document it: its
``dispatch`` hands the plain Django request straight to ``pull``.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.http import HttpResponse, JsonResponse
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import token_from_header
from accounts.errors import NOT_AUTHENTICATED, Refusal, RefusedError
from accounts.models import Trader
from accounts.selectors import session_resolve
from accounts.serializers import ErrorOut
from orders import delivery
from orders.errors import UNAVAILABLE, OrderError
from orders.serializers import ExecutionIn, ExecutionOut, PullOut, SettingsIn, SettingsOut
from orders.services import amount_range, execution_report, trader_amount_set

log = logging.getLogger("fleet.orders.api")


def _refused(refusal: Refusal, detail: object = None, lang: str | None = None) -> HttpResponse:
    """The API error shape; the message in the trader's language when known (the desktop client
    sends no Accept-Language)."""
    with translation.override(lang) if lang else contextlib.nullcontext():
        body = {"code": refusal.code, "message": str(refusal.message)}
    if detail is not None:
        body["detail"] = detail
    response = JsonResponse(body, status=refusal.status)
    if refusal.status == 401:
        response["WWW-Authenticate"] = "Token"
    return response


def pull(request) -> HttpResponse:
    """``GET /api/v1/event-orders/pull`` — orders valid now and never delivered to the caller."""
    if request.method != "GET":
        return JsonResponse({"code": "method_not_allowed", "message": "GET"}, status=405)
    header = request.META.get("HTTP_AUTHORIZATION")
    if not header:
        return _refused(NOT_AUTHENTICATED)
    try:
        info = session_resolve(token_from_header(header))
        now = time.time()
        fragments, flush_due = delivery.pull(info.trader_id, now)
    except RefusedError as exc:
        return _refused(exc.refusal, exc.detail, exc.lang)
    except delivery.DeliveryUnavailable:
        return _refused(UNAVAILABLE)
    if flush_due:
        _schedule_flush()
    tail = f',"amount":"{info.amount}"}}'
    orders = ",".join(f + tail for f in fragments)
    body = f'{{"server_time":"{delivery.iso(now)}","orders":[{orders}]}}'
    return HttpResponse(body, content_type="application/json")


def _schedule_flush() -> None:
    """Persist the new claims off the hot path (a broker hiccup must not fail the pull: the
    30 s sweep persists them anyway)."""
    from orders.tasks import persist_claims

    try:
        persist_claims.apply_async(countdown=0.3)
    except Exception:
        log.exception("could not schedule orders.persist_claims")


class PullView(APIView):
    """OpenAPI shim for ``pull`` (see the module docstring)."""

    @extend_schema(
        operation_id="event_orders_pull",
        summary="Pull new event orders (each order is delivered once per trader)",
        responses={200: PullOut, 401: ErrorOut, 403: ErrorOut, 503: ErrorOut},
    )
    def get(self, request):  # pragma: no cover - documentation only; dispatch bypasses it
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        return pull(request)


def ping(request) -> HttpResponse:
    """``GET /api/v1/ping`` — the trivial JSON endpoint the benchmark compares the pull with."""
    return JsonResponse({"ok": True, "server_time": delivery.iso(time.time())})


def _order_error(exc: OrderError):
    return exc.refusal.error(exc.detail)


def report_payload(report) -> dict:
    return ExecutionOut(
        {
            "order_id": report.order_id,
            "outcome": report.outcome,
            "binance_order_id": report.binance_order_id,
            "error_code": report.error_code,
            "error_message": report.error_message,
            "amount": report.amount,
            "latency_ms": report.latency_ms,
            "reported_at": report.reported_at,
        }
    ).data


class ExecutionView(APIView):
    """``POST /api/v1/event-orders/{id}/executions`` — idempotent execution report."""

    @extend_schema(
        operation_id="event_orders_report_execution",
        request=ExecutionIn,
        responses={
            201: ExecutionOut,
            200: OpenApiResponse(ExecutionOut, description="a repeat: the stored report"),
            400: ErrorOut,
            401: ErrorOut,
            404: ErrorOut,
            409: OpenApiResponse(ErrorOut, description="not_delivered"),
        },
    )
    def post(self, request, order_id: str):
        data = ExecutionIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report, created = execution_report(
                order_id=order_id, trader_id=request.user.trader_id, **data.validated_data
            )
        except OrderError as exc:
            raise _order_error(exc) from None
        return Response(report_payload(report), status=201 if created else 200)


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
        try:
            trader = trader_amount_set(trader=trader, amount=data.validated_data["order_amount"])
        except OrderError as exc:
            raise _order_error(exc) from None
        return Response(self._out(trader.order_amount))

    @extend_schema(
        operation_id="event_orders_settings_patch",
        request=SettingsIn,
        responses={200: SettingsOut, 400: ErrorOut, 401: ErrorOut},
    )
    def patch(self, request):
        return self.put(request)

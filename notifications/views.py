"""The notifications API of the desktop client (trader session token, like every client
endpoint): the trader's notifications with the unread count, marking them read, the trader's
own channels with their subscription, and a test message per channel. Thin: selectors read,
services write."""

from __future__ import annotations

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import ErrorOut
from kernel.refusals import Refused
from notifications import selectors, services
from notifications.delivery import channel_test_send, scrub
from notifications.errors import CHANNEL_NOT_FOUND
from notifications.models import Channel, Subscription
from notifications.serializers import (
    ChannelIn,
    ChannelOut,
    MarkReadIn,
    MarkReadOut,
    NotificationListOut,
    TestSendOut,
    UnreadOut,
)

SUB_FIELDS = ("kinds", "min_severity", "quiet_start", "quiet_end")


def _me(request) -> str:
    return selectors.trader_ref(request.user.pk)


def _own_channel(request, pk: int) -> Channel:
    """The trader's own channel, or the API's ``not_found`` (someone else's looks the same)."""
    channel = Channel.objects.filter(pk=pk, owner=_me(request)).first()
    if channel is None:
        raise Refused(CHANNEL_NOT_FOUND)
    return channel


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


class NotificationListView(APIView):
    @extend_schema(
        operation_id="notifications_list",
        parameters=[
            OpenApiParameter("unread", bool, description="only unread ones"),
            OpenApiParameter("limit", int, description="at most this many (default 50, max 200)"),
        ],
        responses={200: NotificationListOut, 401: ErrorOut},
    )
    def get(self, request):
        unread_only = request.query_params.get("unread") in ("1", "true", "yes")
        try:
            limit = max(1, min(200, int(request.query_params.get("limit", 50))))
        except ValueError:
            limit = 50
        rows = selectors.notifications_for(recipient=_me(request), unread_only=unread_only)[:limit]
        return Response(
            {
                "unread": selectors.unread_count(recipient=_me(request)),
                "items": [selectors.notification_item(row, _lang()) for row in rows],
            }
        )


class UnreadCountView(APIView):
    @extend_schema(operation_id="notifications_unread", responses={200: UnreadOut, 401: ErrorOut})
    def get(self, request):
        return Response({"unread": selectors.unread_count(recipient=_me(request))})


class MarkReadView(APIView):
    @extend_schema(
        operation_id="notifications_mark_read",
        request=MarkReadIn,
        responses={200: MarkReadOut, 400: ErrorOut, 401: ErrorOut},
    )
    def post(self, request):
        data = MarkReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            recipient=_me(request), ids=data.validated_data.get("ids")
        )
        return Response(
            {"marked": marked, "unread": selectors.unread_count(recipient=_me(request))}
        )


def _subscription(channel: Channel, recipient: str) -> Subscription | None:
    return Subscription.objects.filter(channel=channel, recipient=recipient).first()


def channel_out(channel: Channel, sub: Subscription | None) -> dict:
    """A channel as the client sees it, with its owner's subscription (``ChannelOut``); no
    subscription reads as an unsaved one: the model's defaults (all kinds, from warning)."""
    return ChannelOut({"channel": channel, "sub": sub or Subscription()}).data


class ChannelListView(APIView):
    @extend_schema(
        operation_id="notifications_channels", responses={200: ChannelOut(many=True), 401: ErrorOut}
    )
    def get(self, request):
        rows = list(Channel.objects.filter(owner=_me(request)).order_by("pk"))
        subs = {
            s.channel_id: s
            for s in Subscription.objects.filter(recipient=_me(request), channel__in=rows)
        }
        return Response([channel_out(c, subs.get(c.pk)) for c in rows])

    @extend_schema(
        operation_id="notifications_channel_create",
        request=ChannelIn,
        responses={201: ChannelOut, 400: ErrorOut, 401: ErrorOut},
    )
    def post(self, request):
        data = ChannelIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        sub = {f: fields.pop(f) for f in SUB_FIELDS}
        fields.pop("is_enabled", None)
        channel = services.channel_create(owner=_me(request), **fields)
        services.subscription_save(recipient=_me(request), channel=channel, **sub)
        return Response(channel_out(channel, _subscription(channel, _me(request))), status=201)


class ChannelDetailView(APIView):
    @extend_schema(
        operation_id="notifications_channel_update",
        request=ChannelIn,
        responses={200: ChannelOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    )
    def patch(self, request, pk: int):
        channel = _own_channel(request, pk)
        data = ChannelIn(channel, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        sub = {f: fields.pop(f) for f in SUB_FIELDS if f in fields}
        services.channel_update(channel=channel, **fields)
        if sub:
            current = _subscription(channel, _me(request))
            merged = {f: getattr(current, f) for f in SUB_FIELDS} if current else {}
            services.subscription_save(recipient=_me(request), channel=channel, **{**merged, **sub})
        return Response(channel_out(channel, _subscription(channel, _me(request))))

    @extend_schema(
        operation_id="notifications_channel_delete", responses={204: None, 404: ErrorOut}
    )
    def delete(self, request, pk: int):
        _own_channel(request, pk).delete()
        return Response(status=204)


class ChannelTestView(APIView):
    @extend_schema(
        operation_id="notifications_channel_test",
        request=None,
        responses={200: TestSendOut, 401: ErrorOut, 404: ErrorOut},
    )
    def post(self, request, pk: int):
        channel = _own_channel(request, pk)
        result = channel_test_send(channel=channel)
        reply = result.reply
        return Response(
            {
                "ok": result.status == "sent",
                "status": result.status,
                "http_status": reply.status if reply else None,
                "code": reply.verdict.code if reply else "",
                "error": scrub(reply.verdict.error, channel) if reply else "",
                "reply": scrub(reply.body[:500].decode(errors="replace"), channel) if reply else "",
            }
        )

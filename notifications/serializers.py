"""Input validation and output shapes of the notifications API (desktop client)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.choices import ChannelKind, MessageLang, Severity


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    severity = serializers.CharField(help_text="info | warning | critical")
    title = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationListOut(serializers.Serializer):
    unread = serializers.IntegerField()
    items = NotificationOut(many=True)


class UnreadOut(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_null=True,
        max_length=1000,
        help_text="omit (or null) to mark every unread notification read",
    )


class MarkReadOut(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class ChannelIn(serializers.Serializer):
    """A channel with its owner's subscription (kinds, minimum severity, quiet hours)."""

    kind = serializers.ChoiceField(choices=ChannelKind.choices)
    name = serializers.CharField(max_length=64)
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    secret = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    chat_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=MessageLang.choices, required=False, default="zh")
    is_enabled = serializers.BooleanField(required=False, default=True)
    kinds = serializers.CharField(required=False, allow_blank=True, default="")
    min_severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, default="warning"
    )
    quiet_start = serializers.TimeField(required=False, allow_null=True, default=None)
    quiet_end = serializers.TimeField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.get("kind") or getattr(self.instance, "kind", "")
        url = attrs.get("url", getattr(self.instance, "url", ""))
        if kind == ChannelKind.TELEGRAM:
            if not attrs.get("secret", getattr(self.instance, "secret", "")):
                raise serializers.ValidationError({"secret": _("Telegram 需要机器人 Token")})
            if not attrs.get("chat_id", getattr(self.instance, "chat_id", "")):
                raise serializers.ValidationError({"chat_id": _("Telegram 需要会话 ID")})
        elif not url:
            raise serializers.ValidationError({"url": _("请填写机器人 Webhook 地址")})
        return attrs


# ``{"channel": Channel, "sub": Subscription}``: a channel as its owner sees it (secrets masked)
# with the owner's subscription to it.
class ChannelOut(serializers.Serializer):
    id = serializers.IntegerField(source="channel.pk")
    kind = serializers.CharField(source="channel.kind")
    name = serializers.CharField(source="channel.name")
    url_masked = serializers.CharField(source="channel.url_masked")
    secret_masked = serializers.CharField(source="channel.secret_masked")
    chat_id = serializers.CharField(source="channel.chat_id")
    language = serializers.CharField(source="channel.language")
    is_enabled = serializers.BooleanField(source="channel.is_enabled")
    is_broken = serializers.BooleanField(source="channel.is_broken")
    last_error = serializers.CharField(source="channel.last_error")
    kinds = serializers.CharField(source="sub.kinds")
    min_severity = serializers.CharField(source="sub.min_severity")
    quiet_start = serializers.TimeField(source="sub.quiet_start", allow_null=True)
    quiet_end = serializers.TimeField(source="sub.quiet_end", allow_null=True)


class TestSendOut(serializers.Serializer):
    ok = serializers.BooleanField()
    status = serializers.CharField()
    http_status = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    error = serializers.CharField()
    reply = serializers.CharField()

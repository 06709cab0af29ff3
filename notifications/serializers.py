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


class ChannelOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    url_masked = serializers.CharField()
    secret_masked = serializers.CharField()
    chat_id = serializers.CharField()
    language = serializers.CharField()
    is_enabled = serializers.BooleanField()
    is_broken = serializers.BooleanField()
    last_error = serializers.CharField()
    kinds = serializers.CharField()
    min_severity = serializers.CharField()
    quiet_start = serializers.TimeField(allow_null=True)
    quiet_end = serializers.TimeField(allow_null=True)


class TestSendOut(serializers.Serializer):
    ok = serializers.BooleanField()
    status = serializers.CharField()
    http_status = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    error = serializers.CharField()
    reply = serializers.CharField()

"""Back office of notifications (Chinese by default): channels with write-only secrets, masked
URLs, a "send test message" button and the subscriptions inline; the delivery log and every
attempt with the platform's reply; each staff user's own notifications (the header shows the
unread count, see ``templatetags``). Thin: writes call ``services`` / ``delivery``."""

from __future__ import annotations

import threading
from typing import cast

from django.contrib import admin, messages
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.choices import DeliveryStatus, Severity
from notifications.delivery import channel_test_send
from notifications.forms import ChannelForm, SubscriptionForm
from notifications.models import Channel, Delivery, DeliveryAttempt, Notification, Subscription

COLOURS: dict[str, str] = {
    Severity.INFO: "#1565c0",
    Severity.WARNING: "#ef6c00",
    Severity.CRITICAL: "#c62828",
    DeliveryStatus.SENT: "#2e7d32",
    DeliveryStatus.DIGESTED: "#2e7d32",
    DeliveryStatus.FAILED: "#c62828",
    DeliveryStatus.RETRY: "#ef6c00",
    DeliveryStatus.HELD: "#b8860b",
    DeliveryStatus.SKIPPED: "#777",
}


def badge(value: str, text) -> str:
    return format_html('<b style="color:{}">{}</b>', COLOURS.get(value, "#1f2933"), text)


_csrf = threading.local()


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- channels ------------------------------------------------------------------------------------
class SubscriptionInline(admin.TabularInline):
    model = Subscription
    form = SubscriptionForm
    extra = 0


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    inlines = [SubscriptionInline]
    list_display = [
        "name",
        "kind",
        "owner",
        "url_masked",
        "health",
        "failures",
        "last_ok_at",
        "test_button",
    ]
    list_filter = ["kind", "is_enabled"]
    search_fields = ["name", "owner"]
    actions = ["send_test"]
    readonly_fields = [
        "owner",
        "url_masked",
        "secret_masked",
        "failures",
        "broken_at",
        "last_error",
        "last_ok_at",
    ]

    def get_fields(self, request, obj=None):
        base = [
            "name",
            "kind",
            "owner_trader",
            "url",
            "secret",
            "chat_id",
            "language",
            "is_enabled",
        ]
        if obj is None:
            return base
        base.remove("owner_trader")  # the owner is chosen once, at creation
        return [*base, *self.readonly_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """Model fields only: the secrets are form-only inputs (never copied or rendered)."""
        kwargs["fields"] = ChannelForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("地址（掩码）"))
    def url_masked(self, obj: Channel) -> str:
        return obj.url_masked or "-"

    @admin.display(description=_("密钥（掩码）"))
    def secret_masked(self, obj: Channel) -> str:
        return obj.secret_masked or "-"

    @admin.display(description=_("状态"))
    def health(self, obj: Channel) -> str:
        if not obj.is_enabled:
            return badge("skipped", _("已停用"))
        if obj.is_broken:
            return badge("failed", _("故障"))
        return badge("sent", _("正常"))

    @admin.display(description=_("测试"))
    def test_button(self, obj: Channel) -> str:
        url = reverse("admin:notifications_channel_test", args=[obj.pk])
        return format_html(
            '<form method="post" action="{}" style="margin:0">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="button">{}</button></form>',
            url,
            _csrf.token,
            _("发送测试消息"),
        )

    def changelist_view(self, request, extra_context=None):
        _csrf.token = get_token(request)  # the rows' test buttons post with it
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        trader = form.cleaned_data.get("owner_trader")
        secrets = form.secret_values()
        if change:
            fields = {f: form.cleaned_data[f] for f in ChannelForm.Meta.fields}
            services.channel_update(channel=obj, **fields, **secrets)
            return
        owner = selectors.trader_ref(trader.pk) if trader else selectors.user_ref(request.user.pk)
        saved = services.channel_create(
            owner=owner,
            kind=obj.kind,
            name=obj.name,
            chat_id=obj.chat_id,
            language=obj.language,
            **secrets,
        )
        obj.pk = saved.pk
        obj.__dict__.update(saved.__dict__)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/test/",
                self.admin_site.admin_view(require_POST(self.test_view)),
                name="notifications_channel_test",
            )
        ]
        return own + super().get_urls()

    def test_view(self, request, pk: int):
        channel = get_object_or_404(Channel, pk=pk)
        if not self.has_change_permission(request, channel):
            messages.error(request, _("没有权限"))
        else:
            self._report(request, channel)
        return redirect(
            request.META.get("HTTP_REFERER") or reverse("admin:notifications_channel_changelist")
        )

    def _report(self, request, channel: Channel) -> None:
        result = channel_test_send(channel=channel)
        reply = result.reply
        detail = f"HTTP {reply.status} {reply.body[:300].decode(errors='replace')}" if reply else ""
        if result.status == DeliveryStatus.SENT:
            messages.success(
                request,
                _("「%(name)s」测试消息已发送。平台回复：%(reply)s")
                % {"name": channel.name, "reply": detail},
            )
        else:
            error = reply.verdict.error if reply else result.status
            messages.error(
                request,
                _("「%(name)s」测试消息发送失败：%(error)s")
                % {"name": channel.name, "error": error},
            )

    @admin.action(description=_("发送测试消息"))
    def send_test(self, request, queryset):
        for channel in queryset:
            self._report(request, channel)


# --- delivery log --------------------------------------------------------------------------------
class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["at", "outcome", "http_status", "code", "error", "reply", "duration_ms", "retry_in_s"]
    readonly_fields = cast("list[str]", fields)  # a flat list of names, not field groups

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = [
        "created_at",
        "channel",
        "kind",
        "status_badge",
        "attempts",
        "item_count",
        "sent_at",
        "error_short",
    ]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["key", "kind", "error"]
    list_select_related = ["channel"]
    inlines = [AttemptInline]

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj: Delivery) -> str:
        return badge(obj.status, obj.get_status_display())

    @admin.display(description=_("错误"))
    def error_short(self, obj: Delivery) -> str:
        return obj.error[:80]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnly):
    list_display = [
        "at",
        "delivery",
        "outcome_badge",
        "http_status",
        "code",
        "error_short",
        "duration_ms",
        "retry_in_s",
    ]
    list_filter = ["outcome", "delivery__channel"]
    search_fields = ["code", "error"]
    list_select_related = ["delivery"]

    @admin.display(description=_("结果"), ordering="outcome")
    def outcome_badge(self, obj: DeliveryAttempt) -> str:
        colour = {"ok": "sent", "retryable": "retry", "permanent": "failed"}.get(obj.outcome, "")
        return badge(colour, obj.get_outcome_display())

    @admin.display(description=_("错误"))
    def error_short(self, obj: DeliveryAttempt) -> str:
        return obj.error[:80]


# --- the staff user's own notifications ----------------------------------------------------------
@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    """Each staff user sees their own notifications (what reached others is in the delivery log)."""

    list_display = ["created_at", "severity_badge", "title", "body", "read"]
    list_filter = ["severity", "kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["kind", "key"]
    actions = ["mark_read"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=selectors.user_ref(request.user.pk))

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("级别"), ordering="severity")
    def severity_badge(self, obj: Notification) -> str:
        return badge(obj.severity, obj.get_severity_display())

    @admin.display(description=_("标题"))
    def title(self, obj: Notification) -> str:
        return selectors.notification_text(obj, _lang())[0]

    @admin.display(description=_("内容"))
    def body(self, obj: Notification) -> str:
        return selectors.notification_text(obj, _lang())[1]

    @admin.display(description=_("已读"), boolean=True)
    def read(self, obj: Notification) -> bool:
        return obj.read_at is not None

    @admin.action(description=_("标为已读"))
    def mark_read(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        count = services.notifications_mark_read(
            recipient=selectors.user_ref(request.user.pk), ids=ids
        )
        messages.success(request, _("已将 %(n)d 条通知标为已读") % {"n": count})

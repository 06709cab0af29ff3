"""Back office (Chinese by default) of copy trading: followers with live balances and actions, the
leader, the leader-event log with per-follower results, operator tokens, and the dashboard
(global start/stop, leader connection, p50/p95 fan-out latency, the last 50 events).

Thin: every write calls ``services`` / ``controls``; reads come from ``selectors``. Secrets are
never rendered (masked key only). Controls need ``copytrade.operate`` (superusers have it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kernel.refusals import Refused
from kernel.venue_words import stored_error_html
from trading.copytrade import selectors
from trading.copytrade.choices import ExecutionStatus, FollowerState
from trading.copytrade.forms import FollowerForm, LeaderForm
from trading.copytrade.models import (
    OPERATE_PERMISSION,
    CopyExecution,
    Follower,
    Leader,
    LeaderEvent,
    OperatorToken,
)
from trading.copytrade.services import controls
from trading.copytrade.services import followers as services
from trading.copytrade.views import log_action
from trading.exchanges.venue_errors import explain_text

STATE_COLOURS = {
    FollowerState.PENDING: "#1565c0",
    FollowerState.ACTIVE: "#2e7d32",
    FollowerState.PAUSED: "#ef6c00",
    FollowerState.DISABLED: "#c62828",
}
STATUS_COLOURS: dict[str, str] = {
    ExecutionStatus.FILLED: "#2e7d32",
    ExecutionStatus.FAILED: "#c62828",
    ExecutionStatus.UNKNOWN: "#c62828",
    ExecutionStatus.SKIPPED: "#777",
    ExecutionStatus.PENDING: "#b8860b",
    ExecutionStatus.SENT: "#b8860b",
}
EVENT_LOG_SIZE = 50


def can_operate(request) -> bool:
    return request.user.is_active and request.user.has_perm(OPERATE_PERMISSION)


def badge(colour: str, text) -> str:
    return format_html('<b style="color:{}">{}</b>', colour, text)


def money(value) -> str:
    return "-" if value is None else f"{value.normalize():f}"


# --- followers ---------------------------------------------------------------------------------
@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    form = FollowerForm
    change_list_template = "admin/copytrade/follower/change_list.html"
    list_display = [
        "name",
        "venue_env",
        "state_badge",
        "free_usdt",
        "free_btc",
        "last_copy",
        "last_error_short",
        "api_key_masked",
    ]
    list_filter = ["state", "credential__venue", "credential__environment"]
    search_fields = ["name"]
    actions = ["pause", "resume", "verify"]
    readonly_fields = ["state", "last_error", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("credential")

    def get_fields(self, request, obj=None):
        keys = ["name", "venue", "environment", "api_key", "api_secret", "passphrase"]
        return keys if obj is None else [*keys, *self.readonly_fields]

    def get_changelist_instance(self, request):
        """Attach cached balances and last copies to the page's rows: one Redis pipeline and one
        query for the page, not one per row."""
        changelist = super().get_changelist_instance(request)
        for row in selectors.follower_rows(list(changelist.result_list)):
            row.follower._row = row  # type: ignore[attr-defined]
        return changelist

    @staticmethod
    def _row(obj) -> selectors.FollowerRow:
        return getattr(obj, "_row", None) or selectors.follower_rows([obj])[0]

    @admin.display(description=_("交易所/环境"))
    def venue_env(self, obj):
        cred = obj.credential
        return f"{cred.get_venue_display()} / {cred.get_environment_display()}"

    @admin.display(description=_("状态"), ordering="state")
    def state_badge(self, obj):
        return badge(STATE_COLOURS[obj.state], obj.get_state_display())

    @admin.display(description=_("可用 USDT"))
    def free_usdt(self, obj):
        return self._balance(obj, "USDT")

    @admin.display(description=_("可用 BTC"))
    def free_btc(self, obj):
        return self._balance(obj, "BTC")

    def _balance(self, obj, asset: str):
        row = self._row(obj)
        if row.balance is None:
            return "-"
        text = money(row.balance.free(asset))
        if row.balance_stale:
            return format_html(
                '<span style="color:#999" title="{}">{}</span>', _("余额已过期"), text
            )
        return text

    @admin.display(description=_("最近复制"))
    def last_copy(self, obj):
        ex = self._row(obj).last_copy
        if ex is None:
            return "-"
        latency = f" {ex.latency_ms} ms" if ex.latency_ms is not None else ""
        text = f"{ex.get_side_display()} {money(ex.requested)} {ex.get_status_display()}{latency}"
        return badge(STATUS_COLOURS.get(ex.status, "#333"), text)

    @admin.display(description=_("最近错误"))
    def last_error_short(self, obj):
        return stored_error_html(obj.last_error)

    @admin.display(description=_("API Key"))
    def api_key_masked(self, obj):
        return obj.credential.api_key_masked

    # writes go through the services
    def save_model(self, request, obj, form, change):
        if change:
            fields = form.service_fields()
            services.follower_update(follower=obj, **fields)
            log_action(request, "follower_update", f"{obj.pk} fields={sorted(fields)} (admin)")
            return
        data = form.cleaned_data
        created = services.follower_add(
            name=data["name"],
            venue=data["venue"],
            environment=data["environment"],
            api_key=data["api_key"],
            api_secret=data["api_secret"],
            passphrase=data.get("passphrase") or "",
        )
        obj.pk, obj.credential = created.pk, created.credential
        log_action(request, "follower_create", f"{created.pk} (admin)")

    def delete_model(self, request, obj):
        services.follower_delete(follower=obj)

    def delete_queryset(self, request, queryset):
        for follower in queryset.select_related("credential"):
            services.follower_delete(follower=follower)

    def has_operate_permission(self, request) -> bool:
        return can_operate(request)

    @admin.action(description=_("暂停跟单"), permissions=["operate"])
    def pause(self, request, queryset):
        self._each(request, queryset, controls.follower_pause, _("已暂停"))

    @admin.action(description=_("恢复跟单"), permissions=["operate"])
    def resume(self, request, queryset):
        self._each(request, queryset, controls.follower_resume, _("已恢复"))

    @admin.action(description=_("验证密钥并刷新余额"), permissions=["operate"])
    def verify(self, request, queryset):
        for follower in queryset.select_related("credential"):
            try:
                result = services.follower_verify(follower=follower)
                log_action(request, "follower_verify", f"{follower.pk} ok={result.ok} (admin)")
            except TimeoutError:
                self.message_user(request, f"{follower}: {_('交易所无响应')}", messages.ERROR)
                continue
            if result.ok:
                text = _("%(name)s 验证通过：USDT %(usdt)s，BTC %(btc)s") % {
                    "name": follower,
                    "usdt": money(result.free_usdt),
                    "btc": money(result.free_btc),
                }
                self.message_user(request, text, messages.SUCCESS)
            else:
                said = explain_text(result.error, get_language())
                text = _("%(name)s 验证失败：%(error)s（%(detail)s）") % {
                    "name": follower,
                    "error": said.text,
                    "detail": said.detail or "-",
                }
                self.message_user(request, text, messages.ERROR)

    def _each(self, request, queryset, change, done_text) -> None:
        ok = 0
        for follower in queryset:
            try:
                change(follower=follower)
                log_action(request, change.__name__, f"{follower.pk} (admin)")
                ok += 1
            except Refused as exc:
                self.message_user(request, f"{follower}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(text)s：%(n)d 个") % {"text": done_text, "n": ok})

    def get_urls(self):
        custom = [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="copytrade_dashboard",
            ),
            path(
                "switch/",
                self.admin_site.admin_view(require_POST(self.switch_view)),
                name="copytrade_switch",
            ),
        ]
        return custom + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), **_header_context(request)}
        return super().changelist_view(request, extra_context=extra)

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **_header_context(request),
            "title": _("跟单看板"),
            "opts": Follower._meta,
            "rows": selectors.follower_rows(),
            "log": selectors.event_log(EVENT_LOG_SIZE),
            "refresh_s": 0 if request.GET.get("refresh") == "0" else 5,
        }
        return TemplateResponse(request, "admin/copytrade/dashboard.html", context)

    def switch_view(self, request):
        """The global start / stop button (POST ``running=1|0``)."""
        if not can_operate(request):
            raise PermissionDenied
        running = request.POST.get("running") == "1"
        services.copy_set_running(running=running)
        log_action(request, "copy_start" if running else "copy_stop", "(admin)")
        self.message_user(request, _("跟单已开始") if running else _("跟单已停止"))
        back = request.POST.get("next") or reverse("admin:copytrade_dashboard")
        if not back.startswith("/"):
            back = reverse("admin:copytrade_dashboard")
        return redirect(back)


def _header_context(request) -> dict:
    """Running switch, leader connection and latency: shown on the list and the dashboard."""
    return {
        "copy_running": services.copy_is_running(),
        "copy_leader": selectors.leader_active(),
        "copy_conn": selectors.leader_connection(),
        "copy_latency": selectors.fanout_latency(),
        "can_operate": can_operate(request),
    }


# --- leader ------------------------------------------------------------------------------------
@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    form = LeaderForm
    list_display = ["id", "venue_env", "api_key_masked", "is_active", "connection", "created_at"]
    list_filter = ["is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("credential")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["environment", "api_key", "api_secret"]
        return ["venue_env", "api_key_masked", "is_active", "last_seen_order_time", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_add_permission(self, request) -> bool:
        return can_operate(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # replaced (deactivated), never deleted: its events keep their history

    @admin.display(description=_("交易所/环境"))
    def venue_env(self, obj):
        cred = obj.credential
        return f"{cred.get_venue_display()} / {cred.get_environment_display()}"

    @admin.display(description=_("API Key"))
    def api_key_masked(self, obj):
        return obj.credential.api_key_masked

    @admin.display(description=_("连接状态"))
    def connection(self, obj):
        if not obj.is_active:
            return "-"
        conn = selectors.leader_connection()
        return badge("#2e7d32" if conn.connected else "#c62828", conn.label)

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        leader = services.leader_set(
            environment=data["environment"], api_key=data["api_key"], api_secret=data["api_secret"]
        )
        obj.pk, obj.credential = leader.pk, leader.credential
        log_action(request, "leader_set", f"{leader.pk} (admin)")


# --- leader events -----------------------------------------------------------------------------
class CopyExecutionInline(admin.TabularInline):
    model = CopyExecution
    extra = 0
    can_delete = False
    fields = [
        "follower",
        "status",
        "requested",
        "balance_used",
        "filled_base",
        "filled_quote",
        "venue_order_id",
        "latency_ms",
        "skip_reason",
        "error_words",
        "attempts",
    ]
    readonly_fields = cast("list[str]", fields)  # a flat list of names, not field groups

    @admin.display(description=_("错误"))
    def error_words(self, obj):
        return stored_error_html(obj.error) if obj.error else "-"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("follower")


@admin.register(LeaderEvent)
class LeaderEventAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "side",
        "leader_order_id",
        "filled_quote",
        "filled_base",
        "percent",
        "fanout",
        "latency",
        "not_copied_reason",
    ]
    list_filter = ["side", "dispatched", "not_copied_reason"]
    search_fields = ["leader_order_id"]
    inlines = [CopyExecutionInline]

    def get_queryset(self, request):
        return selectors._events_annotated()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("比例 x/y (%)"))
    def percent(self, obj):
        return f"{(obj.ratio * 100).quantize(Decimal('0.0001'))}%"

    @admin.display(description=_("扇出：成功/失败/跳过"))
    def fanout(self, obj):
        return f"{obj.n_fanout}: {obj.n_ok} / {obj.n_fail} / {obj.n_skipped}"

    @admin.display(description=_("延迟 (ms)"))
    def latency(self, obj):
        value = obj.fanout_ms if obj.fanout_ms is not None else obj.max_latency
        return "-" if value is None else value


# --- operator tokens ---------------------------------------------------------------------------
@admin.register(OperatorToken)
class OperatorTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "revoked_at", "ip", "active"]
    list_filter = ["revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("有效"), boolean=True)
    def active(self, obj):
        return obj.is_active

    @admin.action(description=_("撤销所选令牌"), permissions=["delete"])
    def revoke(self, request, queryset):
        for row in queryset:
            controls.operator_logout(row=row)
        self.message_user(request, _("已撤销 %(n)d 个令牌") % {"n": queryset.count()})

"""Back office (Chinese) for event orders: create, batch create, templates, cancel, per-order
delivery story, trader order amounts and the operations dashboard. Every write goes through
``orders.services``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kernel.refusals import Refused
from kernel.venue_words import report_error_html
from orders import admin_views, services
from orders.choices import DIRECTION_WORDS, OrderStatus
from orders.forms import EventSymbolForm, OrderCreateForm, OrderTemplateForm, TraderAmountForm
from orders.models import (
    EventOrder,
    EventSymbol,
    OrdersDashboard,
    OrderTemplate,
    TraderOrderAmount,
)
from orders.selectors import order_deliveries, orders_with_counts
from orders.validation import order_field_errors

STATUS_COLOURS = {
    OrderStatus.PENDING: "#b8860b",
    OrderStatus.ASSIGNED: "#2e7d32",
    OrderStatus.EXPIRED: "#777",
    OrderStatus.CANCELLED: "#c62828",
}


def _seconds(moment) -> str:
    """A local time to the second (validity windows are seconds long)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


@admin.register(EventSymbol)
class EventSymbolAdmin(admin.ModelAdmin):
    form = EventSymbolForm
    list_display = ["symbol", "is_active", "created_at"]
    list_editable = ["is_active"]
    search_fields = ["symbol"]

    def get_readonly_fields(self, request, obj=None):
        return ["symbol"] if obj is not None else []  # switch a symbol off; add the new one

    def save_model(self, request, obj, form, change):
        if change:
            services.symbol_set_active(symbol=obj, is_active=obj.is_active)
        else:
            obj.pk = services.symbol_add(symbol=obj.symbol, is_active=obj.is_active).pk


@admin.register(EventOrder)
class EventOrderAdmin(admin.ModelAdmin):
    form = OrderCreateForm
    change_list_template = "admin/orders/eventorder/change_list.html"
    # Fits a 1400 px screen: times to the second in short form, counts in one column.
    list_display = [
        "id",
        "symbol",
        "direction_s",
        "time_increment",
        "payout_s",
        "created_at_s",
        "valid_until_s",
        "status_badge",
        "results",
    ]
    list_filter = ["created_at", "symbol", "direction", "time_increment"]
    actions = ["cancel_orders"]
    readonly_fields = ["created_by", "created_full", "valid_full", "cancelled_full", "deliveries"]

    def get_queryset(self, request):
        return orders_with_counts().select_related("created_by")

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(OrderCreateForm.Meta.fields)
        return [*OrderCreateForm.Meta.fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*OrderCreateForm.Meta.fields, *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False  # orders are history; cancel instead

    @admin.display(description=_("状态"))
    def status_badge(self, obj):
        status = obj.status_at(timezone.now(), getattr(obj, "delivered_count", 0) > 0)
        label = OrderStatus(status).label
        return format_html('<b style="color:{}">{}</b>', STATUS_COLOURS[status], label)

    class Media:
        css = {"all": ["orders/admin_lists.css"]}

    @admin.display(description=_("方向"), ordering="direction")
    def direction_s(self, obj):
        colour = "#2e7d32" if obj.direction == "LONG" else "#c62828"
        word = DIRECTION_WORDS.get(obj.direction, obj.direction)
        return format_html('<span style="color:{}">{}</span>', colour, word)

    @admin.display(description=_("赔率"), ordering="payout_ratio")
    def payout_s(self, obj):
        return f"{obj.payout_ratio:.2f}"

    @admin.display(description=_("创建时间"), ordering="created_at")
    def created_at_s(self, obj):
        return timezone.localtime(obj.created_at).strftime("%m-%d %H:%M:%S")

    @admin.display(description=_("有效至"), ordering="valid_until")
    def valid_until_s(self, obj):
        return timezone.localtime(obj.valid_until).strftime("%m-%d %H:%M:%S")

    @admin.display(description=_("送达/成功/失败"), ordering="delivered_count")
    def results(self, obj):
        return format_html(
            '{} / <b style="color:#2e7d32">{}</b> / <b style="color:#c62828">{}</b>',
            obj.delivered_count,
            obj.placed_count,
            obj.failed_count,
        )

    @admin.display(description=_("创建时间"))
    def created_full(self, obj):
        return _seconds(obj.created_at)

    @admin.display(description=_("有效至"))
    def valid_full(self, obj):
        return _seconds(obj.valid_until)

    @admin.display(description=_("取消时间"))
    def cancelled_full(self, obj):
        return _seconds(obj.cancelled_at)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An existing order is history: every field read-only, so no 保存 buttons."""
        extra = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "title": _("查看事件订单"),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)

    @admin.display(description=_("已送达"), ordering="delivered_count")
    def delivered(self, obj):
        return obj.delivered_count

    @admin.display(description=_("下单成功"), ordering="placed_count")
    def placed(self, obj):
        return obj.placed_count

    @admin.display(description=_("下单失败"), ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count

    @admin.display(description=_("送达与执行明细"))
    def deliveries(self, obj):
        rows = order_deliveries(obj)
        if not rows:
            return _("尚未送达任何交易员")
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r.trader,
                    timezone.localtime(r.delivered_at).strftime("%H:%M:%S.%f")[:-3]
                    if r.delivered_at
                    else "-",
                    r.outcome_label or _("未上报"),
                    r.binance_order_id or "-",
                    report_error_html(r.error_code, r.error_message),
                    r.latency_ms if r.latency_ms is not None else "-",
                )
                for r in rows
            ),
        )
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("交易员"),
            _("送达时间"),
            _("结果"),
            _("币安订单号"),
            _("失败原因"),
            _("耗时(ms)"),
        )
        return format_html("<table>{}{}</table>", head, body)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET":  # before the operator submits: one more order would exceed
            admin_views.warn_open_limit(request, extra=1)
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return  # orders are immutable; cancel is an action
        data = form.cleaned_data
        created = services.order_create(
            symbol=data["symbol"],
            direction=data["direction"],
            time_increment=data["time_increment"],
            validity_seconds=data["validity_seconds"],
            payout_ratio=data["payout_ratio"],
            created_by=request.user,
        )
        obj.pk, obj.created_at, obj.valid_until = (
            created.pk,
            created.created_at,
            created.valid_until,
        )
        admin_views.warn_open_limit(request)

    @admin.action(description=_("取消所选订单"))
    def cancel_orders(self, request, queryset):
        done = sum(services.order_cancel(order=o, actor=request.user) for o in queryset)
        self.message_user(request, _("已取消 %(n)d 个订单") % {"n": done}, messages.SUCCESS)

    def get_urls(self):
        custom = [
            path(
                "batch/",
                self.admin_site.admin_view(admin_views.batch_create_view),
                name="orders_eventorder_batch",
            ),
        ]
        return custom + super().get_urls()


@admin.register(OrderTemplate)
class OrderTemplateAdmin(admin.ModelAdmin):
    form = OrderTemplateForm
    list_display = [
        "name",
        "symbols",
        "directions",
        "time_increment",
        "payout_ratio",
        "validity_seconds",
        "create_now",
    ]
    actions = ["create_from_templates"]

    @admin.display(description=_("一键创建"))
    def create_now(self, obj):
        # The changelist is one POST form carrying the CSRF token; formaction reuses it.
        url = reverse("admin:orders_ordertemplate_create", args=[obj.pk])
        return format_html(
            '<button type="submit" class="button" formaction="{}">{}</button>', url, _("立即创建")
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change and obj.pk:
            old = OrderTemplate.objects.get(pk=obj.pk)
            if old.name != data["name"]:
                old.delete()
        saved = services.template_save(
            name=data["name"],
            symbols=data["symbols"].split(","),
            directions=data["directions"].split(","),
            time_increment=data["time_increment"],
            validity_seconds=data["validity_seconds"],
            payout_ratio=data["payout_ratio"],
        )
        obj.pk = saved.pk

    @admin.action(description=_("用所选模板创建订单"))
    def create_from_templates(self, request, queryset):
        for template in queryset:
            _create_from_template(request, template)

    def get_urls(self):
        custom = [
            path(
                "<int:pk>/create-orders/",
                self.admin_site.admin_view(require_POST(self.create_orders_view)),
                name="orders_ordertemplate_create",
            ),
        ]
        return custom + super().get_urls()

    def create_orders_view(self, request, pk: int):
        if not self.has_view_or_change_permission(request):
            return redirect("admin:index")
        _create_from_template(request, get_object_or_404(OrderTemplate, pk=pk))
        return redirect("admin:orders_eventorder_changelist")


def _create_from_template(request, template: OrderTemplate) -> None:
    try:
        orders = services.template_create_orders(template=template, created_by=request.user)
    except Refused as exc:
        reasons = "；".join(order_field_errors(exc).values())
        messages.error(request, f"{template.name}: {reasons}")
        return
    ids = ", ".join(f"#{o.pk}" for o in orders)
    messages.success(request, _("模板 %(t)s 已创建订单 %(ids)s") % {"t": template.name, "ids": ids})
    admin_views.warn_open_limit(request)


@admin.register(TraderOrderAmount)
class TraderOrderAmountAdmin(admin.ModelAdmin):
    form = TraderAmountForm
    list_display = ["username", "display_name", "expires_at", "is_disabled", "order_amount"]
    list_editable = ["order_amount"]
    search_fields = ["username", "display_name"]
    fields = ["order_amount"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changelist_form(self, request, **kwargs):
        return TraderAmountForm

    def save_model(self, request, obj, form, change):
        trader = TraderOrderAmount.objects.get(pk=obj.pk)
        services.trader_amount_set(
            trader=trader, amount=form.cleaned_data["order_amount"], actor=request.user
        )


@admin.register(OrdersDashboard)
class OrdersDashboardAdmin(admin.ModelAdmin):
    """The admin index links here; the changelist *is* the dashboard page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return admin_views.dashboard_view(request, self.admin_site)


from orders import admin_reports  # noqa: E402, F401  (report page + execution-report history)

"""Back-office screens for event-order history: the report page over a date range (per day with a
chart, per trader, per order, failure reasons, CSV export) and the filterable, read-only list of
execution reports. Reads go through ``orders.reports``."""

from __future__ import annotations

from datetime import date

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.venue_words import report_error_html
from orders import reports
from orders.models import ExecutionReportHistory, OrdersReport

CHART_H = 140


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _asked_range(request: HttpRequest) -> tuple[reports.DateRange, str, str]:
    """(range, preset, problem) from the query string; a bad custom range falls back to 7 days."""
    preset = request.GET.get("range", "7d")
    try:
        span = reports.date_range(
            preset, _day(request.GET.get("from")), _day(request.GET.get("to"))
        )
        return span, preset, ""
    except ValueError:
        return reports.date_range("7d"), "7d", str(_("日期范围无效，已显示最近 7 天"))


def day_bars(per_day: list[tuple[date, reports.Counts]]) -> tuple[list[dict], int]:
    """Stacked SVG bars per day: placed green, failed red, skipped grey."""
    peak = max((c.total for _d, c in per_day), default=0) or 1
    slot = max(8, min(36, 900 // max(1, len(per_day))))
    bars = []
    for i, (day, c) in enumerate(per_day):
        x, base = 40 + i * slot, 10 + CHART_H
        for value, colour in ((c.placed, "#2e7d32"), (c.failed, "#c62828"), (c.skipped, "#999")):
            height = round(CHART_H * value / peak)
            base -= height
            bars.append(
                {
                    "x": x,
                    "y": base,
                    "h": height,
                    "w": slot - 4,
                    "colour": colour,
                    "tip": f"{day:%m-%d} {value}",
                }
            )
    labels = [(40 + i * slot, f"{d:%m-%d}") for i, (d, _c) in enumerate(per_day)]
    step = max(1, len(labels) // 15)
    return bars + [{"label": lbl, "x": x} for x, lbl in labels[::step]], 60 + len(per_day) * slot


@admin.register(OrdersReport)
class OrdersReportAdmin(admin.ModelAdmin):
    """The admin index links here; the changelist *is* the report page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        span, preset, problem = _asked_range(request)
        trader = request.GET.get("trader", "").strip()
        trader_id = _trader_id(trader)
        if request.GET.get("format") == "csv":
            return _csv(reports.reports_in(span, trader_id), span)
        found = reports.report(span, trader_id)
        bars, width = day_bars(found.per_day)
        context = {
            **self.admin_site.each_context(request),
            "title": _("订单统计报表"),
            "opts": self.model._meta,
            "report": found,
            "preset": preset,
            "presets": [("today", _("今天")), ("7d", _("最近 7 天")), ("30d", _("最近 30 天"))],
            "trader": trader,
            "trader_unknown": bool(trader) and trader_id is None,
            "problem": problem,
            "bars": [b for b in bars if "label" not in b],
            "labels": [b for b in bars if "label" in b],
            "chart_width": width,
            "chart_height": CHART_H + 30,
            "baseline_y": CHART_H + 10,
            "reasons": [
                (report_error_html(code, message), code, n) for code, message, n in found.reasons
            ],
            "csv_query": request.GET.urlencode(),
        }
        return TemplateResponse(request, "admin/orders/report.html", context)


def _trader_id(username: str) -> int | None:
    from accounts.models import Trader

    if not username:
        return None
    return Trader.objects.filter(username=username).values_list("pk", flat=True).first()


def _csv(found, span: reports.DateRange) -> HttpResponse:
    reply = HttpResponse(reports.csv_text(found), content_type="text/csv; charset=utf-8")
    name = f"event-orders-{span.first:%Y%m%d}-{span.last:%Y%m%d}.csv"
    reply["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply


@admin.register(ExecutionReportHistory)
class ExecutionReportHistoryAdmin(admin.ModelAdmin):
    """Every execution report, filterable by result, time, symbol, direction, reason and trader;
    read-only (no 保存 button), exportable as CSV."""

    list_display = [
        "reported_at_s",
        "order_link",
        "trader_name",
        "outcome",
        "reason",
        "amount",
        "binance_order_id",
        "latency_ms",
    ]
    list_filter = [
        "outcome",
        "reported_at",
        "order__symbol",
        "order__direction",
        "order__time_increment",
        "error_code",
    ]
    search_fields = ["trader__username", "binance_order_id", "error_code", "=order__id"]
    list_select_related = ["order", "trader"]
    list_per_page = 100
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("上报时间"), ordering="reported_at")
    def reported_at_s(self, obj):
        return timezone.localtime(obj.reported_at).strftime("%m-%d %H:%M:%S")

    class Media:
        css = {"all": ["orders/admin_lists.css"]}

    @admin.display(description=_("交易员"), ordering="trader__username")
    def trader_name(self, obj):
        return obj.trader.username

    @admin.display(description=_("订单"), ordering="order_id")
    def order_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        url = reverse("admin:orders_eventorder_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order)

    @admin.display(description=_("失败原因"))
    def reason(self, obj):
        return report_error_html(obj.error_code, obj.error_message)

    @admin.action(description=_("导出所选为 CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        reply = HttpResponse(reports.csv_text(queryset), content_type="text/csv; charset=utf-8")
        reply["Content-Disposition"] = 'attachment; filename="execution-reports.csv"'
        return reply

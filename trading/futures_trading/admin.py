"""Back office of futures proxy trading (Chinese by default): traders' futures keys (masked),
positions, trades with their legs, risk settings, the refusals log, fills and income rows,
the ratio history, statements with drill-down to each income row and CSV export, the ledger.

Records the venue produced (fills, income, positions) and the ledger are read-only here; the
ledger is append-only by design (a correction is a new row, written by ``statements``).
"""

from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from trading.futures_trading.models import (
    FuturesAccount,
    FuturesFill,
    IncomeRecord,
    LedgerEntry,
    PositionSnapshot,
    ProtectiveLeg,
    RiskOverride,
    RiskRefusal,
    ShareRatio,
    Statement,
    TradeIntent,
)
from trading.futures_trading.services import trades as services
from trading.futures_trading.services.statements import period_rows

CSV_COLUMNS = ("time", "income_type", "symbol", "amount", "asset", "share_ratio", "tran_id",
               "trade_id", "intent_id")  # fmt: skip


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by sync or services only."""

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(FuturesAccount)
class FuturesAccountAdmin(ReadOnlyAdmin):
    list_display = ("trader", "masked_key", "environment", "hedge_mode", "multi_assets",
                    "wallet", "available", "checked_at", "check_error", "loss_locked_on")  # fmt: skip
    search_fields = ("trader__username",)
    exclude = ("credential",)
    actions = ("test_connection",)

    @admin.display(description=_("API Key"))
    def masked_key(self, obj: FuturesAccount) -> str:
        return obj.credential.api_key_masked

    @admin.display(description=_("环境"))
    def environment(self, obj: FuturesAccount) -> str:
        return obj.credential.get_environment_display()

    @admin.action(description=_("测试连接（余额、持仓模式、权限）"))
    def test_connection(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        for account in queryset.select_related("credential"):
            check = services.futures_key_test(account=account)
            level = messages.SUCCESS if check.ok else messages.ERROR
            self.message_user(request, f"{account.trader}: {check.error or 'OK'}", level)


@admin.register(RiskOverride)
class RiskOverrideAdmin(admin.ModelAdmin):
    list_display = ("trader", "max_position_notional", "max_leverage", "max_trades_per_day",
                    "max_loss_per_trade_pct", "daily_loss_limit_pct", "sl_streak_limit",
                    "sl_cooldown_minutes")  # fmt: skip
    autocomplete_fields = ("trader",)


class LegInline(admin.TabularInline):
    model = ProtectiveLeg
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "client_algo_id", "algo_id", "trigger_price", "state",
                       "fill_price", "acked_at", "updated_at")  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(TradeIntent)
class TradeIntentAdmin(ReadOnlyAdmin):
    list_display = ("id", "trader", "symbol", "direction", "leverage", "margin", "filled_qty",
                    "entry_price", "state", "close_reason", "clicked_at", "closed_at")  # fmt: skip
    list_filter = ("state", "symbol", "direction", "close_reason")
    search_fields = ("trader__username", "signal_key")
    inlines = (LegInline,)

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(RiskRefusal)
class RiskRefusalAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "trader", "symbol", "rule", "message_zh")
    list_filter = ("rule",)
    search_fields = ("trader__username", "signal_key")


@admin.register(PositionSnapshot)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("trader", "symbol", "position_side", "amount", "entry_price", "mark_price",
                    "unrealized_pnl", "updated_at")  # fmt: skip


@admin.register(FuturesFill)
class FillAdmin(ReadOnlyAdmin):
    list_display = ("time", "trader", "symbol", "side", "qty", "price", "commission",
                    "realized_pnl", "intent")  # fmt: skip
    list_filter = ("symbol", "side")
    search_fields = ("trader__username", "trade_id", "order_id")


@admin.register(IncomeRecord)
class IncomeAdmin(ReadOnlyAdmin):
    list_display = ("time", "trader", "income_type", "symbol", "amount", "share_ratio",
                    "tran_id", "intent")  # fmt: skip
    list_filter = ("income_type",)
    search_fields = ("trader__username", "tran_id", "trade_id")


@admin.register(ShareRatio)
class ShareRatioAdmin(admin.ModelAdmin):
    """The ratio history: add a row to change the ratio from a moment on; rows are never edited
    (the ratio in force when a position was opened keeps applying to it)."""

    list_display = ("effective_from", "ratio", "note", "created_at")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


def income_csv(rows, filename: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([r.time.isoformat(), r.income_type, r.symbol, f"{r.amount:f}", r.asset,
                         f"{r.share_ratio:f}", r.tran_id, r.trade_id, r.intent_id or ""])  # fmt: skip
    return response


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ("trader", "period_start", "period_end", "revision", "state", "net_pnl",
                    "chargeable", "platform_share", "trader_share", "income_count", "csv_link")  # fmt: skip
    list_filter = ("state", "period_start")
    search_fields = ("trader__username",)
    readonly_fields = ("income_rows",)
    actions = ("export_csv",)

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return request.method == "GET" and obj is not None  # the detail page is a drill-down

    @admin.display(description=_("CSV"))
    def csv_link(self, obj: Statement) -> str:
        url = reverse("admin:futures_statement_csv", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("导出流水"))

    @admin.display(description=_("资金流水明细"))
    def income_rows(self, obj: Statement) -> str:
        rows = period_rows(obj.trader, obj.period_start, obj.period_end)
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((f"{r.time:%Y-%m-%d %H:%M:%S}", r.get_income_type_display(), r.symbol,
              f"{r.amount:f}", f"{r.share_ratio:.2%}", r.tran_id) for r in rows),
        )  # fmt: skip
        head = format_html("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
                           "<th>{}</th></tr>", _("时间"), _("类型"), _("合约"), _("金额"),
                           _("分成比例"), "tranId")  # fmt: skip
        return format_html("<table>{}{}</table>", head, body)

    def get_urls(self):  # type: ignore[no-untyped-def]
        extra = [path("<int:pk>/csv/", self.admin_site.admin_view(self.csv_view),
                      name="futures_statement_csv")]  # fmt: skip
        return extra + super().get_urls()

    def csv_view(self, request, pk: int) -> HttpResponse:  # type: ignore[no-untyped-def]
        s = Statement.objects.select_related("trader").get(pk=pk)
        rows = period_rows(s.trader, s.period_start, s.period_end)
        return income_csv(rows, f"statement-{s.trader.username}-{s.period_start:%Y%m%d}.csv")

    @admin.action(description=_("导出所选账单的资金流水 (CSV)"))
    def export_csv(self, request, queryset) -> HttpResponse:  # type: ignore[no-untyped-def]
        rows = []
        for s in queryset.select_related("trader"):
            rows.extend(period_rows(s.trader, s.period_start, s.period_end))
        return income_csv(rows, "statements.csv")


@admin.register(LedgerEntry)
class LedgerAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "trader", "statement", "kind", "amount", "memo")
    list_filter = ("kind",)

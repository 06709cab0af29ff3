"""Back office of the Alpha bot (Chinese by default): tokens, hosted sessions (with the paste
form), bots (state, pause reason, progress bar, venue vs our volume, cycles, wear; bulk pause /
resume) and cycles with their legs and fills. Thin: writes call the services; secrets are never
rendered."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kernel.refusals import Refused
from trading.alpha import selectors
from trading.alpha.choices import CredentialSource
from trading.alpha.core.pricing import estimated_cost
from trading.alpha.forms import PasteSessionForm
from trading.alpha.models import (
    AlphaBot,
    AlphaCredential,
    AlphaCycle,
    AlphaFill,
    AlphaLeg,
    AlphaToken,
)
from trading.alpha.services import bots, prices
from trading.alpha.services.credentials import cookie_value, credential_save, parse_pasted

PHASE_COLOURS = {"paused": "#c62828", "target_reached": "#2e7d32", "stopped": "#777",
                 "idle": "#777"}  # fmt: skip
FEE_RATE = Decimal("0.0001")  # 0.01 % a side, as observed (docs/alpha.md)


def progress_bar(percent: float) -> str:
    return format_html(
        '<div style="width:140px;background:#eee;border-radius:3px">'
        '<div style="width:{}%;background:#2e7d32;color:#fff;font-size:11px;'
        'padding:1px 4px;border-radius:3px;white-space:nowrap">{}%</div></div>',
        max(4, min(100, percent)), percent,
    )  # fmt: skip


@admin.register(AlphaToken)
class AlphaTokenAdmin(admin.ModelAdmin):
    list_display = ["symbol", "alpha_id", "env", "order_symbol", "chain_name", "mul_point",
                    "tick", "step", "min_notional", "can_trade_flag", "offline", "offsell",
                    "refreshed_at"]  # fmt: skip
    list_filter = ["env", "offline", "offsell", "mul_point"]
    search_fields = ["symbol", "alpha_id", "name", "contract_address"]
    readonly_fields = [f.name for f in AlphaToken._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # the catalogue comes from the venue

    @admin.display(description=_("可交易"), boolean=True)
    def can_trade_flag(self, obj):
        return obj.can_trade


@admin.register(AlphaCredential)
class AlphaCredentialAdmin(admin.ModelAdmin):
    list_display = ["trader", "env", "status", "source", "expires_at", "verified_at",
                    "consent_at"]  # fmt: skip
    list_filter = ["env", "status", "source"]
    search_fields = ["trader__username"]
    fields = ["trader", "env", "status", "source", "expires_at", "verified_at", "consent_at",
              "created_at", "updated_at"]  # fmt: skip
    readonly_fields = cast("list[str]", fields)  # a flat list of names, not field groups
    change_list_template = "admin/alpha/alphacredential/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False  # through the paste form or the desktop client, both verified

    def get_urls(self):
        paste = self.admin_site.admin_view(self.paste_view)
        return [path("paste/", paste, name="alpha_alphacredential_paste"), *super().get_urls()]

    def paste_view(self, request):
        form = PasteSessionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            headers, cookie = parse_pasted(d["pasted"])
            csrftoken, p20t = headers.pop("csrftoken", ""), cookie_value(cookie, "p20t")
            try:
                credential_save(trader=d["trader"], env=d["env"], csrftoken=csrftoken, p20t=p20t,
                                expires_at=d["expires_at"], source=CredentialSource.ADMIN_PASTE,
                                consent=False, extra_headers=headers, cookies=cookie,
                                actor=request.user)  # fmt: skip
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已验证并保存"))
                return redirect(reverse("admin:alpha_alphacredential_changelist"))
        context = {**self.admin_site.each_context(request), "form": form,
                   "title": _("粘贴币安网页登录")}  # fmt: skip
        return TemplateResponse(request, "admin/alpha/paste_session.html", context)


class CycleInline(admin.TabularInline):
    model = AlphaCycle
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "kind", "opened_at", "buy_price", "quantity", "sell_price", "buy_quote",
              "counted", "cost", "wear_bps", "note"]  # fmt: skip
    readonly_fields = cast("list[str]", fields)  # a flat list of names, not field groups
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AlphaBot)
class AlphaBotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "phase_badge", "reason", "progress", "venue_vs_ours", "cycles",
                    "wear", "cost_total", "order_usdt", "offsets"]  # fmt: skip
    list_filter = ["phase", "pause_reason", "token__env"]
    search_fields = ["trader__username", "token__symbol"]
    actions = ["pause_selected", "resume_selected"]
    readonly_fields = ["phase", "cycle_no", "legs", "bought", "sold", "pause_reason",
                       "pause_detail", "phase_since", "counted_total", "cost_total",
                       "venue_today", "venue_checked_at", "venue_reading", "estimated_cycle_cost",
                       "created_at", "updated_at"]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["trader", "token", "credential"]}),
        (_("配置"), {"fields": ["target_kind", "target_value", "offset_mode", "buy_offset",
                               "sell_offset", "estimated_cycle_cost", "order_usdt", "timeout_s",
                               "swing_pct", "wear_cap"]}),
        (_("运行状态"), {"fields": ["phase", "pause_reason", "pause_detail", "phase_since",
                                 "cycle_no", "legs", "bought", "sold"]}),
        (_("统计"), {"fields": ["counted_total", "cost_total", "venue_today", "venue_checked_at",
                               "venue_reading"]}),
    ]  # fmt: skip
    inlines = [CycleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("trader", "token")

    def get_readonly_fields(self, request, obj=None):
        running = obj is not None and obj.phase not in ("idle", "stopped", "target_reached",
                                                        "paused")  # fmt: skip
        extra = ["trader", "token", "credential", "target_kind", "target_value", "offset_mode",
                 "buy_offset", "sell_offset", "order_usdt", "timeout_s", "swing_pct",
                 "wear_cap"] if running else []  # fmt: skip
        return [*self.readonly_fields, *extra]

    @admin.display(description=_("状态"), ordering="phase")
    def phase_badge(self, obj):
        return format_html('<b style="color:{}">{}</b>', PHASE_COLOURS.get(obj.phase, "#1565c0"),
                           obj.get_phase_display())  # fmt: skip

    @admin.display(description=_("暂停原因"))
    def reason(self, obj):
        if not obj.pause_reason:
            return "-"
        return format_html("{}<br><small>{}</small>", obj.get_pause_reason_display(),
                           obj.pause_detail)  # fmt: skip

    @admin.display(description=_("目标进度"))
    def progress(self, obj):
        p = selectors.bot_progress(obj)
        return format_html("{}<small>{} / {} USDT · {} 积分 · 剩余 {} 轮</small>",
                           progress_bar(p["percent"]), p["done_volume"], p["target_volume"],
                           p["points_today"], p["loops_left"])  # fmt: skip

    @admin.display(description=_("今日计量成交额：币安 / 我方"))
    def venue_vs_ours(self, obj):
        p = selectors.bot_progress(obj)
        return f"{p['venue_today']} / {p['ours_today']}"

    @admin.display(description=_("轮次"))
    def cycles(self, obj):
        url = reverse("admin:alpha_alphacycle_changelist") + f"?bot__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.cycles.count())

    @admin.display(description=_("今日磨损 (bps)"))
    def wear(self, obj):
        return selectors.bot_progress(obj)["wear_bps_today"]

    @admin.display(description=_("买/卖偏移"))
    def offsets(self, obj):
        unit = "%" if obj.offset_mode == "pct" else ""
        return f"{obj.buy_offset.normalize():f}{unit} / {obj.sell_offset.normalize():f}{unit}"

    @admin.display(description=_("预计每轮成本 (USDT)"))
    def estimated_cycle_cost(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        last = prices.cached(obj.token.env, obj.token.order_symbol, max_age_s=3600) or (
            obj.cycles.order_by("-number").values_list("last_price", flat=True).first()
        )
        if not last:
            return _("（有最新价后估算）")
        cost = estimated_cost(mode=obj.offset_mode, buy_offset=obj.buy_offset,
                              sell_offset=obj.sell_offset, order_usdt=obj.order_usdt, last=last,
                              fee_rate=FEE_RATE)  # fmt: skip
        return f"{cost:.4f}"

    @admin.action(description=_("暂停所选机器人"))
    def pause_selected(self, request, queryset):
        done = bots.bots_pause(bot_ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("已暂停 %(n)d 个") % {"n": done})

    @admin.action(description=_("继续所选机器人（先对账）"))
    def resume_selected(self, request, queryset):
        done = bots.bots_resume(bot_ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("已继续 %(n)d 个") % {"n": done})


class LegInline(admin.TabularInline):
    model = AlphaLeg
    extra = 0
    can_delete = False
    fields = ["role", "order_id", "side", "price", "orig_qty", "status", "executed_qty",
              "cum_quote", "fills_text", "created_at"]  # fmt: skip
    readonly_fields = cast("list[str]", fields)  # a flat list of names, not field groups

    @admin.display(description=_("成交"))
    def fills_text(self, obj):
        rows = [f"{f.qty.normalize():f} @ {f.price.normalize():f} (fee {f.fee.normalize():f} "
                f"{f.fee_asset})" for f in obj.fills.all()]  # fmt: skip
        return format_html("<br>".join(["{}"] * len(rows)), *rows) if rows else "-"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AlphaCycle)
class AlphaCycleAdmin(admin.ModelAdmin):
    list_display = ["bot", "number", "kind", "opened_at", "closed_at", "buy_price", "quantity",
                    "sell_price", "buy_quote", "counted", "fees", "cost", "wear_bps", "note"]  # fmt: skip
    list_filter = ["kind", "bot__token__symbol"]
    search_fields = ["bot__trader__username", "list_id"]
    readonly_fields = [f.name for f in AlphaCycle._meta.fields]
    inlines = [LegInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AlphaFill)
class AlphaFillAdmin(admin.ModelAdmin):
    list_display = ["leg", "trade_id", "side", "price", "qty", "quote", "fee", "fee_asset", "at"]
    search_fields = ["trade_id", "leg__order_id"]
    readonly_fields = [f.name for f in AlphaFill._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

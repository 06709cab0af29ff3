"""Back office of futures signals: feeds (symbols × intervals), strategy switches, the signal list
(reason, confidence, outcome and the strategy's scorecard beside each) and the scorecard table.

Thin: switches call ``services``; reads come from ``selectors`` / ``presenters``. Signals,
outcomes and scorecards are measured data and read-only here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from trading.futures import presenters, selectors
from trading.futures.models import Feed, Scorecard, Signal, StrategySetting
from trading.futures.services import signals as services

DIRECTION_COLOURS = {"LONG": "#2e7d32", "SHORT": "#c62828"}
OUTCOME_COLOURS = {"tp": "#2e7d32", "sl": "#c62828", "timeout": "#777"}


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def num(value: float | None, places: int = 2) -> str:
    return "-" if value is None else f"{value:+.{places}f}"


def price(value) -> str:
    return f"{value.normalize():f}"


def reason_value(key: str, value) -> str:
    """An indicator value as a person reads it (the model's training cut-off as a UTC time)."""
    if key == "trained_until" and isinstance(value, int | float):
        return f"{datetime.fromtimestamp(value / 1000, tz=UTC):%m-%d %H:%M} UTC"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def nowrap(text: str):
    return format_html('<span style="white-space:nowrap">{}</span>', text)


def card_line(card: Scorecard | None) -> str:
    if card is None or card.signals == 0:
        return str(_("暂无成绩"))
    return str(
        _("%(n)d 个 · 命中 %(hit)s / 基准 %(base)s · 净期望 %(net)sR · 回撤 %(dd)sR")
        % {"n": card.signals, "hit": pct(card.hit_rate), "base": pct(card.base_rate),
           "net": num(card.expectancy_net_r), "dd": f"{card.max_drawdown_r:.1f}"}
    )  # fmt: skip


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = (
        "symbol",
        "interval",
        "enabled",
        "backfill_bars",
        "latest_candle",
        "decided_until",
    )
    list_editable = ("enabled",)
    list_filter = ("enabled", "interval")
    fields = ("symbol", "interval", "enabled", "backfill_bars")

    def save_model(self, request, obj: Feed, form, change) -> None:
        services.feed_save(feed=obj)

    @admin.display(description=_("最新已收盘K线"))
    def latest_candle(self, feed: Feed):
        return selectors.latest_open_time(feed.symbol, feed.interval) or "-"


@admin.register(StrategySetting)
class StrategySettingAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "enabled", "record_30d")
    readonly_fields = ("name", "enabled")
    actions = ("switch_on", "switch_off")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("说明"))
    def label(self, row: StrategySetting) -> str:
        return presenters.label(row.name)

    @admin.display(description=_("近30天实盘成绩（全部交易对）"))
    def record_30d(self, row: StrategySetting):
        cards = Scorecard.objects.filter(strategy=row.name, source="live", window_days=30)
        return format_html_join(
            "", "<div>{} {}: {}</div>", ((c.symbol, c.interval, card_line(c)) for c in cards)
        ) or _("暂无成绩")

    def _switch(self, request, queryset, enabled: bool) -> None:
        for row in queryset:
            services.strategy_set_enabled(name=row.name, enabled=enabled)
        self.message_user(
            request, _("已更新 %(n)d 个策略") % {"n": queryset.count()}, messages.SUCCESS
        )

    @admin.action(description=_("启用所选策略"))
    def switch_on(self, request, queryset) -> None:
        self._switch(request, queryset, True)

    @admin.action(description=_("停用所选策略"))
    def switch_off(self, request, queryset) -> None:
        self._switch(request, queryset, False)


@admin.register(Signal)
class SignalAdmin(ReadOnly):
    list_display = (
        "decision_time", "market", "strategy_label", "direction_badge", "confidence_pct",
        "levels", "outcome_badge", "reason_text", "scorecard",
    )  # fmt: skip
    list_filter = ("strategy", "symbol", "interval", "direction")
    list_select_related = ("outcome",)
    date_hierarchy = "decision_time"
    list_per_page = 50

    @admin.display(description=_("策略"), ordering="strategy")
    def strategy_label(self, s: Signal):
        return nowrap(presenters.label(s.strategy))

    @admin.display(description=_("合约 / 周期"), ordering="symbol")
    def market(self, s: Signal):
        return nowrap(f"{s.symbol} {s.interval}")

    @admin.display(description=_("置信度"), ordering="confidence")
    def confidence_pct(self, s: Signal) -> str:
        return f"{s.confidence * 100:.0f}%"

    @admin.display(description=_("参考入场 / 止盈 / 止损"))
    def levels(self, s: Signal):
        return nowrap(" / ".join(price(v) for v in (s.entry_ref, s.tp, s.sl)))

    @admin.display(description=_("方向"), ordering="direction")
    def direction_badge(self, s: Signal):
        return format_html(
            '<b style="color:{}">{}</b>', DIRECTION_COLOURS[s.direction], s.get_direction_display()
        )

    @admin.display(description=_("结果"))
    def outcome_badge(self, s: Signal):
        outcome = getattr(s, "outcome", None)
        if outcome is None:
            return _("进行中")
        return format_html(
            '<b style="color:{}">{}</b> {}R <span style="color:#777">(净 {}R)</span>',
            OUTCOME_COLOURS[outcome.outcome], outcome.get_outcome_display(),
            num(outcome.r), num(outcome.net_r),
        )  # fmt: skip

    @admin.display(description=_("依据"))
    def reason_text(self, s: Signal):
        items = [(k, reason_value(k, v)) for k, v in list(s.reason.items())[:6]]
        return format_html_join(" ", '<span style="white-space:nowrap">{}={}</span>', items)

    @admin.display(description=_("策略成绩单（30天）"))
    def scorecard(self, s: Signal):
        cards = selectors.scorecards_for([s])[(s.strategy, s.symbol, s.interval)]
        tag = ""
        if s.strategy == "model_gbm" and not presenters.has_edge(cards):
            tag = str(_("试验中"))
        return format_html(
            '<div><b style="color:#b8860b">{}</b></div><div style="white-space:nowrap">{}: {}</div>'
            '<div style="white-space:nowrap">{}: {}</div>',
            tag, _("实盘"), card_line(cards.get("live")), _("回测"), card_line(cards.get("backtest")),
        )  # fmt: skip


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnly):
    list_display = (
        "strategy_label", "symbol", "interval", "source", "window_days", "signals", "hit",
        "base", "edge", "exp_r", "exp_net_r", "pf", "mfe", "mae", "drawdown",
        "longest_losing_streak", "updated_at",
    )  # fmt: skip
    list_filter = ("source", "window_days", "strategy", "symbol", "interval")

    @admin.display(description=_("策略"), ordering="strategy")
    def strategy_label(self, c: Scorecard):
        return nowrap(presenters.label(c.strategy))

    @admin.display(description=_("命中率"), ordering="hit_rate")
    def hit(self, c: Scorecard) -> str:
        return pct(c.hit_rate)

    @admin.display(description=_("基准命中率"), ordering="base_rate")
    def base(self, c: Scorecard) -> str:
        return pct(c.base_rate)

    @admin.display(description=_("优于基准"), boolean=True)
    def edge(self, c: Scorecard) -> bool:
        return c.beats_base_rate

    @admin.display(description=_("期望R(毛)"), ordering="expectancy_r")
    def exp_r(self, c: Scorecard) -> str:
        return num(c.expectancy_r)

    @admin.display(description=_("期望R(净)"), ordering="expectancy_net_r")
    def exp_net_r(self, c: Scorecard) -> str:
        return num(c.expectancy_net_r)

    @admin.display(description=_("盈亏比"), ordering="profit_factor")
    def pf(self, c: Scorecard) -> str:
        return "-" if c.profit_factor is None else f"{c.profit_factor:.2f}"

    @admin.display(description=_("最大回撤R"), ordering="max_drawdown_r")
    def drawdown(self, c: Scorecard) -> str:
        return f"{c.max_drawdown_r:.1f}"

    @admin.display(description=_("平均MFE(R)"))
    def mfe(self, c: Scorecard) -> str:
        return num(c.avg_mfe_r)

    @admin.display(description=_("平均MAE(R)"))
    def mae(self, c: Scorecard) -> str:
        return num(c.avg_mae_r)

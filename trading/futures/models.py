"""Market data, signals, their outcomes and the scorecards of the futures signals product.

Prices are ``Decimal`` as the venue prints them; R values (risk multiples) are plain ratios.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.decimal_fields import Digits
from trading.futures.choices import Direction, IntervalChoices, Outcome, Source

PRICE: Digits = {"max_digits": 24, "decimal_places": 10}


SYMBOL_RULE = RegexValidator(
    r"^[A-Z0-9]{2,20}$", _("交易对须为 2–20 位大写字母或数字，例如 BTCUSDT")
)


class Feed(models.Model):
    """One (symbol, interval) whose klines are collected and on which signals are decided."""

    symbol = models.CharField(_("交易对"), max_length=20, validators=[SYMBOL_RULE])
    interval = models.CharField(_("周期"), max_length=4, choices=IntervalChoices)
    enabled = models.BooleanField(_("启用"), default=True)
    backfill_bars = models.PositiveIntegerField(_("回补K线数"), default=1500)
    decided_until = models.DateTimeField(_("已决策至"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行情订阅")
        verbose_name_plural = _("行情订阅")
        ordering = ["symbol", "interval"]
        constraints = [
            models.UniqueConstraint(fields=["symbol", "interval"], name="futures_feed_unique")
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.interval}"


class StrategySetting(models.Model):
    """Whether one named strategy decides live signals (the code lives in ``signals/``)."""

    name = models.CharField(_("策略"), max_length=40, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("策略开关")
        verbose_name_plural = _("策略开关")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Kline(models.Model):
    """One CLOSED candle of a symbol and interval, stored once per open time."""

    symbol = models.CharField(max_length=20)
    interval = models.CharField(max_length=4)
    open_time = models.DateTimeField()
    open = models.DecimalField(**PRICE)
    high = models.DecimalField(**PRICE)
    low = models.DecimalField(**PRICE)
    close = models.DecimalField(**PRICE)
    volume = models.DecimalField(max_digits=30, decimal_places=8)

    class Meta:
        verbose_name = _("K线")
        verbose_name_plural = _("K线")
        constraints = [
            models.UniqueConstraint(
                fields=["symbol", "interval", "open_time"], name="futures_kline_unique"
            )
        ]


class FundingRate(models.Model):
    """One funding settlement of a perpetual: the rate and the mark price it applied to."""

    symbol = models.CharField(max_length=20)
    funding_time = models.DateTimeField()
    rate = models.DecimalField(max_digits=14, decimal_places=10)
    mark_price = models.DecimalField(null=True, blank=True, **PRICE)

    class Meta:
        verbose_name = _("资金费率")
        verbose_name_plural = _("资金费率")
        constraints = [
            models.UniqueConstraint(
                fields=["symbol", "funding_time"], name="futures_funding_unique"
            )
        ]


class MarkPrice(models.Model):
    """The latest mark price and funding estimate of a symbol (one row per symbol)."""

    symbol = models.CharField(max_length=20, unique=True)
    mark_price = models.DecimalField(**PRICE)
    index_price = models.DecimalField(**PRICE)
    last_funding_rate = models.DecimalField(max_digits=14, decimal_places=10)
    next_funding_time = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("标记价格")
        verbose_name_plural = _("标记价格")


class Signal(models.Model):
    """A trade idea decided by one strategy at the close of one candle (decision time)."""

    symbol = models.CharField(_("交易对"), max_length=20)
    interval = models.CharField(_("周期"), max_length=4)
    strategy = models.CharField(_("策略"), max_length=40)
    decision_time = models.DateTimeField(_("决策时间"))
    direction = models.CharField(_("方向"), max_length=5, choices=Direction.choices)
    confidence = models.DecimalField(_("置信度"), max_digits=5, decimal_places=4)
    entry_ref = models.DecimalField(_("参考入场价"), **PRICE)
    tp = models.DecimalField(_("止盈价"), **PRICE)
    sl = models.DecimalField(_("止损价"), **PRICE)
    horizon_bars = models.PositiveIntegerField(_("持有上限(根)"))
    reason = models.JSONField(_("依据"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信号")
        verbose_name_plural = _("信号")
        ordering = ["-decision_time", "strategy"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "symbol", "interval", "decision_time"],
                name="futures_signal_unique",
            )
        ]
        indexes = [models.Index(fields=["symbol", "interval", "decision_time"])]

    def __str__(self) -> str:
        return f"{self.strategy} {self.symbol} {self.interval} {self.direction} @{self.decision_time:%Y-%m-%d %H:%M}"


class SignalOutcome(models.Model):
    """How a signal ended, graded from the candles after its horizon (see docs/signals.md)."""

    signal = models.OneToOneField(Signal, on_delete=models.CASCADE, related_name="outcome")
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices)
    entry = models.DecimalField(_("入场价"), **PRICE)
    exit_price = models.DecimalField(_("出场价"), **PRICE)
    exit_time = models.DateTimeField(_("出场K线"))
    bars_held = models.PositiveIntegerField()
    r = models.FloatField(_("R(毛)"))
    net_r = models.FloatField(_("R(净)"))
    fees_r = models.FloatField()
    funding_r = models.FloatField()
    mfe_r = models.FloatField()
    mae_r = models.FloatField()
    graded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信号结果")
        verbose_name_plural = _("信号结果")


class Scorecard(models.Model):
    """One strategy's measured record on one symbol and interval over the last N days."""

    strategy = models.CharField(_("策略"), max_length=40)
    symbol = models.CharField(_("交易对"), max_length=20)
    interval = models.CharField(_("周期"), max_length=4)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    window_days = models.PositiveSmallIntegerField(_("天数"))
    signals = models.PositiveIntegerField(_("信号数"), default=0)
    hit_rate = models.FloatField(_("命中率"), null=True)
    base_rate = models.FloatField(_("基准命中率"), null=True)
    expectancy_r = models.FloatField(_("期望R(毛)"), null=True)
    expectancy_net_r = models.FloatField(_("期望R(净)"), null=True)
    profit_factor = models.FloatField(_("盈亏比"), null=True)
    avg_mfe_r = models.FloatField(_("平均最大浮盈R"), null=True)
    avg_mae_r = models.FloatField(_("平均最大浮亏R"), null=True)
    max_drawdown_r = models.FloatField(_("最大回撤R"), default=0.0)
    longest_losing_streak = models.PositiveIntegerField(_("最长连亏"), default=0)
    t_stat_net = models.FloatField(null=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("成绩单")
        verbose_name_plural = _("成绩单")
        ordering = ["strategy", "symbol", "interval", "source", "window_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "symbol", "interval", "source", "window_days"],
                name="futures_scorecard_unique",
            )
        ]

    @property
    def beats_base_rate(self) -> bool:
        return (
            self.hit_rate is not None
            and self.base_rate is not None
            and self.hit_rate > self.base_rate
            and (self.expectancy_net_r or 0.0) > 0
        )

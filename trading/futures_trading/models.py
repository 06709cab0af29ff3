"""Futures proxy trading data: traders' futures accounts and risk overrides, one intent per
(signal, trader) with its protective legs, the refusals log, synced fills and income rows,
positions, the profit-share ratio history, statements and the append-only ledger."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ExchangeCredential, Trader
from trading.decimal_fields import Digits
from trading.futures_trading.choices import (
    CloseReason,
    IncomeType,
    IntentState,
    LedgerKind,
    LegKind,
    LegState,
    StatementState,
)

MONEY: Digits = {"max_digits": 24, "decimal_places": 8}


class FuturesAccount(models.Model):
    """A trader's Binance USDⓈ-M futures account: its API key and what we last read of it."""

    trader = models.OneToOneField(Trader, on_delete=models.CASCADE, related_name="futures_account")
    credential = models.ForeignKey(ExchangeCredential, on_delete=models.PROTECT)
    hedge_mode = models.BooleanField(_("双向持仓"), default=False)
    multi_assets = models.BooleanField(_("联合保证金"), default=False)
    wallet = models.DecimalField(_("钱包余额"), default=Decimal(0), **MONEY)
    available = models.DecimalField(_("可用余额"), default=Decimal(0), **MONEY)
    checked_at = models.DateTimeField(_("上次检测"), null=True, blank=True)
    check_error = models.CharField(_("检测结果"), max_length=255, blank=True, default="")
    loss_locked_on = models.DateField(_("当日亏损锁定日期"), null=True, blank=True)
    synced_until = models.DateTimeField(_("已同步至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合约账户")
        verbose_name_plural = _("合约账户")

    def __str__(self) -> str:
        return f"{self.trader} / {self.credential.api_key_masked}"


class RiskOverride(models.Model):
    """Per-trader risk limits; an empty field falls back to the runtime knob."""

    trader = models.OneToOneField(Trader, on_delete=models.CASCADE, related_name="futures_risk")
    max_position_notional = models.DecimalField(
        _("最大持仓名义价值"), null=True, blank=True, **MONEY
    )
    max_leverage = models.PositiveSmallIntegerField(_("最大杠杆"), null=True, blank=True)
    max_trades_per_day = models.PositiveSmallIntegerField(_("每日最多开仓"), null=True, blank=True)
    max_loss_per_trade_pct = models.DecimalField(
        _("单笔最大亏损 %"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    daily_loss_limit_pct = models.DecimalField(
        _("每日亏损上限 %"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    sl_streak_limit = models.PositiveSmallIntegerField(_("连续止损次数"), null=True, blank=True)
    sl_cooldown_minutes = models.PositiveIntegerField(_("冷却分钟"), null=True, blank=True)

    class Meta:
        verbose_name = _("风控设置")
        verbose_name_plural = _("风控设置")

    def __str__(self) -> str:
        return str(self.trader)


class TradeIntent(models.Model):
    """One click: a trader's decision to trade one signal — recorded before anything is sent, at
    most one per (signal, trader); client order ids are derived from its id."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="futures_intents")
    signal_key = models.CharField(_("信号"), max_length=64)
    symbol = models.CharField(_("合约"), max_length=20)
    direction = models.CharField(_("方向"), max_length=5)
    position_side = models.CharField(max_length=5, default="BOTH")
    entry_ref = models.DecimalField(_("信号入场价"), **MONEY)
    take_profit = models.DecimalField(_("止盈价"), null=True, blank=True, **MONEY)
    stop_loss = models.DecimalField(_("止损价"), null=True, blank=True, **MONEY)
    margin = models.DecimalField(_("保证金"), **MONEY)
    leverage = models.PositiveSmallIntegerField(_("杠杆"))
    trailing_callback_pct = models.DecimalField(
        _("移动止损回调 %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    trailing_activation = models.DecimalField(_("移动止损激活价"), null=True, blank=True, **MONEY)
    quantity = models.DecimalField(_("数量"), default=Decimal(0), **MONEY)
    share_ratio = models.DecimalField(_("平台分成比例"), max_digits=5, decimal_places=4)
    state = models.CharField(
        _("状态"), max_length=16, choices=IntentState.choices, default=IntentState.RECORDED
    )
    entry_order_id = models.CharField(max_length=32, blank=True, default="")
    entry_price = models.DecimalField(_("开仓均价"), default=Decimal(0), **MONEY)
    filled_qty = models.DecimalField(_("成交数量"), default=Decimal(0), **MONEY)
    lease_until = models.DateTimeField(null=True, blank=True)
    close_sent = models.BooleanField(_("已发平仓单"), default=False)
    close_price = models.DecimalField(_("平仓价"), default=Decimal(0), **MONEY)
    error = models.CharField(_("错误"), max_length=255, blank=True, default="")
    close_reason = models.CharField(
        _("平仓原因"), max_length=8, choices=CloseReason.choices, blank=True, default=""
    )
    clicked_at = models.DateTimeField(_("点击时间"), auto_now_add=True)
    entry_at = models.DateTimeField(_("开仓时间"), null=True, blank=True)
    protected_at = models.DateTimeField(_("止损挂上时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("平仓时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("合约交易")
        verbose_name_plural = _("合约交易")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trader", "signal_key"], name="ft_one_intent_per_signal"
            )
        ]
        indexes = [models.Index(fields=["state", "lease_until"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.symbol} {self.direction} ({self.trader})"

    def client_id(self, suffix: str) -> str:
        """Client order / algo id for one order of this intent: ``ft<id><suffix>`` (≤ 36)."""
        return f"ft{self.pk}{suffix}"


class ProtectiveLeg(models.Model):
    """One TP, SL or trailing algo order of an intent; placed exactly once under its client id."""

    intent = models.ForeignKey(TradeIntent, on_delete=models.CASCADE, related_name="legs")
    kind = models.CharField(_("类型"), max_length=8, choices=LegKind.choices)
    client_algo_id = models.CharField(max_length=36, unique=True)
    algo_id = models.CharField(max_length=32, blank=True, default="")
    trigger_price = models.DecimalField(_("触发价"), null=True, blank=True, **MONEY)
    state = models.CharField(
        _("状态"), max_length=10, choices=LegState.choices, default=LegState.PENDING
    )
    actual_order_id = models.CharField(max_length=32, blank=True, default="")
    fill_price = models.DecimalField(_("成交价"), default=Decimal(0), **MONEY)
    acked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("止盈止损单")
        verbose_name_plural = _("止盈止损单")
        constraints = [models.UniqueConstraint(fields=["intent", "kind"], name="ft_one_leg_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.client_algo_id}"


class RiskRefusal(models.Model):
    """One refused click: the rule, its numbers and the message the trader saw."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="futures_refusals")
    intent = models.ForeignKey(TradeIntent, null=True, on_delete=models.SET_NULL)
    signal_key = models.CharField(_("信号"), max_length=64)
    symbol = models.CharField(_("合约"), max_length=20)
    rule = models.CharField(_("规则"), max_length=32)
    values = models.JSONField(_("数值"), default=dict)
    message_zh = models.CharField(_("说明"), max_length=255)
    message_en = models.CharField(_("说明（英文）"), max_length=255)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风控拒绝记录")
        verbose_name_plural = _("风控拒绝记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.trader} {self.rule}"


class FuturesFill(models.Model):
    """One fill of the trader's account (``userTrades`` / ``ORDER_TRADE_UPDATE``), stored once."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="futures_fills")
    intent = models.ForeignKey(TradeIntent, null=True, blank=True, on_delete=models.SET_NULL)
    symbol = models.CharField(max_length=20)
    trade_id = models.CharField(max_length=32)
    order_id = models.CharField(max_length=32)
    client_order_id = models.CharField(max_length=40, blank=True, default="")
    side = models.CharField(max_length=4)
    price = models.DecimalField(**MONEY)
    qty = models.DecimalField(**MONEY)
    commission = models.DecimalField(**MONEY)
    realized_pnl = models.DecimalField(**MONEY)
    time = models.DateTimeField()

    class Meta:
        verbose_name = _("成交")
        verbose_name_plural = _("成交")
        ordering = ["-time"]
        constraints = [
            models.UniqueConstraint(fields=["trader", "symbol", "trade_id"], name="ft_fill_once")
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.side} {self.qty}@{self.price}"


class IncomeRecord(models.Model):
    """One income row (realized PnL, commission, funding) — the source of every statement;
    stored once per (trader, type, tranId) and never edited."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="futures_income")
    intent = models.ForeignKey(TradeIntent, null=True, blank=True, on_delete=models.SET_NULL)
    income_type = models.CharField(_("类型"), max_length=16, choices=IncomeType.choices)
    tran_id = models.CharField(max_length=32)
    trade_id = models.CharField(max_length=32, blank=True, default="")
    symbol = models.CharField(_("合约"), max_length=20, blank=True, default="")
    amount = models.DecimalField(_("金额"), **MONEY)
    asset = models.CharField(max_length=10, default="USDT")
    share_ratio = models.DecimalField(_("分成比例"), max_digits=5, decimal_places=4)
    time = models.DateTimeField(_("时间"))
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("资金流水")
        verbose_name_plural = _("资金流水")
        ordering = ["time", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trader", "income_type", "tran_id"], name="ft_income_once"
            )
        ]
        indexes = [models.Index(fields=["trader", "time"])]

    def __str__(self) -> str:
        return f"{self.income_type} {self.amount} {self.time:%Y-%m-%d %H:%M}"


class PositionSnapshot(models.Model):
    """The trader's open position on one symbol/side as last seen (REST or stream)."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="futures_positions")
    symbol = models.CharField(max_length=20)
    position_side = models.CharField(max_length=5, default="BOTH")
    amount = models.DecimalField(**MONEY)
    entry_price = models.DecimalField(**MONEY)
    mark_price = models.DecimalField(default=Decimal(0), **MONEY)
    unrealized_pnl = models.DecimalField(default=Decimal(0), **MONEY)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("持仓")
        verbose_name_plural = _("持仓")
        constraints = [
            models.UniqueConstraint(
                fields=["trader", "symbol", "position_side"], name="ft_position_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.amount}"


class ShareRatio(models.Model):
    """The platform's profit-share ratio from ``effective_from`` on (history; never edited)."""

    ratio = models.DecimalField(_("平台分成比例"), max_digits=5, decimal_places=4)
    effective_from = models.DateTimeField(_("生效时间"))
    note = models.CharField(_("备注"), max_length=128, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("分成比例")
        verbose_name_plural = _("分成比例")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.ratio:.2%} @ {self.effective_from:%Y-%m-%d %H:%M}"


class Statement(models.Model):
    """A trader's profit-share statement for one period, computed from stored income rows;
    a recomputation that differs is a new revision (the old one is marked superseded)."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="futures_statements")
    period_start = models.DateTimeField(_("周期开始"))
    period_end = models.DateTimeField(_("周期结束"))
    revision = models.PositiveSmallIntegerField(_("版本"), default=1)
    state = models.CharField(
        _("状态"), max_length=12, choices=StatementState.choices, default=StatementState.ISSUED
    )
    gross_pnl = models.DecimalField(_("已实现盈亏"), **MONEY)
    fees = models.DecimalField(_("手续费"), **MONEY)
    funding = models.DecimalField(_("资金费"), **MONEY)
    net_pnl = models.DecimalField(_("净盈亏"), **MONEY)
    carry_in = models.DecimalField(_("结转亏损"), **MONEY)
    chargeable = models.DecimalField(_("计费盈利"), max_digits=20, decimal_places=2)
    platform_share = models.DecimalField(_("平台分成"), max_digits=20, decimal_places=2)
    trader_share = models.DecimalField(_("交易员所得"), max_digits=20, decimal_places=2)
    carry_out = models.DecimalField(_("结转至下期"), **MONEY)
    income_count = models.PositiveIntegerField(_("流水条数"))
    issued_at = models.DateTimeField(_("出单时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分成账单")
        verbose_name_plural = _("分成账单")
        ordering = ["-period_start", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["trader", "period_start", "revision"], name="ft_statement_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trader} {self.period_start:%Y-%m-%d} r{self.revision}"


class LedgerEntry(models.Model):
    """An append-only money movement of the profit share (a correction is a new row)."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="futures_ledger")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=16, choices=LedgerKind.choices)
    amount = models.DecimalField(_("金额"), max_digits=20, decimal_places=2)
    memo = models.CharField(_("说明"), max_length=128, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分成台账")
        verbose_name_plural = _("分成台账")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

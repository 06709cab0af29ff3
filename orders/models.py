"""Event-contract orders (事件合约): the allowed symbols, the orders an operator creates, saved
order templates, the delivery record (one ``Claim`` per trader and order) and what each trader's
client reported back (``ExecutionReport``)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Trader
from orders.choices import DIRECTION_WORDS, Direction, OrderStatus, Outcome, TimeIncrement

# Binance's form of a symbol (BTCUSDT): what the allowed list accepts, so a typo or stray
# character never reaches the pull body or every trader's Binance account.
validate_symbol = RegexValidator(
    r"^[A-Z0-9]{2,20}\Z", _("交易对须为 2 到 20 位大写字母或数字"), code="invalid_symbol"
)


class EventSymbol(models.Model):
    """A symbol operators may create event orders for (the admin-maintained allowed list)."""

    symbol = models.CharField(_("交易对"), max_length=20, unique=True, validators=[validate_symbol])
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("允许的交易对")
        verbose_name_plural = _("允许的交易对")
        ordering = ["symbol"]

    def __str__(self) -> str:
        return self.symbol


class EventOrder(models.Model):
    """One order an operator created; valid until ``valid_until``, delivered to every trader once."""

    symbol = models.CharField(_("交易对"), max_length=20)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices)
    time_increment = models.CharField(_("周期"), max_length=16, choices=TimeIncrement.choices)
    payout_ratio = models.DecimalField(_("赔率"), max_digits=6, decimal_places=4)
    validity_seconds = models.PositiveIntegerField(_("有效期（秒）"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    valid_until = models.DateTimeField(_("有效至"), db_index=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件订单")
        verbose_name_plural = _("事件订单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        """Titles read the labels (看涨/看跌, 10 分钟), not the raw codes."""
        direction = DIRECTION_WORDS.get(self.direction, self.direction)
        return f"#{self.pk} {self.symbol} {direction} {self.get_time_increment_display()}"

    def status_at(self, now: datetime, delivered: bool) -> str:
        """待分配 / 已分配 / 已过期 / 已取消 — derived, so it can never go stale."""
        if self.cancelled_at is not None:
            return OrderStatus.CANCELLED
        if self.valid_until <= now:
            return OrderStatus.EXPIRED
        return OrderStatus.ASSIGNED if delivered else OrderStatus.PENDING

    @property
    def is_live(self) -> bool:
        return self.cancelled_at is None and self.valid_until > timezone.now()


class OrderTemplate(models.Model):
    """A saved combination (symbols × directions, period, payout, validity) to create in one click."""

    name = models.CharField(_("模板名称"), max_length=64, unique=True)
    symbols = models.CharField(_("交易对（逗号分隔）"), max_length=200)
    directions = models.CharField(_("方向（逗号分隔）"), max_length=20, default="LONG")
    time_increment = models.CharField(_("周期"), max_length=16, choices=TimeIncrement.choices)
    payout_ratio = models.DecimalField(
        _("赔率（空=默认）"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    validity_seconds = models.PositiveIntegerField(
        _("有效期（秒，空=默认）"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("订单模板")
        verbose_name_plural = _("订单模板")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def symbol_list(self) -> list[str]:
        return [s.strip().upper() for s in self.symbols.split(",") if s.strip()]

    @property
    def direction_list(self) -> list[str]:
        return [d.strip().upper() for d in self.directions.split(",") if d.strip()]


class Claim(models.Model):
    """The durable record that ``trader``'s client acknowledged ``order`` (it journaled the
    delivery; at most one per pair). ``delivered_at`` is the acknowledgement time. An order
    delivered but never acknowledged has no row: it is delivered again until it expires."""

    order = models.ForeignKey(EventOrder, on_delete=models.CASCADE, related_name="claims")
    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="event_claims")
    delivered_at = models.DateTimeField(_("送达时间"), db_index=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        constraints = [
            models.UniqueConstraint(fields=["order", "trader"], name="uniq_claim_order_trader")
        ]

    def __str__(self) -> str:
        return f"order {self.order_id} → trader {self.trader_id}"


class ExecutionReport(models.Model):
    """What a trader's client did with a delivered order (one per pair; the first report wins)."""

    order = models.ForeignKey(EventOrder, on_delete=models.CASCADE, related_name="reports")
    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="event_reports")
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    binance_order_id = models.CharField(_("币安订单号"), max_length=64, blank=True)
    error_code = models.CharField(_("错误码"), max_length=64, blank=True, db_index=True)
    error_message = models.CharField(_("错误信息"), max_length=500, blank=True)
    amount = models.DecimalField(
        _("金额 (USDT)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    latency_ms = models.PositiveIntegerField(_("耗时（毫秒）"), null=True, blank=True)
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("执行回报")
        verbose_name_plural = _("执行回报")
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "trader"], name="uniq_report_order_trader")
        ]

    def __str__(self) -> str:
        return f"order {self.order_id} trader {self.trader_id}: {self.outcome}"


class TraderOrderAmount(Trader):
    """Proxy of ``Trader`` so operators edit order amounts here (through the orders service)."""

    class Meta:
        proxy = True
        verbose_name = _("交易员下单金额")
        verbose_name_plural = _("交易员下单金额")


class OrdersDashboard(EventOrder):
    """Proxy that puts the operations dashboard (运营看板) on the admin index."""

    class Meta:
        proxy = True
        verbose_name = _("运营看板")
        verbose_name_plural = _("运营看板")


class BindingReport(models.Model):
    """What a trader's desktop client last reported about its Binance web binding (the QR-bound
    session it places event orders with): when Binance says it expires. The server never sees
    the session itself; this row only lets it warn the trader before orders start failing."""

    trader = models.OneToOneField(
        Trader, on_delete=models.CASCADE, related_name="binding_report", verbose_name=_("交易员")
    )
    bound = models.BooleanField(_("已绑定"), default=False)
    expires_at = models.DateTimeField(_("绑定到期"), null=True, blank=True)
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("币安绑定状态")
        verbose_name_plural = _("币安绑定状态")

    def __str__(self) -> str:
        return f"{self.trader_id}: {self.expires_at or '-'}"


class OrdersReport(EventOrder):
    """Proxy that puts the event-order report (订单统计报表) on the admin index."""

    class Meta:
        proxy = True
        verbose_name = _("订单统计报表")
        verbose_name_plural = _("订单统计报表")


class ExecutionReportHistory(ExecutionReport):
    """Proxy for the read-only, filterable history of execution reports (用户交易历史)."""

    class Meta:
        proxy = True
        verbose_name = _("交易历史（执行回报）")
        verbose_name_plural = _("交易历史（执行回报）")

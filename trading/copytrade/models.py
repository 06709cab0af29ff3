"""Spot copy trading: the leader, its followers, the leader's market orders (events) and one copy
execution per (event, follower), and the operators' API logins. Business rules live in
``core.sizing`` / ``core.leader_events`` (pure) and ``services`` (writes); these models hold data and
invariants."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ExchangeCredential
from trading.copytrade.choices import ExecutionStatus, FollowerState, Side
from trading.decimal_fields import Digits

AMOUNT: Digits = {"max_digits": 28, "decimal_places": 12}


class Leader(models.Model):
    """The Binance account whose market orders are copied. At most one row is active."""

    credential = models.ForeignKey(
        ExchangeCredential, on_delete=models.PROTECT, related_name="copy_leaders"
    )
    is_active = models.BooleanField(_("当前主账户"), default=True)
    last_seen_order_time = models.DateTimeField(_("最近处理的订单时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("主账户")
        verbose_name_plural = _("主账户")

    def __str__(self) -> str:
        return str(self.credential)


class Follower(models.Model):
    """An account on Binance or Bitget that mirrors the leader while ACTIVE."""

    name = models.CharField(_("名称"), max_length=64)
    credential = models.OneToOneField(
        ExchangeCredential, on_delete=models.PROTECT, related_name="copy_follower"
    )
    state = models.CharField(
        _("状态"), max_length=8, choices=FollowerState.choices, default=FollowerState.ACTIVE
    )
    last_error = models.TextField(_("最近错误"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("跟单账户")
        verbose_name_plural = _("跟单账户")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def venue(self) -> str:
        return self.credential.venue

    @property
    def environment(self) -> str:
        return self.credential.environment


class LeaderEvent(models.Model):
    """One completed market order of the leader: the unit of copying (unique leader order id)."""

    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="events")
    leader_order_id = models.CharField(_("主单ID"), max_length=64, unique=True)
    side = models.CharField(_("方向"), max_length=4, choices=Side.choices)
    filled_base = models.DecimalField(_("成交数量 (BTC)"), **AMOUNT)
    filled_quote = models.DecimalField(_("成交金额 (USDT)"), **AMOUNT)
    balance_before = models.DecimalField(_("下单前可用 (F/B)"), **AMOUNT)
    balance_source = models.CharField(_("余额来源"), max_length=16, blank=True)
    ratio = models.DecimalField(_("比例 x/y"), max_digits=16, decimal_places=12)
    price = models.DecimalField(_("成交均价"), **AMOUNT, default=Decimal(0))
    filled_at = models.DateTimeField(_("成交时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("到达时间"), default=timezone.now)
    received_ms = models.BigIntegerField(_("到达时间 (ms)"), default=0)
    dispatched = models.BooleanField(_("已派发"), default=False)
    not_copied_reason = models.CharField(_("未复制原因"), max_length=32, blank=True)
    fanout_ms = models.IntegerField(_("扇出耗时 (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("主单事件")
        verbose_name_plural = _("主单事件")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.side} {self.leader_order_id}"


class CopyExecution(models.Model):
    """One follower's copy of one leader event. Written before its order is sent; the client order
    id is derived from (event, follower), so a re-entering worker finds what it may have sent."""

    event = models.ForeignKey(LeaderEvent, on_delete=models.CASCADE, related_name="executions")
    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="executions")
    client_order_id = models.CharField(_("客户端订单ID"), max_length=40, unique=True)
    side = models.CharField(_("方向"), max_length=4, choices=Side.choices)
    balance_used = models.DecimalField(_("使用的可用余额"), **AMOUNT, null=True, blank=True)
    requested = models.DecimalField(_("请求数量/金额"), **AMOUNT, default=Decimal(0))
    status = models.CharField(
        _("状态"), max_length=8, choices=ExecutionStatus.choices, default=ExecutionStatus.PENDING
    )
    venue_order_id = models.CharField(_("交易所订单ID"), max_length=64, blank=True)
    filled_base = models.DecimalField(_("成交数量"), **AMOUNT, default=Decimal(0))
    filled_quote = models.DecimalField(_("成交金额"), **AMOUNT, default=Decimal(0))
    error = models.TextField(_("错误"), blank=True, default="")
    skip_reason = models.CharField(_("跳过原因"), max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    latency_ms = models.IntegerField(_("延迟 (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("跟单执行")
        verbose_name_plural = _("跟单执行")
        constraints = [
            models.UniqueConstraint(fields=["event", "follower"], name="uniq_copy_event_follower")
        ]
        indexes = [models.Index(fields=["follower", "-id"])]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.follower_id} {self.status}"


# --- operators ------------------------------------------------------------------------------------
# Operators of copy trading are Django staff users holding the ``copytrade.operate`` permission
# (declared on ``OperatorToken.Meta``, the one place operators are defined). An ``OperatorToken``
# is one 24-hour login of the operator API (the desktop copy-trading tab, scripts): only the
# token's SHA-256 is stored, so a database dump does not hand out live tokens.
OPERATE_PERMISSION = "copytrade.operate"
TOKEN_HOURS = 24


class OperatorToken(models.Model):
    """One operator-API login: valid for 24 hours unless revoked earlier (hash stored only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="copy_operator_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        app_label = "copytrade"
        verbose_name = _("跟单操作员令牌")
        verbose_name_plural = _("跟单操作员令牌")
        permissions = [("operate", _("可操作现货跟单（API 与后台控制）"))]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

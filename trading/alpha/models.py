"""The Alpha volume bot: the token catalogue, the traders' hosted web sessions, one bot per trader
and token (its config and its machine state), its cycles, their orders (legs) and fills.

Business rules live in ``machine`` / ``pricing`` / ``volume`` / ``risk`` (pure) and ``services``
(writes); these models hold data and invariants.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Trader
from kernel.crypto import EncryptedTextField
from trading.alpha.choices import (
    AlphaEnv,
    BotPhase,
    CredentialSource,
    CredentialStatus,
    CycleKind,
    LegRole,
    OffsetMode,
    Reason,
    TargetKind,
)
from trading.decimal_fields import Digits

AMOUNT: Digits = {"max_digits": 28, "decimal_places": 12}
ZERO = Decimal(0)


class AlphaToken(models.Model):
    """One Alpha token of one environment as the token list and exchange info describe it."""

    env = models.CharField(_("环境"), max_length=8, choices=AlphaEnv.choices)
    alpha_id = models.CharField(_("Alpha ID"), max_length=32)
    symbol = models.CharField(_("简称"), max_length=32, db_index=True)
    name = models.CharField(_("名称"), max_length=128, blank=True)
    order_symbol = models.CharField(_("交易对"), max_length=40)
    stream_symbol = models.CharField(_("推送名"), max_length=40)
    chain_id = models.CharField(_("链 ID"), max_length=16, blank=True)
    chain_name = models.CharField(_("链"), max_length=32, blank=True)
    contract_address = models.CharField(_("合约地址"), max_length=80, blank=True)
    decimals = models.PositiveSmallIntegerField(_("精度"), default=18)
    trade_decimal = models.PositiveSmallIntegerField(_("数量精度"), default=0)
    tick = models.DecimalField(_("价格步长"), **AMOUNT, default=ZERO)
    step = models.DecimalField(_("数量步长"), **AMOUNT, default=ZERO)
    min_notional = models.DecimalField(_("最小成交额"), **AMOUNT, default=ZERO)
    mul_point = models.DecimalField(_("积分倍数"), max_digits=8, decimal_places=2, default=1)
    listing_time = models.DateTimeField(_("上线时间"), null=True, blank=True)
    online_airdrop = models.BooleanField(_("空投中"), default=False)
    online_tge = models.BooleanField(_("TGE 中"), default=False)
    offline = models.BooleanField(_("已下线"), default=False)
    offsell = models.BooleanField(_("停止交易"), default=False)
    stock_state = models.BooleanField(_("stockState"), default=False)
    trading = models.BooleanField(_("可交易"), default=True)
    has_rules = models.BooleanField(_("已获取精度"), default=False)
    refreshed_at = models.DateTimeField(_("刷新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Alpha 代币")
        verbose_name_plural = _("Alpha 代币")
        constraints = [
            models.UniqueConstraint(fields=["env", "alpha_id"], name="alpha_token_env_id"),
        ]
        ordering = ["env", "symbol"]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.alpha_id}, {self.env})"

    @property
    def can_trade(self) -> bool:
        return self.trading and not self.offline and not self.offsell and self.has_rules


class AlphaCredential(models.Model):
    """A trader's Binance web session hosted on the server for the Alpha bot (csrftoken, p20t and
    the extra headers/cookies when given), encrypted at rest; verified on save."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="alpha_credentials")
    env = models.CharField(_("环境"), max_length=8, choices=AlphaEnv.choices)
    csrftoken = EncryptedTextField(_("csrftoken"))
    p20t = EncryptedTextField(_("p20t"))
    extra_headers = EncryptedTextField(_("其他请求头 (JSON)"), blank=True, default="")
    cookies = EncryptedTextField(_("完整 Cookie"), blank=True, default="")
    expires_at = models.DateTimeField(_("登录到期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE
    )
    source = models.CharField(_("来源"), max_length=16, choices=CredentialSource.choices)
    consent_at = models.DateTimeField(_("同意托管时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("Alpha 登录凭证")
        verbose_name_plural = _("Alpha 登录凭证")
        constraints = [
            models.UniqueConstraint(fields=["trader", "env"], name="alpha_credential_trader_env"),
        ]

    def __str__(self) -> str:
        return f"{self.trader} ({self.env})"

    def __repr__(self) -> str:
        """Never the tokens: reprs end up in tracebacks."""
        return f"<AlphaCredential {self.pk}: {self} status={self.status}>"


class AlphaBot(models.Model):
    """One trader's bot on one token: its configuration and its machine state. A trader may keep
    several; at most one runs (``running_trader`` is the trader's id while it runs, else NULL —
    a unique column, since MySQL has no partial unique index)."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="alpha_bots")
    token = models.ForeignKey(AlphaToken, on_delete=models.PROTECT, related_name="bots")
    credential = models.ForeignKey(AlphaCredential, on_delete=models.PROTECT, related_name="bots")
    # config
    target_kind = models.CharField(
        _("目标类型"), max_length=8, choices=TargetKind.choices, default=TargetKind.TODAY
    )
    target_value = models.DecimalField(_("目标"), **AMOUNT)
    offset_mode = models.CharField(
        _("偏移方式"), max_length=8, choices=OffsetMode.choices, default=OffsetMode.PCT
    )
    buy_offset = models.DecimalField(_("买入偏移"), **AMOUNT, default=ZERO)
    sell_offset = models.DecimalField(_("卖出偏移"), **AMOUNT, default=ZERO)
    order_usdt = models.DecimalField(_("每单金额 (USDT)"), **AMOUNT)
    timeout_s = models.PositiveIntegerField(_("超时 (秒)"), default=300)
    swing_pct = models.DecimalField(_("1 分钟波动阈值 (%)"), **AMOUNT, default=Decimal(2))
    wear_cap = models.DecimalField(_("磨损上限 (USDT)"), **AMOUNT, null=True, blank=True)
    # machine state (trading.alpha.core.machine.BotState)
    phase = models.CharField(
        _("状态"), max_length=16, choices=BotPhase.choices, default=BotPhase.IDLE
    )
    cycle_no = models.PositiveIntegerField(_("当前轮次"), default=0)
    legs = models.JSONField(_("当前订单"), default=list, blank=True)
    bought = models.DecimalField(_("本轮买入"), **AMOUNT, default=ZERO)
    sold = models.DecimalField(_("本轮卖出"), **AMOUNT, default=ZERO)
    pause_reason = models.CharField(
        _("暂停原因"), max_length=24, choices=Reason.choices, blank=True, default=""
    )
    pause_detail = models.CharField(_("暂停说明"), max_length=255, blank=True, default="")
    stopping = models.BooleanField(default=False)
    phase_since = models.DateTimeField(_("进入状态时间"), default=timezone.now)
    running_trader = models.PositiveIntegerField(null=True, blank=True, unique=True, editable=False)
    # running totals (from fills)
    counted_total = models.DecimalField(_("累计计量成交额"), **AMOUNT, default=ZERO)
    cost_total = models.DecimalField(_("累计磨损 (USDT)"), **AMOUNT, default=ZERO)
    venue_today = models.DecimalField(_("币安今日成交额"), **AMOUNT, default=ZERO)
    venue_checked_at = models.DateTimeField(_("币安成交额更新时间"), null=True, blank=True)
    venue_reading = models.CharField(_("币安成交额是否含倍数"), max_length=16, default="unknown")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("Alpha 刷量机器人")
        verbose_name_plural = _("Alpha 刷量机器人")
        constraints = [
            models.UniqueConstraint(fields=["trader", "token"], name="alpha_bot_trader_token"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.trader} · {self.token.symbol}"


class AlphaCycle(models.Model):
    """One OTO buy→sell cycle (or a leftover sweep) of a bot: the pair's recorded terms (written
    before the pair is sent) and its totals from fills."""

    bot = models.ForeignKey(AlphaBot, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField(_("轮次"))
    kind = models.CharField(_("类型"), max_length=8, choices=CycleKind.choices)
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    last_price = models.DecimalField(_("参考价"), **AMOUNT, default=ZERO)
    buy_price = models.DecimalField(_("买价"), **AMOUNT, default=ZERO)
    quantity = models.DecimalField(_("买入数量"), **AMOUNT, default=ZERO)
    sell_price = models.DecimalField(_("卖价"), **AMOUNT, default=ZERO)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    acked_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    list_id = models.CharField(_("orderListId"), max_length=32, blank=True, default="")
    multiplier = models.DecimalField(_("倍数"), max_digits=8, decimal_places=2, default=1)
    buy_quote = models.DecimalField(_("买入金额"), **AMOUNT, default=ZERO)
    buy_base = models.DecimalField(_("买入数量"), **AMOUNT, default=ZERO)
    fee_base = models.DecimalField(_("买入手续费 (代币)"), **AMOUNT, default=ZERO)
    sell_quote = models.DecimalField(_("卖出金额"), **AMOUNT, default=ZERO)
    sell_base = models.DecimalField(_("卖出数量"), **AMOUNT, default=ZERO)
    fee_quote = models.DecimalField(_("卖出手续费 (USDT)"), **AMOUNT, default=ZERO)
    counted = models.DecimalField(_("计量成交额"), **AMOUNT, default=ZERO)
    fees = models.DecimalField(_("手续费 (USDT)"), **AMOUNT, default=ZERO)
    cost = models.DecimalField(_("磨损 (USDT)"), **AMOUNT, default=ZERO)
    wear_bps = models.DecimalField(_("磨损 (bps)"), **AMOUNT, default=ZERO)
    sweep_price = models.DecimalField(_("补卖价"), **AMOUNT, default=ZERO)
    sweep_qty = models.DecimalField(_("补卖数量"), **AMOUNT, default=ZERO)
    sweep_sent_at = models.DateTimeField(_("补卖发送时间"), null=True, blank=True)
    venue_before = models.DecimalField(_("币安成交额 (前)"), **AMOUNT, null=True, blank=True)
    venue_after = models.DecimalField(_("币安成交额 (后)"), **AMOUNT, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("Alpha 轮次")
        verbose_name_plural = _("Alpha 轮次")
        constraints = [
            models.UniqueConstraint(fields=["bot", "number"], name="alpha_cycle_bot_number"),
        ]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.bot} #{self.number}"


class AlphaLeg(models.Model):
    """One venue order of a cycle: the working BUY, the pending SELL, or a leftover SELL."""

    cycle = models.ForeignKey(AlphaCycle, on_delete=models.CASCADE, related_name="legs")
    role = models.CharField(_("角色"), max_length=8, choices=LegRole.choices)
    order_id = models.CharField(_("订单号"), max_length=32, db_index=True)
    side = models.CharField(_("方向"), max_length=4)
    price = models.DecimalField(_("价格"), **AMOUNT, default=ZERO)
    orig_qty = models.DecimalField(_("数量"), **AMOUNT, default=ZERO)
    status = models.CharField(_("状态"), max_length=20, default="NEW")
    executed_qty = models.DecimalField(_("成交数量"), **AMOUNT, default=ZERO)
    cum_quote = models.DecimalField(_("成交金额"), **AMOUNT, default=ZERO)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("Alpha 订单")
        verbose_name_plural = _("Alpha 订单")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "order_id"], name="alpha_leg_cycle_order"),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.order_id}"


class AlphaFill(models.Model):
    """One trade of a leg (from the order stream or the venue's trade list; a replay is a no-op)."""

    leg = models.ForeignKey(AlphaLeg, on_delete=models.CASCADE, related_name="fills")
    trade_id = models.CharField(_("成交号"), max_length=32)
    side = models.CharField(_("方向"), max_length=4)
    price = models.DecimalField(_("价格"), **AMOUNT)
    qty = models.DecimalField(_("数量"), **AMOUNT)
    quote = models.DecimalField(_("金额"), **AMOUNT)
    fee = models.DecimalField(_("手续费"), **AMOUNT, default=ZERO)
    fee_asset = models.CharField(_("手续费币种"), max_length=32, blank=True, default="")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Alpha 成交")
        verbose_name_plural = _("Alpha 成交")
        constraints = [
            models.UniqueConstraint(fields=["leg", "trade_id"], name="alpha_fill_leg_trade"),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.qty} @ {self.price}"

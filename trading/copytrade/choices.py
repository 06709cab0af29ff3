"""Enumerations of spot copy trading."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowerState(models.TextChoices):
    PENDING = "PENDING", _("待验证")  # just added: keys not yet checked against the venue
    ACTIVE = "ACTIVE", _("跟单中")
    PAUSED = "PAUSED", _("已暂停")
    DISABLED = "DISABLED", _("已停用")


class ExecutionStatus(models.TextChoices):
    """Life of one copy order. PENDING = row written, not sent; SENT = may be at the venue (a
    crashed worker re-enters by reconciling, never by re-sending); UNKNOWN = reconciliation could
    not tell (an operator looks at it)."""

    PENDING = "PENDING", _("待发送")
    SENT = "SENT", _("已发送")
    FILLED = "FILLED", _("已成交")
    FAILED = "FAILED", _("失败")
    SKIPPED = "SKIPPED", _("跳过")
    UNKNOWN = "UNKNOWN", _("结果未知")


FINAL_STATUSES = frozenset(
    {ExecutionStatus.FILLED, ExecutionStatus.FAILED, ExecutionStatus.SKIPPED}
)


class Side(models.TextChoices):
    BUY = "BUY", _("买入")
    SELL = "SELL", _("卖出")


# Why a copy was skipped (``sizing.SkipReason`` codes and the fan-out's own), in words.
SKIP_REASON_LABELS = {
    "no_balance": _("余额为零"),
    "balance_unknown": _("余额未知（未读到最新余额）"),
    "below_min_qty": _("低于最小数量"),
    "below_min_notional": _("低于最小金额"),
    "zero_after_rounding": _("取整后为零"),
    "ratio_zero": _("比例为零"),
    "rules_unavailable": _("交易规则暂不可用"),
}

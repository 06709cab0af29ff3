"""Enumerations of futures trading."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntentState(models.TextChoices):
    RECORDED = "recorded", _("已记录")
    REFUSED = "refused", _("风控拒绝")
    ENTRY_SENT = "entry_sent", _("开仓单已发送")
    ENTRY_FILLED = "entry_filled", _("已开仓，待挂止盈止损")
    PROTECTED = "protected", _("持仓中（已挂止盈止损）")
    CLOSING = "closing", _("平仓中")
    CLOSED = "closed", _("已平仓")
    FAILED = "failed", _("失败")


OPEN_STATES = (IntentState.ENTRY_FILLED, IntentState.PROTECTED, IntentState.CLOSING)


class LegKind(models.TextChoices):
    TAKE_PROFIT = "tp", _("止盈")
    STOP_LOSS = "sl", _("止损")
    TRAILING = "trail", _("移动止损")


class LegState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送（结果待确认）")
    NEW = "new", _("挂单中")
    TRIGGERED = "triggered", _("已触发")
    FINISHED = "finished", _("已成交")
    EXPIRED = "expired", _("已失效")
    CANCELED = "canceled", _("已撤销")
    REJECTED = "rejected", _("被拒绝")


LIVE_LEG_STATES = (LegState.SENT, LegState.NEW, LegState.TRIGGERED)
DONE_LEG_STATES = (LegState.FINISHED, LegState.EXPIRED, LegState.CANCELED, LegState.REJECTED)


class CloseReason(models.TextChoices):
    TAKE_PROFIT = "tp", _("止盈")
    STOP_LOSS = "sl", _("止损")
    TRAILING = "trail", _("移动止损")
    MANUAL = "manual", _("手动平仓")
    EXTERNAL = "external", _("交易所端平仓")


class IncomeType(models.TextChoices):
    REALIZED_PNL = "REALIZED_PNL", _("已实现盈亏")
    COMMISSION = "COMMISSION", _("手续费")
    FUNDING_FEE = "FUNDING_FEE", _("资金费")


class StatementState(models.TextChoices):
    ISSUED = "issued", _("已出单")
    SUPERSEDED = "superseded", _("已被更正")


class LedgerKind(models.TextChoices):
    PLATFORM_SHARE = "platform_share", _("平台分成")
    CORRECTION = "correction", _("更正")

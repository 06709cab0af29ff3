"""Enumerations of the event-contract orders app."""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    LONG = "LONG", _("看涨 LONG")
    SHORT = "SHORT", _("看跌 SHORT")


# The short words for titles and lists (the choice labels also carry the code: "看涨 LONG").
DIRECTION_WORDS: dict[str, Promise] = {Direction.LONG: _("看涨"), Direction.SHORT: _("看跌")}


class TimeIncrement(models.TextChoices):
    TEN_MINUTE = "TEN_MINUTE", _("10 分钟")
    THIRTY_MINUTE = "THIRTY_MINUTE", _("30 分钟")
    ONE_HOUR = "ONE_HOUR", _("1 小时")
    ONE_DAY = "ONE_DAY", _("1 天")


class OrderStatus(models.TextChoices):
    """Derived, never stored: computed from valid_until, cancelled_at and the claims."""

    PENDING = "pending", _("待分配")
    ASSIGNED = "assigned", _("已分配")
    EXPIRED = "expired", _("已过期")
    CANCELLED = "cancelled", _("已取消")


class Outcome(models.TextChoices):
    PLACED = "placed", _("下单成功")
    FAILED = "failed", _("下单失败")
    SKIPPED_EXPIRED = "skipped_expired", _("已过期跳过")

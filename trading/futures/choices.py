"""Enumerations of the futures signals app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    LONG = "LONG", _("做多")
    SHORT = "SHORT", _("做空")


class Outcome(models.TextChoices):
    TP = "tp", _("止盈")
    SL = "sl", _("止损")
    TIMEOUT = "timeout", _("到期平仓")


class Source(models.TextChoices):
    LIVE = "live", _("实盘")
    BACKTEST = "backtest", _("回测")


INTERVALS = ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d")
IntervalChoices = [(i, i) for i in INTERVALS]
WINDOWS_DAYS = (7, 30, 90)

"""Enumerations of the Alpha app (the machine's phases and pause reasons live in the pure
modules; these wrap them as model choices with zh labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from trading.alpha.core.machine import Phase
from trading.alpha.core.reasons import PauseReason


class AlphaEnv(models.TextChoices):
    PROD = "prod", _("币安")
    SIM = "sim", _("模拟器")


class CredentialSource(models.TextChoices):
    DESKTOP_QR = "desktop_qr", _("客户端扫码托管")
    ADMIN_PASTE = "admin_paste", _("后台粘贴")


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已过期")


class TargetKind(models.TextChoices):
    TODAY = "today", _("今日计量成交额 (USDT)")
    TOTAL = "total", _("累计计量成交额 (USDT)")
    POINTS = "points", _("今日积分")


class OffsetMode(models.TextChoices):
    PCT = "pct", _("百分比")
    FIXED = "fixed", _("固定价差")


class BotPhase(models.TextChoices):
    IDLE = Phase.IDLE.value, _("未启动")
    RECONCILING = Phase.RECONCILING.value, _("对账中")
    PLACING = Phase.PLACING.value, _("下单中")
    WORKING = Phase.WORKING.value, _("买单挂单中")
    SELLING = Phase.SELLING.value, _("卖单挂单中")
    CANCELLING = Phase.CANCELLING.value, _("撤单中")
    SWEEPING = Phase.SWEEPING.value, _("卖出剩余代币")
    COMPLETED = Phase.COMPLETED.value, _("本轮完成")
    TARGET_REACHED = Phase.TARGET_REACHED.value, _("已达目标")
    PAUSED = Phase.PAUSED.value, _("已暂停")
    STOPPED = Phase.STOPPED.value, _("已停止")


class Reason(models.TextChoices):
    STREAM_DISCONNECTED = PauseReason.STREAM_DISCONNECTED.value, _("行情或订单推送断开")
    STREAM_SILENT = PauseReason.STREAM_SILENT.value, _("行情或订单推送无响应")
    PRICE_SWING = PauseReason.PRICE_SWING.value, _("1 分钟内价格波动超过上限")
    INSUFFICIENT_BALANCE = PauseReason.INSUFFICIENT_BALANCE.value, _("余额不足以按设定金额下单")
    AUTH_EXPIRED = PauseReason.AUTH_EXPIRED.value, _("登录已过期，请重新扫码绑定")
    RATE_LIMITED = PauseReason.RATE_LIMITED.value, _("请求过于频繁（429）")
    OPEN_ORDER_LIMIT = PauseReason.OPEN_ORDER_LIMIT.value, _("挂单数量已达上限（93420018）")
    TOKEN_UNAVAILABLE = PauseReason.TOKEN_UNAVAILABLE.value, _("代币已下线或暂停交易")
    PRECISION_FAILED = PauseReason.PRECISION_FAILED.value, _("无法获取交易精度")
    WEAR_CAP = PauseReason.WEAR_CAP.value, _("累计磨损已达上限")
    ORDER_REFUSED = PauseReason.ORDER_REFUSED.value, _("订单被拒绝")
    LEFTOVER_UNSOLD = PauseReason.LEFTOVER_UNSOLD.value, _("剩余代币未能卖出")
    MANUAL = PauseReason.MANUAL.value, _("手动暂停")


class CycleKind(models.TextChoices):
    PAIR = "pair", _("OTO 买卖")
    SWEEP = "sweep", _("清仓剩余代币")


class LegRole(models.TextChoices):
    WORKING = "working", _("买单 (working)")
    PENDING = "pending", _("卖单 (pending)")
    SWEEP = "sweep", _("补卖")

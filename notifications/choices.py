"""Choices of the notifications app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    """How urgent a notification is; subscriptions choose a minimum (info < warning < critical)."""

    INFO = "info", _("提示")
    WARNING = "warning", _("警告")
    CRITICAL = "critical", _("严重")


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class ChannelKind(models.TextChoices):
    """Where a channel delivers (the in-app list needs no channel: it is the notification rows)."""

    DINGTALK = "dingtalk", _("钉钉机器人")
    WECOM = "wecom", _("企业微信群机器人")
    FEISHU = "feishu", _("飞书机器人")
    TELEGRAM = "telegram", _("Telegram 机器人")
    WEBHOOK = "webhook", _("通用 Webhook")


class MessageLang(models.TextChoices):
    ZH = "zh", _("中文")
    EN = "en", _("英文")


class DeliveryStatus(models.TextChoices):
    """Life of one message to one channel. HELD waits for the channel's rate limit or quiet hours
        and goes out with the next digest; READY has its slot (a digest, or released from quiet hours);
    RETRY waits for its backoff; SENDING is claimed by a worker."""

    PENDING = "pending", _("待发送")
    READY = "ready", _("已排期")
    SENDING = "sending", _("发送中")
    RETRY = "retry", _("等待重试")
    HELD = "held", _("合并待发")
    SENT = "sent", _("已发送")
    DIGESTED = "digested", _("已并入汇总")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("未发送")


class AttemptOutcome(models.TextChoices):
    OK = "ok", _("成功")
    RETRYABLE = "retryable", _("临时错误（将重试）")
    PERMANENT = "permanent", _("永久错误（不重试）")

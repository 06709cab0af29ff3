"""Notifications as they reach a person in the app (the in-app channel), the outbound channels
(robots, bots, webhooks), who subscribes to what on them, and every delivery and attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.crypto import EncryptedTextField, mask
from notifications.choices import (
    AttemptOutcome,
    ChannelKind,
    DeliveryStatus,
    MessageLang,
    Severity,
)


class Notification(models.Model):
    """One notification of one kind for one recipient (a trader or a staff user), unique per
    (kind, key, recipient) so a retried ``notify`` produces it once."""

    kind = models.CharField(_("类型"), max_length=64)
    key = models.CharField(_("去重键"), max_length=191)
    recipient = models.CharField(_("接收者"), max_length=32)  # "t:<trader id>" | "u:<user id>"
    trader = models.ForeignKey(
        "accounts.Trader", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    severity = models.CharField(_("级别"), max_length=8, choices=Severity.choices)
    context = models.JSONField(_("内容参数"), default=dict)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "recipient"], name="notification_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        permissions = [("receive_system_alerts", _("接收系统告警（健康检查）"))]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


class Channel(models.Model):
    """One outbound destination (a DingTalk / WeCom / Feishu robot, a Telegram chat, a webhook)
    owned by a trader or a staff user, who is told in-app when it keeps failing. Secrets (robot
    URLs with their tokens, signing secrets, bot tokens) are encrypted at rest."""

    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=ChannelKind.choices)
    owner = models.CharField(_("所有者"), max_length=32, db_index=True)  # "t:<id>" | "u:<id>"
    url = EncryptedTextField(
        _("地址"),
        blank=True,
        default="",
        help_text=_(
            "机器人 Webhook 地址（含 access_token / key）；Telegram 为 API 地址，留空用官方地址"
        ),
    )
    secret = EncryptedTextField(
        _("密钥"),
        blank=True,
        default="",
        help_text=_("钉钉/飞书加签密钥、Webhook 签名密钥；Telegram 为机器人 Token"),
    )
    chat_id = models.CharField(_("Telegram 会话 ID"), max_length=64, blank=True)
    language = models.CharField(
        _("消息语言"), max_length=4, choices=MessageLang.choices, default=MessageLang.ZH
    )
    is_enabled = models.BooleanField(_("启用"), default=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    broken_at = models.DateTimeField(_("判定故障时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True, default="")
    last_ok_at = models.DateTimeField(_("最近成功"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def __repr__(self) -> str:
        """Never the URL or the secret: reprs end up in tracebacks."""
        return f"<Channel {self.pk}: {self.kind} {self.name!r} owner={self.owner}>"

    @property
    def url_masked(self) -> str:
        return mask_url(self.url)

    @property
    def secret_masked(self) -> str:
        return mask(self.secret)

    @property
    def is_broken(self) -> bool:
        return self.broken_at is not None


class Subscription(models.Model):
    """A recipient's wish to receive some kinds, from some severity, on one channel, outside
    their quiet hours (in ``settings.TIME_ZONE``; critical ones are never held back)."""

    recipient = models.CharField(_("接收者"), max_length=32, db_index=True)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="subscriptions")
    kinds = models.TextField(
        _("通知类型"),
        blank=True,
        default="",
        help_text=_("每行一个类型代码，或前缀如 copytrade.*；留空表示全部"),
    )
    min_severity = models.CharField(
        _("最低级别"), max_length=8, choices=Severity.choices, default=Severity.WARNING
    )
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知订阅")
        verbose_name_plural = _("通知订阅")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "channel"], name="subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} → {self.channel_id}"

    @property
    def kind_patterns(self) -> list[str]:
        return [k.strip() for k in self.kinds.replace(",", "\n").splitlines() if k.strip()]


class Delivery(models.Model):
    """One notification occurrence (kind, key) to one channel — sent at most once however many
    subscribers share the channel. A digest is sent by its first item (``item_count`` > 1); the
    others point at it through ``digest`` and end DIGESTED."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    kind = models.CharField(_("类型"), max_length=64)
    key = models.CharField(_("去重键"), max_length=191)
    severity = models.CharField(_("级别"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    hold_reason = models.CharField(_("暂缓原因"), max_length=16, blank=True)
    not_before = models.DateTimeField(_("最早发送"), null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    item_count = models.PositiveIntegerField(_("消息条数"), default=1)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("所属汇总"),
    )
    error = models.TextField(_("错误"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "kind", "key"], name="delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.channel_id} {self.status}"


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery and what the platform answered."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=AttemptOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP 状态"), null=True, blank=True)
    code = models.CharField(_("平台错误码"), max_length=32, blank=True)
    error = models.TextField(_("错误"), blank=True, default="")
    reply = models.TextField(_("平台回复"), blank=True, default="")
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    retry_in_s = models.FloatField(_("下次重试（秒后）"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送尝试")
        verbose_name_plural = _("发送尝试")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.outcome} {self.code}"


def mask_url(url: str) -> str:
    """``https://oapi.dingtalk.com/robot/send?access_token=abcd••••wxyz``: host and path stay
    readable, every query value and a Feishu hook id are masked."""
    if not url:
        return ""
    base, _, query = url.partition("?")
    scheme, _, rest = base.partition("://")
    host, _, path = rest.partition("/")
    parts = path.split("/")
    if parts and len(parts[-1]) >= 16:
        parts[-1] = mask(parts[-1])
    masked = f"{scheme}://{host}/{'/'.join(parts)}" if rest else base
    if query:
        pairs = [p.partition("=") for p in query.split("&")]
        masked += "?" + "&".join(f"{k}={mask(v)}" if sep else k for k, sep, v in pairs)
    return masked

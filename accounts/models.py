"""Traders (desktop-client users), their 24-hour client sessions, whitelisted devices, login locks
and the audit trail."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import AuditAction, Environment, SessionEndReason, TraderStatus, Venue
from kernel.crypto import EncryptedTextField, mask


class Trader(models.Model):
    """A person who uses the desktop client; can log in while not disabled and not expired."""

    username = models.CharField(_("用户名"), max_length=64, unique=True)
    password = models.CharField(_("密码"), max_length=255)
    display_name = models.CharField(_("显示名"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("到期时间"))
    is_disabled = models.BooleanField(_("已禁用"), default=False)
    order_amount = models.DecimalField(
        _("每单金额 (USDT)"), max_digits=12, decimal_places=2, default=Decimal("10")
    )
    language = models.CharField(
        _("语言"), max_length=8, choices=settings.LANGUAGES, default="zh-hans"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("交易员")
        verbose_name_plural = _("交易员")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.is_disabled:
            return TraderStatus.DISABLED
        if self.is_expired:
            return TraderStatus.EXPIRED
        return TraderStatus.ACTIVE

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)


class ClientSession(models.Model):
    """One login of a desktop client: valid for 24 hours unless ended earlier. Only the token's
    SHA-256 is stored."""

    trader = models.ForeignKey(Trader, on_delete=models.CASCADE, related_name="sessions")
    token_hash = models.CharField(max_length=64, unique=True)
    device_id = models.CharField(_("设备ID"), max_length=128, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("会话到期"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("结束原因"), max_length=16, choices=SessionEndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("客户端会话")
        verbose_name_plural = _("客户端会话")
        indexes = [models.Index(fields=["trader", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.trader_id}@{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.expires_at > timezone.now()


class Device(models.Model):
    """A device allowed to log in when APP_MODE=device_whitelist; revoked rows no longer admit."""

    device_id = models.CharField(_("设备ID"), max_length=128, unique=True)
    label = models.CharField(_("备注"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("白名单设备")
        verbose_name_plural = _("白名单设备")

    def __str__(self) -> str:
        return f"{self.label or '-'} ({self.device_id})"


class LoginLock(models.Model):
    """A brute-force lock on a username or an IP, visible (and clearable) in the admin."""

    class Scope(models.TextChoices):
        USERNAME = "username", _("用户名")
        IP = "ip", _("IP")

    scope = models.CharField(_("范围"), max_length=16, choices=Scope.choices)
    # an account (trader username ≤ 64, ``user:`` + Django username ≤ 150) or an IP address
    value = models.CharField(_("值"), max_length=255)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"))
    created_at = models.DateTimeField(_("锁定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
        constraints = [models.UniqueConstraint(fields=["scope", "value"], name="uniq_lock_scope")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.value}"


class AuditEvent(models.Model):
    """One audited fact: a login, logout, refused login (with reason) or an admin change."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("动作"), max_length=32, choices=AuditAction.choices)
    trader = models.ForeignKey(
        Trader, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    # what was typed at a trader, operator or admin login (Django usernames are up to 150)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(_("原因"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    device_id = models.CharField(_("设备ID"), max_length=128, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.username}"


class ExchangeCredential(models.Model):
    """An exchange API credential (key, secret, optional passphrase), encrypted at rest, in one
    environment of one venue. Used by copy-trading leaders and followers and by trader API keys."""

    label = models.CharField(_("名称"), max_length=64)
    venue = models.CharField(_("交易所"), max_length=16, choices=Venue.choices)
    environment = models.CharField(_("环境"), max_length=8, choices=Environment.choices)
    owner = models.ForeignKey(
        Trader, null=True, blank=True, on_delete=models.CASCADE, related_name="credentials"
    )
    api_key = EncryptedTextField(_("API Key"))
    api_secret = EncryptedTextField(_("API Secret"))
    passphrase = EncryptedTextField(_("Passphrase"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("交易所密钥")
        verbose_name_plural = _("交易所密钥")

    def __str__(self) -> str:
        return f"{self.label} ({self.venue}/{self.environment})"

    def __repr__(self) -> str:
        """Never the key, secret or passphrase: reprs end up in tracebacks and debuggers."""
        return f"<ExchangeCredential {self.pk}: {self} key={self.api_key_masked}>"

    @property
    def api_key_masked(self) -> str:
        return mask(self.api_key)

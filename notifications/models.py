"""Notifications as they reach a person in the app (the in-app channel); other channels deliver
from these rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.choices import Severity


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

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"

"""Operators of copy trading: Django staff users holding the ``copytrade.operate`` permission.

``OperatorToken`` is one 24-hour login of the operator API (the desktop copy-trading tab, scripts):
only the token's SHA-256 is stored, so a database dump does not hand out live tokens. The
permission ``copytrade.operate`` is declared here too (the one place operators are defined).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

OPERATE_PERMISSION = "copytrade.operate"
TOKEN_HOURS = 24


class OperatorToken(models.Model):
    """One operator-API login: valid for 24 hours unless revoked earlier (hash stored only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="copy_operator_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        app_label = "copytrade"
        verbose_name = _("跟单操作员令牌")
        verbose_name_plural = _("跟单操作员令牌")
        permissions = [("operate", _("可操作现货跟单（API 与后台控制）"))]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

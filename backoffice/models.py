"""Runtime configuration the admin edits (business knobs), as opposed to static env settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuntimeSetting(models.Model):
    """One overridden runtime knob; the key and its default live in ``kernel.runtime_config``."""

    key = models.CharField(_("键"), max_length=64, unique=True)
    value = models.CharField(_("值"), max_length=255)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("运行参数")
        verbose_name_plural = _("运行参数")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class OperatorLanguage(models.Model):
    """The back-office language one operator chose with the header switcher (default: Chinese)."""

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="fleet_language"
    )
    language = models.CharField(_("语言"), max_length=8)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("后台语言")
        verbose_name_plural = _("后台语言")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.language}"

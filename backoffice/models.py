"""Runtime configuration the admin edits (business knobs), as opposed to static env settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuntimeSetting(models.Model):
    """One overridden runtime knob; the key and its default live in ``backoffice.runtime_config``."""

    key = models.CharField(_("键"), max_length=64, unique=True)
    value = models.CharField(_("值"), max_length=255)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("运行参数")
        verbose_name_plural = _("运行参数")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("后台配置")

    def ready(self) -> None:
        """LOGGING puts the redaction filter on its own handlers; this adds it to the handlers
        Django configured outside LOGGING (the ``django`` logger's defaults)."""
        from backoffice import health_notices  # noqa: F401  (registers the system kinds)
        from kernel.logging import install_everywhere

        install_everywhere()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopytradeConfig(AppConfig):
    name = "trading.copytrade"
    label = "copytrade"
    verbose_name = _("现货跟单")

    def ready(self) -> None:
        """Register this app's notification kinds."""
        import trading.copytrade.notices  # noqa: F401

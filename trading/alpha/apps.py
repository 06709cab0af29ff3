from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlphaConfig(AppConfig):
    name = "trading.alpha"
    label = "alpha"
    verbose_name = _("Alpha 刷量")

    def ready(self) -> None:
        from trading.alpha import notices  # noqa: F401  (registers the notification kinds)

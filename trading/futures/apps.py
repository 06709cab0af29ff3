from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FuturesConfig(AppConfig):
    name = "trading.futures"
    label = "futures"
    verbose_name = _("合约信号")

    def ready(self) -> None:
        from trading.futures import notices  # noqa: F401  (registers the notification kind)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FuturesTradingConfig(AppConfig):
    name = "trading.futures_trading"
    label = "futures_trading"
    verbose_name = _("合约代理交易")

    def ready(self) -> None:
        from trading.futures_trading import notices  # noqa: F401  (registers notification kinds)

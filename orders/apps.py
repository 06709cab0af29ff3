from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("事件合约群控")

    def ready(self) -> None:
        """Register this app's notification kinds."""
        import orders.notices  # noqa: F401

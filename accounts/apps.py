from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("交易员与会话")

    def ready(self) -> None:
        """Register this app's notification kinds."""
        import accounts.notices  # noqa: F401

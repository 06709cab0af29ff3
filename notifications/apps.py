from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        """Register this app's kinds and hook channel delivery after ``notify``'s commit."""
        from notifications import dispatch, notices, services

        del notices  # imported for its kind registrations
        if dispatch.on_notifications not in services.AFTER_COMMIT:
            services.AFTER_COMMIT.append(dispatch.on_notifications)

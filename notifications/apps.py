from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Benachrichtigungen")

    def notify(self, **notice) -> list:
        """The outbox for the base (marketplace/notices.py), which imports no app above it."""
        from .services import notify  # models are loaded only after the app configs

        return notify(**notice)

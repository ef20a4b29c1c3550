from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self):
        from marketplace.anonymisation import register_eraser

        from .anonymisation import mail_files_erase, outbox_erase

        register_eraser("notifications.outbox", outbox_erase)
        register_eraser("notifications.mail_files", mail_files_erase)

    def notify(self, **notice) -> list:
        """The outbox for the base (marketplace/notices.py), which imports no app above it."""
        from .services import notify  # models are loaded only after the app configs

        return notify(**notice)

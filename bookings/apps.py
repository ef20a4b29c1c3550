from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Buchungen")

    def ready(self):
        from marketplace.signals import password_reset

        from .services import calendar_feed_token_rotate

        def rotate_calendar_feed(sender, user, **kwargs):
            # A reset password ends sessions and API tokens; the feed's address ends with them.
            calendar_feed_token_rotate(user=user)

        password_reset.connect(
            rotate_calendar_feed, weak=False, dispatch_uid="bookings.rotate_calendar_feed"
        )

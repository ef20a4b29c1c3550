from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Buchungen")

    def ready(self):
        from marketplace.anonymisation import register_eraser
        from marketplace.signals import password_reset
        from notifications.calendar_files import register_feed_source

        from .calendar import feed_entries
        from .selectors import bookings_for_calendar
        from .services import calendar_feed_token_rotate
        from .services.sweeps import booking_erase

        register_feed_source("bookings", lambda user: feed_entries(bookings_for_calendar(user)))
        register_eraser("bookings.referrals", booking_erase)

        def rotate_calendar_feed(sender, user, **kwargs):
            # A reset password ends sessions and API tokens; the feed's address ends with them.
            calendar_feed_token_rotate(user=user)

        password_reset.connect(
            rotate_calendar_feed, weak=False, dispatch_uid="bookings.rotate_calendar_feed"
        )

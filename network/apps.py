from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Netzwerk")

    def ready(self):
        from notifications.calendar_files import register_feed_source

        from .calendar import feed_entries

        # The private calendar feed lists the events a person is registered for, next to the
        # bookings (notifications knows no events: each app registers its source).
        register_feed_source("network_events", feed_entries)

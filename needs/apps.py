from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = _("Gesuche")

    def ready(self):
        from listings.search_sources import register_search_source

        from .search import NEED_SOURCE

        # The one search (listings) knows no needs: it asks the sources registered with it
        # for a kind it does not have itself ("need": Gesuch).
        register_search_source(NEED_SOURCE)

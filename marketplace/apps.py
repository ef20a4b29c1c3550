from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Menschen und Organisationen")

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_coordinators_group(sender, **kwargs):
    from .coordinators import coordinators_group_sync

    coordinators_group_sync()


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Menschen und Organisationen")

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)

        # After every app's migrations (and their permissions) exist, not only ours.
        post_migrate.connect(_sync_coordinators_group, dispatch_uid="sync-coordinators-group")

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_coordinators_group(sender, **kwargs):
    from .coordinators import coordinators_group_sync

    coordinators_group_sync()


def _ensure_legal_texts(sender, using="default", **kwargs):
    from django.db import connections

    from .models import LegalText
    from .services.legal import legal_texts_ensure_defaults

    # Also after a flush (transactional tests) or a migration back to before the table.
    if LegalText._meta.db_table in connections[using].introspection.table_names():
        legal_texts_ensure_defaults()


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Menschen und Organisationen")

    def ready(self):
        from django.urls import register_converter

        from .converters import IdConverter

        # Before any URL configuration is read: the API's paths name ids as <id:...>.
        register_converter(IdConverter, "id")
        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from .anonymisation import register_eraser
        from .idempotency import idempotency_erase

        register_eraser("marketplace.idempotency", idempotency_erase)
        from .locking import lock_timeout_per_connection

        # Every database connection waits for a lock at most LOCK_TIMEOUT_MS (locking.py).
        connection_created.connect(lock_timeout_per_connection, dispatch_uid="lock-timeout")

        # After every app's migrations (and their permissions) exist, not only ours.
        post_migrate.connect(_sync_coordinators_group, dispatch_uid="sync-coordinators-group")
        # The privacy notice and imprint exist from the start, so sign-up can name a version.
        post_migrate.connect(_ensure_legal_texts, sender=self, dispatch_uid="ensure-legal-texts")

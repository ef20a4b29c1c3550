"""The one Celery app: `celery -A marketplace worker` and `celery -A marketplace beat`.

It reads every CELERY_* setting from Django settings. Without REDIS_URL the settings make tasks
run in-process (eager), so the embedded run needs no broker.
"""

import os

from celery import Celery
from celery.signals import task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _drop_unusable_database_connection(sender=None, **kwargs):
    """A worker keeps its database connection across tasks (CELERY_DB_REUSE_MAX); after a
    database restart the first task would otherwise fail on the dead one. The notification
    tasks do this check themselves, at most once a second, to stay fast."""
    if sender is None or sender.request.is_eager or sender.name.startswith("notifications."):
        return  # in-process tasks share the caller's connection (and its transaction)
    close_old_connections()

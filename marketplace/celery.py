"""The one Celery app: `celery -A marketplace worker` and `celery -A marketplace beat`.

It reads every CELERY_* setting from Django settings. Without REDIS_URL the settings make tasks
run in-process (eager), so the embedded run needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""The test suite: the embedded default unless DATABASE_URL / REDIS_URL point at real servers."""

from .base import *  # noqa: F403
from .base import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Throttles are exercised by their own tests, which lower these rates.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"auth": "10000/minute", "anon": "10000/minute"}  # noqa: F405
# Tests read what was sent from django.core.mail.outbox (pytest-django sets locmem), and tasks
# run in-process. A real worker started by a test (tests/support/celery_worker.py) loads these
# settings too, with CELERY_TASK_ALWAYS_EAGER=false so tasks it queues go through the broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
MEDIA_ROOT = str(VAR_DIR / "test-media")  # noqa: F405

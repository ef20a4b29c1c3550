"""/health/: is the database reachable, and where configured Redis and a live Celery worker?
Its body also lists warnings about the configuration (proxies.py)."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .proxies import proxy_warnings


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    return "ok"


def _check_celery() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    from marketplace.celery import app

    replies = app.control.inspect(timeout=1.0).ping()
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return f"ok ({len(replies)} worker)"


CHECKS = {"database": _check_database, "redis": _check_redis, "celery": _check_celery}


@never_cache
@require_GET
def health(request):
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure means unhealthy, with its reason
            results[name] = f"error: {error}"
            healthy = False
    # Warnings do not make the service unhealthy, but whoever watches /health/ should see them.
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results, "warnings": proxy_warnings()},
        status=200 if healthy else 503,
    )

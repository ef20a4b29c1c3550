"""/health/ tells a load balancer or an operator whether Kiezmarkt can do its work."""

import pytest
from django.test import override_settings

from tests.support.redis_server import unused_tcp_port

pytestmark = pytest.mark.django_db


def test_embedded_run_is_healthy_without_redis_or_worker(client):
    # Given the embedded default: no Redis, tasks run in-process
    with override_settings(REDIS_URL="", CELERY_TASK_ALWAYS_EAGER=True):
        # When the health page is asked
        response = client.get("/health/")

    # Then it is 200 and says what it checked
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "not configured", "celery": "in-process"},
        "warnings": [],
    }
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_redis_makes_it_unhealthy_and_names_redis(client):
    # Given a REDIS_URL on a port nothing listens on
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{unused_tcp_port()}/0"):
        response = client.get("/health/")

    # Then 503, and the JSON says Redis is the part that failed
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["redis"].startswith("error:")
    assert body["checks"]["database"] == "ok"


def test_health_only_answers_get(client):
    response = client.post("/health/")

    assert response.status_code == 405


@pytest.mark.celery_worker
def test_redis_up_but_no_worker_is_unhealthy_and_names_celery(client, celery_broker):
    # Given Redis as broker and tasks no longer run in-process, but no worker listening
    response = client.get("/health/")

    # Then 503 naming Celery, while the database and Redis are fine
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"] == "ok"
    assert checks["celery"] == "error: no Celery worker answered"


@pytest.mark.celery_worker
def test_live_worker_makes_it_healthy(client, celery_worker_factory):
    # Given a real worker on the broker (it needs no database to answer a ping)
    celery_worker_factory(database=False)

    # When the health page is asked
    response = client.get("/health/")

    # Then every part is up
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "celery": "ok (1 worker)"},
        "warnings": [],
    }

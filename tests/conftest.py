import pytest
from rest_framework.test import APIClient

# Fixtures for tests that need real servers: redis_url, smtp_server, celery_broker,
# celery_worker, celery_worker_factory (see tests/support/).
pytest_plugins = [
    "tests.support.redis_server",
    "tests.support.smtp",
    "tests.support.celery_worker",
]


@pytest.fixture(autouse=True)
def _isolated_cache():
    # Throttles and lockouts live in the cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _site_language():
    # A page requested in English leaves English active in the test's thread (LocaleMiddleware
    # activates, nothing deactivates); each test starts in the site's language, as each request
    # and each task does in production.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def patient_locks(settings):
    """For races of many requests on one row: each waits for the lock as long as it takes.
    Fifty in a row on a loaded two-core machine can wait longer than the production 3 s and
    get a correct 409 Busy (marketplace/locking.py), which is not what such tests are about:
    who gets the place and what the others are told. Threads open their own connections,
    which read the setting then."""
    settings.LOCK_TIMEOUT_MS = 60000


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """api_client signed in as a given person (token authentication, as real clients do)."""

    def make(user):
        from rest_framework.authtoken.models import Token

        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make

"""While Redis is down, nobody gets a 500: sign-in, sign-up, password reset and bookings answer
as usual (the throttles count in process memory, marketplace/cache.py), and the e-mails of
what happened meanwhile go out once Redis is back and the sweep runs.

Each test starts a redis-server of its own on a free port (tests/support/redis_server.py),
points the cache and the Celery broker at it and kills it with SIGKILL.
"""

import logging
import signal
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from bookings.models import Booking, BookingState
from marketplace.models import User
from notifications.models import Notification, NotificationStatus
from notifications.tasks import notifications_sweep
from tests.bookings.support import make_world, slot_of
from tests.factories import PASSWORD, UserFactory
from tests.support.celery_worker import real_broker, start_worker, test_database_url
from tests.support.waiting import wait_until

NEW_PASSWORD = "Wassertor-Kiez-2026!"


def _cache_on(url: str, **options) -> dict:
    return {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "marketplace.cache.DegradingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, **options},
        }
    }


def _auth_rate(rate: str) -> dict:
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": rate}
    return {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def _sign_up_page(email: str) -> dict:
    return {
        "full_name": "Ayşe Demir",
        "email": email,
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "language": "de",
        "privacy_notice_accepted": "on",
    }


def _everyone_at_the_door(person: User) -> dict[str, int]:
    """Status codes of the public account requests, through the API and the web pages."""
    api, page = APIClient(), Client()
    answers = {
        "api sign-in": api.post(
            reverse("auth-token"), {"email": person.email, "password": PASSWORD}, format="json"
        ),
        "api sign-up": api.post(
            reverse("auth-register"),
            {
                "email": "neu-api@example.org",
                "password": NEW_PASSWORD,
                "full_name": "Neu über die API",
                "privacy_notice_accepted": True,
            },
            format="json",
        ),
        "api password reset": api.post(
            reverse("auth-password-reset"), {"email": person.email}, format="json"
        ),
        "page sign-up": page.post("/registrieren/", _sign_up_page("neu-seite@example.org")),
        "page password reset": page.post("/konto/passwort/", {"email": person.email}),
        "page sign-in": page.post("/anmelden/", {"email": person.email, "password": PASSWORD}),
    }
    return {name: response.status_code for name, response in answers.items()}


@pytest.mark.django_db
def test_sign_in_sign_up_and_reset_answer_while_redis_is_down(own_redis, caplog):
    # Given the cache on a Redis that then dies
    person = UserFactory(email="anna@example.org")
    with override_settings(CACHES=_cache_on(own_redis.url)):
        cache.set("warm", 1)  # the connection is made before Redis dies
        own_redis.kill()

        # When people sign in, sign up and ask for a new password
        with caplog.at_level(logging.WARNING, logger="marketplace.cache"):
            answers = _everyone_at_the_door(person)

    # Then every one of them gets its usual answer, and the log says why throttles are local
    assert answers == {
        "api sign-in": 200,
        "api sign-up": 202,
        "api password reset": 202,
        "page sign-up": 200,
        "page password reset": 200,
        "page sign-in": 302,
    }
    assert (
        User.objects.filter(email__in=["neu-api@example.org", "neu-seite@example.org"]).count() == 2
    )
    warnings = [r.getMessage() for r in caplog.records if r.name == "marketplace.cache"]
    assert len(warnings) == 1, warnings  # once, not per request
    assert "Redis cache unreachable" in warnings[0]


@pytest.mark.django_db
def test_throttles_keep_counting_in_memory_while_redis_is_down_and_use_redis_again_after(
    own_redis,
):
    person = UserFactory(email="anna@example.org")
    sign_in = {"email": person.email, "password": PASSWORD}
    with override_settings(
        CACHES=_cache_on(own_redis.url, RETRY_SECONDS=0.2), REST_FRAMEWORK=_auth_rate("3/minute")
    ):
        cache.set("warm", 1)
        own_redis.kill()

        # When one client signs in four times while Redis is down
        down = [
            APIClient().post(reverse("auth-token"), sign_in, format="json").status_code
            for _ in range(4)
        ]

        # And Redis comes back (empty: it keeps nothing on disk)
        own_redis.start()
        time.sleep(0.3)  # past RETRY_SECONDS: the next call tries Redis again
        back = APIClient().post(reverse("auth-token"), sign_in, format="json").status_code
        counted_in_redis = bool(redis.Redis.from_url(own_redis.url).keys("outage-test:*throttle*"))

    # Then the throttle still held the client to its rate (in this process's memory)
    assert down == [200, 200, 200, 429]
    # And afterwards the count is kept in Redis again
    assert back == 200
    assert counted_in_redis


@pytest.mark.django_db(transaction=True)
def test_a_booking_made_while_redis_is_down_is_mailed_once_redis_is_back(
    own_redis, smtp_server, caplog
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "a real Celery worker needs the test database on PostgreSQL "
            "(set DATABASE_URL=postgres://...); the SQLite test database is in memory"
        )
    world = make_world()
    slot = slot_of(world, title="Gartentag im Wassertorkiez")
    requester, provider = APIClient(), APIClient()
    requester.force_authenticate(world.social_member)
    provider.force_authenticate(world.company_member)
    with (
        override_settings(CACHES=_cache_on(own_redis.url), NOTIFICATIONS_STUCK_AFTER_SECONDS=0),
        real_broker(own_redis.url),
    ):
        worker = start_worker(
            broker_url=own_redis.url,
            database_url=test_database_url(),
            email_url=smtp_server.url,
        )
        try:
            # Given Redis (cache and broker) dies
            own_redis.kill()

            # When a social organisation requests volunteers and the company confirms
            requested = requester.post(
                "/api/v1/bookings/",
                {
                    "kind": "volunteer",
                    "slot": slot.pk,
                    "volunteers": 2,
                    "task": "Beete umgraben",
                    "place": "Hof, Wassertorstraße 48",
                    "contact_name": "Ayşe Yılmaz",
                    "contact_phone": "030 1234567",
                },
                format="json",
            )
            booking_id = requested.json()["id"]
            confirmed = provider.post(f"/api/v1/bookings/{booking_id}/confirm/", {}, format="json")

            # Then both answer as usual, and the e-mails wait in the outbox
            assert (requested.status_code, confirmed.status_code) == (201, 200)
            assert Booking.objects.get(pk=booking_id).state == BookingState.CONFIRMED
            waiting = Notification.objects.filter(status=NotificationStatus.QUEUED).count()
            assert waiting == 2 + 4  # the company hears of the request; both sides of the answer
            assert smtp_server.messages == []

            # When Redis is back and the sweep runs
            own_redis.start()
            assert notifications_sweep() == waiting

            # Then each e-mail arrives once
            received = smtp_server.wait_for(waiting, timeout=60)
            # ... and is recorded as sent (the record follows the server's acceptance)
            wait_until(
                lambda: not Notification.objects.exclude(status=NotificationStatus.SENT).exists(),
                timeout=30,
                what="every notification recorded as sent",
            )
        finally:
            worker.stop(signal.SIGTERM)
    assert len(received) == waiting
    assert len({m.message["Message-ID"] for m in received}) == waiting
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}

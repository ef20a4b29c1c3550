"""Nobody learns from the sign-up or the password reset whether an address has an account:
the same answer, the same work before the answer, and the sign-up page throttled like the API."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.models import User
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Wassertor-Kiez-2026!"


def _apart_from(response, address: str) -> str:
    """The answer without what differs between any two: a CSRF token, the address typed."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text.replace(address, "ADDRESS")


def _answer_and_queries(send, capture):
    """The response, the SQL the request ran before answering, and what it left for after."""
    with capture(execute=False) as after_response, CaptureQueriesContext(connection) as queries:
        response = send()
    return response, [q["sql"] for q in queries.captured_queries], after_response


@pytest.mark.parametrize("how", ["api", "page"])
def test_a_reset_for_a_known_address_is_answered_like_one_for_an_unknown(
    how, django_capture_on_commit_callbacks
):
    UserFactory(email="bekannt@example.org")

    def ask(address):
        if how == "api":
            return lambda: APIClient().post(reverse("auth-password-reset"), {"email": address})
        return lambda: Client().post("/konto/passwort/", {"email": address})

    known = _answer_and_queries(ask("bekannt@example.org"), django_capture_on_commit_callbacks)
    unknown = _answer_and_queries(ask("unbekannt@example.org"), django_capture_on_commit_callbacks)

    # Then the answers are the same, and so is the work done before them: the look-up of the
    # address happens after the response (it used to take ~2.5 times longer for a known one)
    assert known[0].status_code == unknown[0].status_code
    assert _apart_from(known[0], "bekannt@example.org") == (
        _apart_from(unknown[0], "unbekannt@example.org")
    )
    assert known[1] == unknown[1]
    assert not Notification.objects.exists()
    assert len(known[2]) == len(unknown[2]) == 1
    # And once that work has run, only the account's owner gets an e-mail
    with django_capture_on_commit_callbacks(execute=True):
        for callback in known[2] + unknown[2]:
            callback()
    assert [m.to for m in mail.outbox] == [["bekannt@example.org"]]


def test_the_sign_up_page_is_throttled_like_the_api(django_capture_on_commit_callbacks):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "3/minute"}
    client = Client()

    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        with django_capture_on_commit_callbacks(execute=True):
            answers = [
                client.post("/registrieren/", _sign_up(f"person{i}@example.org")) for i in range(3)
            ]
            throttled = client.post("/registrieren/", _sign_up("vierte@example.org"))
        # The API's sign-up shares the client's budget
        api = APIClient().post(
            reverse("auth-register"),
            {
                "email": "fuenfte@example.org",
                "password": NEW_PASSWORD,
                "full_name": "Fünf",
                "privacy_notice_accepted": True,
            },
        )

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "Zu viele Anfragen" in throttled.content.decode()
    assert 'value="vierte@example.org"' in throttled.content.decode()
    assert api.status_code == 429
    assert not User.objects.filter(email__in=["vierte@example.org", "fuenfte@example.org"])
    assert len(mail.outbox) == 3


def _sign_up(email: str) -> dict:
    return {
        "full_name": "Ayşe Demir",
        "email": email,
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "language": "de",
        "privacy_notice_accepted": "on",
    }


def test_the_owner_of_a_taken_address_is_told_in_their_language(django_capture_on_commit_callbacks):
    UserFactory(email="grace@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        answer = APIClient().post(
            reverse("auth-register"),
            {
                "email": "grace@example.org",
                "password": NEW_PASSWORD,
                "full_name": "Jemand",
                "privacy_notice_accepted": True,
            },
        )

    assert answer.status_code == 202
    (message,) = mail.outbox
    assert message.subject == "You already have an account at Kiezmarkt"
    assert "there already is an account for this address" in message.body.lower()
    assert f"{settings.SITE_URL}/konto/passwort/" in message.body
    assert f"{settings.SITE_URL}/anmelden/" in message.alternatives[0][0]

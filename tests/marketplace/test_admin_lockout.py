"""The admin's sign-in form counts failures and locks exactly like the sign-in page and the API's
token endpoint: under the same (lower-cased) address and client IP address (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD, CoordinatorFactory

pytestmark = pytest.mark.django_db

ADDRESS = "koordination@example.org"


def _admin_sign_in(client: Client, password: str, username: str = ADDRESS):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def _has_admin_session(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_wrong_passwords_on_the_admin_form_lock_it_even_for_the_right_one():
    CoordinatorFactory(email=ADDRESS)
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT

    # When the wrong password is tried as often as the limit allows (in any case of the address)
    failures = [
        _admin_sign_in(client, f"falsch-{i}", username=ADDRESS.upper() if i % 2 else ADDRESS)
        for i in range(limit)
    ]
    # Then the last failure locks, and the right password is refused too: no session
    right = _admin_sign_in(client, PASSWORD)

    assert [f.status_code for f in failures] == [200] * (limit - 1) + [429]
    assert right.status_code == 429
    assert "Anmeldeversuche" in right.content.decode()
    assert not _has_admin_session(client)
    # The failures were counted under the address (they used to be counted under none)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [ADDRESS]


def test_failures_on_the_sign_in_page_the_api_and_the_admin_add_up():
    CoordinatorFactory(email=ADDRESS)
    web, api, admin = Client(), APIClient(), Client()
    limit = settings.AXES_FAILURE_LIMIT

    # Given failures spread over the three ways in, one short of the limit
    for i in range(limit - 1):
        if i % 3 == 0:
            web.post("/anmelden/", {"email": ADDRESS.title(), "password": f"falsch-{i}"})
        elif i % 3 == 1:
            api.post(reverse("auth-token"), {"email": ADDRESS, "password": f"falsch-{i}"})
        else:
            _admin_sign_in(admin, f"falsch-{i}")
    # When one more fails on the admin form
    locking = _admin_sign_in(admin, "noch-falsch")

    # Then every way in refuses the right password
    assert locking.status_code == 429
    assert _admin_sign_in(admin, PASSWORD).status_code == 429
    api_answer = api.post(reverse("auth-token"), {"email": ADDRESS, "password": PASSWORD})
    assert api_answer.status_code == 429
    assert web.post("/anmelden/", {"email": ADDRESS, "password": PASSWORD}).status_code == 429
    assert not _has_admin_session(admin)


def test_the_right_password_before_the_limit_signs_in_and_forgets_the_failures():
    CoordinatorFactory(email=ADDRESS)
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_sign_in(client, f"falsch-{i}")

    signed_in = _admin_sign_in(client, PASSWORD)

    assert signed_in.status_code == 302
    assert _has_admin_session(client)
    # A fresh failure starts counting from one again
    _admin_sign_in(Client(), "falsch")
    assert AccessAttempt.objects.get(username=ADDRESS).failures_since_start == 1

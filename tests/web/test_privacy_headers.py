"""Response headers that keep private pages out of caches and deny unused browser features."""

import pytest
from django.test import Client

from tests.donations.support import make_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_every_response_denies_the_browser_features_no_page_uses(client):
    for response in (client.get("/"), client.get("/api/v1/listings/"), client.get("/health/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy


def test_the_public_start_page_may_be_cached(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_account_page_is_kept_out_of_caches():
    response = _signed_in(UserFactory()).get("/konto/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_organisations_donations_with_donor_data_are_kept_out_of_caches():
    world = make_world()

    response = _signed_in(world.social_admin).get(f"/organisationen/{world.social.pk}/spenden/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_api_answers_are_kept_out_of_caches(client, client_for):
    signed_in = client_for(UserFactory()).get("/api/v1/auth/me/")
    refused = client.get("/api/v1/auth/me/")

    assert (signed_in.status_code, refused.status_code) == (200, 401)
    for response in (signed_in, refused):
        assert response["Cache-Control"] == "private, no-store"

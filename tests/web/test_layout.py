"""What every page shares: the layout, the language switch, and the security headers."""

import pytest
from django.test import Client

from marketplace.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_start_page_is_german_by_default_with_a_strict_csp():
    response = Client().get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Hilfe aus dem Kiez" in html
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_contain_no_inline_script_or_style():
    html = Client().get("/anmelden/").content.decode()

    assert "<script>" not in html
    assert "<style" not in html
    assert "style=" not in html


def test_language_switch_sets_english_and_comes_back():
    client = Client()

    response = client.post("/sprache/", {"language": "en", "next": "/anmelden/"})

    assert response.status_code == 302
    assert response["Location"] == "/anmelden/"
    page = client.get("/anmelden/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page
    client.post("/sprache/", {"language": "de", "next": "/"})
    assert '<html lang="de">' in client.get("/").content.decode()


def test_language_switch_saves_a_signed_in_persons_language(signed_in):
    user = UserFactory(language="de")

    signed_in(user).post("/sprache/", {"language": "en", "next": "/"})

    assert User.objects.get(pk=user.pk).language == "en"


@pytest.mark.parametrize("language", ["xx", "en\x00", "", "e" * 10_000])
def test_language_switch_ignores_unknown_languages(language):
    response = Client().post("/sprache/", {"language": language, "next": "/anmelden/"})

    assert response.status_code == 302
    assert "django_language" not in response.cookies


def test_language_switch_does_not_redirect_to_other_sites():
    response = Client().post("/sprache/", {"language": "en", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_forms_need_a_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/anmelden/", {"email": "a@example.org", "password": "x"})

    assert response.status_code == 403
    assert "Formular ist abgelaufen" in response.content.decode()


def test_unknown_page_is_a_friendly_404():
    response = Client().get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


def test_the_admin_and_the_api_docs_get_a_policy_that_allows_their_inline_code():
    admin = Client().get("/admin/login/")
    docs = Client().get("/api/v1/docs/")

    for response in (admin, docs):
        assert "'unsafe-inline'" in response["Content-Security-Policy"]
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_domain_error_a_page_does_not_handle_becomes_an_error_page(signed_in):
    from tests.factories import SocialOrganisationFactory, member_of

    social = SocialOrganisationFactory()
    admin = member_of(social, "admin")

    # Only companies post offers: the page says so with the service's 403.
    response = signed_in(admin).get(f"/organisationen/{social.pk}/angebote/neu/ausleihe/")

    assert response.status_code == 403
    assert "Nur Unternehmen können Angebote einstellen." in response.content.decode()

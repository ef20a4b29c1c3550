"""Account pages: sign-up, e-mail verification, sign-in, sign-out, password reset, profile."""

import re

import pytest
from django.core import mail
from django.test import Client

from marketplace.models import User
from tests.factories import PASSWORD, CompanyFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Wassertor-Kiez-2026!"


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """POST a form and run what the request scheduled after commit (the e-mails)."""

    def send(client, path, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    return send


def path_in(message, prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _page_apart_from(response, address: str) -> str:
    """The page's HTML without what differs between any two answers: the CSRF token and the
    address the visitor typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return html.replace(address, "ADDRESS").replace(address.replace("@", "%40"), "ADDRESS")


def sign_up_data(**overrides):
    return {
        "full_name": "Ayşe Demir",
        "email": "ayse@example.org",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "language": "de",
        "privacy_notice_accepted": "on",
        **overrides,
    }


# --- sign-up and verification ---------------------------------------------------------------


def test_sign_up_sends_verification_mail_and_the_link_verifies(client, submit):
    # Given the sign-up page
    assert client.get("/registrieren/").status_code == 200

    # When a person signs up
    response = submit(client, "/registrieren/", sign_up_data())

    # Then the page asks them to check their mail, an unverified account exists ...
    assert response.status_code == 200
    assert "ayse@example.org" in response.content.decode()
    user = User.objects.get(email="ayse@example.org")
    assert not user.email_verified
    [message] = mail.outbox
    assert message.to == ["ayse@example.org"]
    # ... and the link in the e-mail shows a page whose button verifies the address
    path = path_in(message, "/konto/bestaetigen/")
    page = client.get(path)
    assert page.status_code == 200
    user.refresh_from_db()
    assert not user.email_verified, "opening the link (a mail scanner might) changes nothing"
    done = client.post(path)
    assert done.status_code == 302
    assert done["Location"].startswith("/anmelden/?email=ayse%40example.org")
    user.refresh_from_db()
    assert user.email_verified


def test_sign_up_errors_appear_next_to_their_fields_and_nothing_is_created(client, submit):
    UserFactory(email="taken@example.org")

    response = submit(
        client,
        "/registrieren/",
        sign_up_data(email="taken@example.org", password="123", password_again="123"),
    )

    assert response.status_code == 400
    html = response.content.decode()
    # The service refuses the weak password first; the field shows its message.
    assert 'id="id_password_error"' in html
    assert 'aria-describedby="id_password_helptext id_password_error"' in html
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_sign_up_with_a_taken_address_looks_like_any_sign_up_and_mails_the_owner(client, submit):
    # Given an account (the page used to say "bereits ein Konto", telling who is registered)
    UserFactory(email="taken@example.org")

    # When someone signs up with its address, and someone else with a new one
    taken = submit(client, "/registrieren/", sign_up_data(email="Taken@Example.org"))
    new = submit(Client(), "/registrieren/", sign_up_data(email="neu@example.org"))

    # Then both see the same page, apart from the address they gave
    assert taken.status_code == new.status_code == 200
    assert _page_apart_from(taken, "taken@example.org") == _page_apart_from(new, "neu@example.org")
    assert "bereits ein Konto" not in taken.content.decode()
    # And the owner is told by e-mail instead; nothing else changed for them
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    to_owner = [m for m in mail.outbox if m.to == ["taken@example.org"]]
    assert len(to_owner) == 1
    assert "schon ein Konto" in to_owner[0].subject


def test_sign_up_with_mismatched_passwords_is_refused(client, submit):
    response = submit(client, "/registrieren/", sign_up_data(password_again="anders-2026-Kiez"))

    assert response.status_code == 400
    assert "stimmen nicht überein" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        sign_up_data(full_name="Ayşe\x00Demir"),
        sign_up_data(email="not-an-address"),
        sign_up_data(language="xx"),
        sign_up_data(full_name="x" * 10_000),
        {"unexpected": "field"},
    ],
    ids=["nul", "bad-email", "bad-language", "huge-name", "unknown-field"],
)
def test_sign_up_bad_input_is_a_400_page_and_changes_nothing(client, submit, data):
    response = submit(client, "/registrieren/", data)

    assert response.status_code == 400
    assert not User.objects.exists()
    assert mail.outbox == []


def test_a_forged_verification_link_shows_an_error(client):
    response = client.get("/konto/bestaetigen/forged-token/")

    assert response.status_code == 400
    assert "ungültig" in response.content.decode()
    assert client.post("/konto/bestaetigen/forged-token/").status_code == 400


def test_resend_verification_answers_the_same_for_unknown_addresses(client, submit):
    unverified = UserFactory(email_verified=False)

    known = submit(client, "/konto/bestaetigung-anfordern/", {"email": unverified.email})
    unknown = submit(client, "/konto/bestaetigung-anfordern/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert [m.to for m in mail.outbox] == [[unverified.email]]


# --- sign-in and sign-out -------------------------------------------------------------------


def test_sign_in_and_out(client):
    user = UserFactory(email="mara@example.org")

    response = client.post(
        "/anmelden/?next=/organisationen/", {"email": "MARA@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/organisationen/"
    assert client.get("/konto/").context["user"] == user
    out = client.post("/abmelden/")
    assert out.status_code == 302
    assert client.get("/konto/").status_code == 302  # to the sign-in page again


def test_sign_in_ignores_a_next_address_on_another_site(client):
    # (a member of an organisation: the start page is their default)
    member_of(CompanyFactory(), email="mara@example.org")

    response = client.post(
        "/anmelden/?next=https://evil.example/", {"email": "mara@example.org", "password": PASSWORD}
    )

    assert response["Location"] == "/"


def test_wrong_password_shows_the_message_and_signs_nobody_in(client):
    UserFactory(email="mara@example.org")

    response = client.post("/anmelden/", {"email": "mara@example.org", "password": "falsch"})

    assert response.status_code == 400
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unverified_account_is_told_to_verify_with_a_link_to_a_new_mail(client):
    UserFactory(email="new@example.org", email_verified=False)

    response = client.post("/anmelden/", {"email": "new@example.org", "password": PASSWORD})

    assert response.status_code == 403
    html = response.content.decode()
    assert "bestätigen Sie zuerst" in html
    assert "/konto/bestaetigung-anfordern/?email=new%40example.org" in html


def test_too_many_failures_lock_the_sign_in_page(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="mara@example.org")
    for _attempt in range(3):
        client.post("/anmelden/", {"email": "mara@example.org", "password": "falsch"})

    response = client.post("/anmelden/", {"email": "mara@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_post(client, signed_in):
    client = signed_in(UserFactory())

    assert client.get("/abmelden/").status_code == 405


# --- password reset -------------------------------------------------------------------------


def test_password_reset_by_mail_link(client, submit):
    user = UserFactory(email="mara@example.org")

    sent = submit(client, "/konto/passwort/", {"email": "mara@example.org"})
    assert sent.status_code == 200
    [message] = mail.outbox
    path = path_in(message, "/konto/passwort/")
    assert client.get(path).status_code == 200

    done = client.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link is spent once the password changed.
    assert client.get(path).status_code == 400


def test_password_reset_page_answers_the_same_for_unknown_addresses(client, submit):
    response = submit(client, "/konto/passwort/", {"email": "nobody@example.org"})

    assert response.status_code == 200
    assert "nobody@example.org" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_refuses_a_weak_password_at_the_field(client, submit):
    user = UserFactory(email="mara@example.org")
    submit(client, "/konto/passwort/", {"email": "mara@example.org"})
    path = path_in(mail.outbox[0], "/konto/passwort/")

    response = client.post(path, {"password": "12345678", "password_again": "12345678"})

    assert response.status_code == 400
    assert 'id="id_password_error"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_forged_reset_link_shows_an_error(client):
    response = client.get("/konto/passwort/Zm9v/forged-token/")

    assert response.status_code == 400
    assert "ungültig oder abgelaufen" in response.content.decode()


# --- profile --------------------------------------------------------------------------------


def test_profile_changes_name_and_language(signed_in):
    user = UserFactory(full_name="Mara Sommer", language="de")
    client = signed_in(user)

    response = client.post("/konto/", {"full_name": "Mara S.", "language": "en"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Mara S.", "en")
    assert response.cookies["django_language"].value == "en"


def test_profile_refuses_a_blank_name(signed_in):
    user = UserFactory(full_name="Mara Sommer")

    response = signed_in(user).post("/konto/", {"full_name": "   ", "language": "de"})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.full_name == "Mara Sommer"


def test_profile_needs_sign_in(client):
    response = client.get("/konto/")

    assert response.status_code == 302
    assert response["Location"] == "/anmelden/?next=/konto/"

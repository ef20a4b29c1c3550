"""People's accounts through /api/v1/auth/: sign-up, verification, tokens, reset, profile."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from marketplace.models import User
from marketplace.tokens import email_verification_token
from notifications.models import Notification
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Wassertor-Kiez-2026!"


@pytest.fixture
def post(api_client, django_capture_on_commit_callbacks):
    """POST as JSON and run what the request scheduled after commit (the e-mails)."""

    def send(name, data, client=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or api_client).post(reverse(name), data, format="json", **extra)

    return send


def verification_token_from(message) -> str:
    match = re.search(r"/konto/bestaetigen/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def reset_pair_from(message) -> tuple[str, str]:
    match = re.search(r"/konto/passwort/([^/\s]+)/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1), match.group(2)


def state():
    """What bad input must not change."""
    return (
        User.objects.count(),
        Token.objects.count(),
        Notification.objects.count(),
        list(User.objects.order_by("pk").values_list("password", "full_name", "language")),
    )


# --- sign-up, verification, token, profile --------------------------------------------------


def test_sign_up_verify_get_token_and_read_profile(post, api_client):
    # When someone signs up
    response = post(
        "auth-register",
        {
            "email": "Ayse.Yilmaz@Example.org",
            "password": NEW_PASSWORD,
            "full_name": "Ayşe Yılmaz",
            "language": "de",
            "privacy_notice_accepted": True,
        },
    )

    # Then the account exists, unverified, and a verification e-mail went out
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["email"] == "ayse.yilmaz@example.org"
    assert "E-Mail" in body["detail"]
    assert "password" not in body
    assert User.objects.get(email="ayse.yilmaz@example.org").email_verified is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ayse.yilmaz@example.org"]
    assert "bestätigen" in message.subject
    assert f"{settings.SITE_URL}/konto/bestaetigen/" in message.body
    assert "Ayşe Yılmaz" in message.body
    html = message.alternatives[0][0]
    assert f"{settings.SITE_URL}/konto/bestaetigen/" in html

    # And without verifying, no token
    refused = post("auth-token", {"email": "ayse.yilmaz@example.org", "password": NEW_PASSWORD})
    assert refused.status_code == 403
    assert refused.json()["code"] == "email_not_verified"
    assert "bestätigen" in refused.json()["detail"]
    assert not Token.objects.exists()

    # When the link's token is posted
    verified = post("auth-verify-email", {"token": verification_token_from(message)})
    assert verified.status_code == 200, verified.json()
    assert User.objects.get(email="ayse.yilmaz@example.org").email_verified

    # Then signing in (any case of the address) gives a token that opens the profile
    signed_in = post("auth-token", {"email": "AYSE.yilmaz@example.org", "password": NEW_PASSWORD})
    assert signed_in.status_code == 200, signed_in.json()
    key = signed_in.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api_client.get(reverse("auth-me"))
    assert me.status_code == 200
    assert me.json()["full_name"] == "Ayşe Yılmaz"
    assert me.json()["email_verified"] is True


def test_registration_stores_the_chosen_language_and_mails_in_it(post):
    response = post(
        "auth-register",
        {
            "email": "sam@example.org",
            "password": NEW_PASSWORD,
            "full_name": "Sam",
            "language": "en",
            "privacy_notice_accepted": True,
        },
    )

    assert response.status_code == 202
    assert User.objects.get(email="sam@example.org").language == "en"
    assert Notification.objects.get(email="sam@example.org").language == "en"
    assert len(mail.outbox) == 1


def test_bearer_and_token_headers_both_authenticate(api_client):
    user = UserFactory()
    key = Token.objects.create(user=user).key

    for header in (f"Token {key}", f"Bearer {key}", f"bearer {key}"):
        api_client.credentials(HTTP_AUTHORIZATION=header)
        response = api_client.get(reverse("auth-me"))
        assert response.status_code == 200, header
        assert response.json()["email"] == user.email

    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert api_client.get(reverse("auth-me")).status_code == 401


def test_profile_needs_a_token(api_client):
    response = api_client.get(reverse("auth-me"))

    assert response.status_code == 401
    assert "detail" in response.json()


def test_registering_a_taken_address_answers_as_for_a_new_one_and_tells_the_owner(post):
    # Given an account (the sign-up used to answer "email_taken" and so told who is registered)
    owner = UserFactory(email="taken@example.org", full_name="Erste Person")
    accounts_before = User.objects.count()

    # When someone signs up with its address, and someone else with a new one
    taken = post(
        "auth-register",
        {
            "email": "Taken@Example.org",
            "password": NEW_PASSWORD,
            "full_name": "Zweite Person",
            "privacy_notice_accepted": True,
        },
    )
    new = post(
        "auth-register",
        {
            "email": "frei@example.org",
            "password": NEW_PASSWORD,
            "full_name": "Dritte Person",
            "privacy_notice_accepted": True,
        },
    )

    # Then both get the same answer, apart from the address they gave
    assert taken.status_code == new.status_code == 202
    assert taken.json()["detail"] == new.json()["detail"]
    assert taken.json()["email"] == "taken@example.org"
    # And only the new address got an account; the owner's account is unchanged
    assert User.objects.count() == accounts_before + 1
    owner.refresh_from_db()
    assert owner.full_name == "Erste Person"
    assert owner.check_password(PASSWORD)
    # And the owner is told by e-mail, with no link that grants anything
    to_owner = [m for m in mail.outbox if m.to == ["taken@example.org"]]
    (message,) = to_owner
    assert "schon ein Konto" in message.subject
    assert f"{settings.SITE_URL}/konto/passwort/" in message.body
    assert "/konto/bestaetigen/" not in message.body
    assert [m.to for m in mail.outbox if m is not message] == [["frei@example.org"]]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12345678", "numeric and common"),
        ("kurz1!", "too short"),
        ("passwort", "common"),
        ("lena.schmidt", "like the address"),
    ],
)
def test_password_validators_refuse_weak_passwords_at_sign_up(post, password, reason):
    response = post(
        "auth-register",
        {
            "email": "lena.schmidt@example.org",
            "password": password,
            "full_name": "Lena Schmidt",
            "privacy_notice_accepted": True,
        },
    )

    assert response.status_code == 400, reason
    assert response.json()["password"], reason
    assert not User.objects.exists()
    assert mail.outbox == []


def test_verification_link_works_until_it_expires(post):
    user = UserFactory(email_verified=False)
    max_age = settings.EMAIL_VERIFICATION_MAX_AGE.total_seconds()
    # Given a link sent just within the limit and one sent just beyond it
    with mock.patch("django.core.signing.time.time", return_value=time.time() - max_age + 60):
        fresh = email_verification_token(user)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - max_age - 60):
        stale = email_verification_token(user)

    expired = post("auth-verify-email", {"token": stale})
    assert expired.status_code == 400
    assert expired.json()["code"] == "token_expired"
    user.refresh_from_db()
    assert not user.email_verified

    assert post("auth-verify-email", {"token": fresh}).status_code == 200
    user.refresh_from_db()
    assert user.email_verified
    # Verifying again is harmless
    assert post("auth-verify-email", {"token": fresh}).status_code == 200


def test_tampered_or_foreign_verification_tokens_are_refused(post):
    user = UserFactory(email_verified=False, email="echt@example.org")
    token = email_verification_token(user)
    other = UserFactory(email_verified=False)
    payload, timestamp, signature = token.split(":")
    forged_signature = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    # A link for an address the account no longer has
    user.email = "neu@example.org"
    user.save(update_fields=["email"])
    old_address_token = token

    for bad in [
        f"{payload}:{timestamp}:{forged_signature}",
        email_verification_token(other)[:-3] + token[-3:],
        "kein-token",
        old_address_token,
    ]:
        response = post("auth-verify-email", {"token": bad})
        assert response.status_code == 400, bad
        assert response.json()["code"] == "token_invalid"
        assert "token" in response.json()

    assert not User.objects.filter(email_verified=True).exists()


def test_resend_verification_answers_the_same_whatever_the_address(post):
    UserFactory(email="offen@example.org", email_verified=False)
    UserFactory(email="fertig@example.org", email_verified=True)

    answers = [
        post("auth-resend-verification", {"email": address})
        for address in ("offen@example.org", "fertig@example.org", "niemand@example.org")
    ]

    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1
    assert [m.to for m in mail.outbox] == [["offen@example.org"]]
    token = verification_token_from(mail.outbox[0])
    assert post("auth-verify-email", {"token": token}).status_code == 200


# --- tokens ---------------------------------------------------------------------------------


def test_wrong_password_and_unknown_address_get_the_same_answer(post):
    UserFactory(email="anna@example.org")

    wrong_password = post("auth-token", {"email": "anna@example.org", "password": "falsch-123"})
    unknown = post("auth-token", {"email": "niemand@example.org", "password": PASSWORD})

    assert wrong_password.status_code == unknown.status_code == 400
    assert wrong_password.json() == unknown.json()
    assert wrong_password.json()["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_deactivated_account_gets_no_token(post):
    UserFactory(email="weg@example.org", is_active=False)

    response = post("auth-token", {"email": "weg@example.org", "password": PASSWORD})

    assert response.status_code == 400
    assert not Token.objects.exists()


def test_signing_in_twice_gives_the_same_token_and_records_the_sign_in(post):
    user = UserFactory()

    first = post("auth-token", {"email": user.email, "password": PASSWORD}).json()["token"]
    second = post("auth-token", {"email": user.email, "password": PASSWORD}).json()["token"]

    assert first == second
    user.refresh_from_db()
    assert user.last_login is not None


def test_revoking_the_token_signs_out(client_for):
    user = UserFactory()
    client = client_for(user)

    response = client.post(reverse("auth-token-revoke"))

    assert response.status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert client.get(reverse("auth-me")).status_code == 401


# --- password reset -------------------------------------------------------------------------


def test_password_reset_request_answers_the_same_and_mails_only_real_accounts(post):
    UserFactory(email="maria@example.org")

    known = post("auth-password-reset", {"email": "Maria@example.org"})
    unknown = post("auth-password-reset", {"email": "unbekannt@example.org"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [["maria@example.org"]]
    assert f"{settings.SITE_URL}/konto/passwort/" in mail.outbox[0].body
    assert "Passwort" in mail.outbox[0].subject


def test_password_reset_link_sets_a_new_password_once(post, client_for):
    user = UserFactory(email="maria@example.org", email_verified=False)
    old_client = client_for(user)
    post("auth-password-reset", {"email": "maria@example.org"})
    uid, token = reset_pair_from(mail.outbox[0])

    response = post(
        "auth-password-reset-confirm", {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 200, response.json()
    # The old password and the old API token stop working; the new password signs in
    assert post("auth-token", {"email": user.email, "password": PASSWORD}).status_code == 400
    assert old_client.get(reverse("auth-me")).status_code == 401
    signed_in = post("auth-token", {"email": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 200, signed_in.json()
    # And the link is spent
    again = post(
        "auth-password-reset-confirm",
        {"uid": uid, "token": token, "new_password": "Noch-ein-Passwort-77"},
    )
    assert again.status_code == 400
    assert again.json()["code"] == "token_invalid"


def test_password_reset_refuses_a_weak_new_password(post):
    user = UserFactory(email="maria@example.org")
    post("auth-password-reset", {"email": user.email})
    uid, token = reset_pair_from(mail.outbox[0])
    before = state()

    response = post(
        "auth-password-reset-confirm", {"uid": uid, "token": token, "new_password": "12345678"}
    )

    assert response.status_code == 400
    assert response.json()["password"]
    assert state() == before


@pytest.mark.parametrize(
    ("uid", "token"),
    [
        ("MQ", "falsches-token"),
        ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "abc-def"),  # 30 nines: beyond any bigint
        ("LTE", "abc-def"),  # "-1"
        ("%%%", "abc-def"),
        ("MQA", "abc-def"),  # "1\x00"
    ],
)
def test_password_reset_confirm_refuses_forged_links(post, uid, token):
    UserFactory()
    before = state()

    response = post(
        "auth-password-reset-confirm", {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "token_invalid"
    assert state() == before


def test_reset_link_of_one_person_does_not_reset_another(post):
    maria = UserFactory(email="maria@example.org")
    jonas = UserFactory(email="jonas@example.org")
    post("auth-password-reset", {"email": maria.email})
    _, token = reset_pair_from(mail.outbox[0])
    from marketplace.tokens import password_reset_pair

    jonas_uid, _ = password_reset_pair(jonas)
    before = state()

    response = post(
        "auth-password-reset-confirm",
        {"uid": jonas_uid, "token": token, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert state() == before


# --- profile --------------------------------------------------------------------------------


def test_patch_profile_changes_language_and_name(client_for):
    user = UserFactory(language="de", full_name="Alt Name")

    response = client_for(user).patch(
        reverse("auth-me"), {"language": "en", "full_name": "  Neu Name "}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["language"] == "en"
    user.refresh_from_db()
    assert (user.language, user.full_name) == ("en", "Neu Name")


@pytest.mark.parametrize(
    "body",
    [
        {"email": "anders@example.org"},
        {"email_verified": False},
        {"language": "fr"},
        {"full_name": ""},
        {"full_name": "   "},
        {"full_name": "x" * 151},
        {"full_name": "Nul\x00Byte"},
        {"full_name": ["Liste"]},
        {"language": 10**30},
        {"is_staff": True},
    ],
)
def test_patch_profile_refuses_bad_input(client_for, body):
    user = UserFactory(email="fest@example.org", language="de")
    client = client_for(user)
    before = state()

    response = client.patch(reverse("auth-me"), body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()
    assert state() == before
    user.refresh_from_db()
    assert (user.email, user.email_verified, user.is_staff) == ("fest@example.org", True, False)


def test_profile_cannot_be_replaced_with_put(client_for):
    user = UserFactory()

    response = client_for(user).put(reverse("auth-me"), {"full_name": "X"}, format="json")

    assert response.status_code == 405


# --- throttling and lockout -----------------------------------------------------------------


def test_auth_endpoints_are_throttled(post):
    UserFactory(email="anna@example.org")
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "3/minute"}

    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        # (a client naming itself in X-Forwarded-For is the same client)
        answers = [
            post(
                "auth-token",
                {"email": "anna@example.org", "password": f"falsch-{i}"},
                HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
            )
            for i in range(3)
        ]
        throttled = post(
            "auth-password-reset",
            {"email": "anna@example.org"},
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
        # Another client address has its own budget
        elsewhere = post(
            "auth-token",
            {"email": "anna@example.org", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.9",
        )

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert throttled.status_code == 429
    assert throttled.json()["detail"]
    assert int(throttled["Retry-After"]) > 0
    assert mail.outbox == []
    assert elsewhere.status_code == 200


def test_repeated_failures_lock_the_address_from_that_ip_until_the_cool_off(post):
    user = UserFactory(email="anna@example.org")
    limit = settings.AXES_FAILURE_LIMIT

    # When the wrong password is tried as often as the limit allows
    failures = [
        post("auth-token", {"email": "anna@example.org", "password": f"falsch-{i}"})
        for i in range(limit)
    ]
    # Then the last failure locks, and even the right password is refused
    with_right_password = post("auth-token", {"email": "Anna@example.org", "password": PASSWORD})

    assert [f.status_code for f in failures] == [400] * (limit - 1) + [429]
    assert with_right_password.status_code == 429
    assert with_right_password["Content-Type"].startswith("application/json")
    assert with_right_password.json()["code"] == "locked_out"
    assert "Anmeldeversuche" in with_right_password.json()["detail"]
    assert not Token.objects.exists()

    # The same address from another IP address and another address from this one still work
    other = UserFactory(email="ben@example.org")
    assert (
        post(
            "auth-token", {"email": user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
        ).status_code
        == 200
    )
    assert post("auth-token", {"email": other.email, "password": PASSWORD}).status_code == 200

    # When the cool-off time has passed
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    after = post("auth-token", {"email": user.email, "password": PASSWORD})

    assert after.status_code == 200, after.json()


def test_a_forged_x_forwarded_for_does_not_dodge_throttle_or_lockout(post):
    # Given no reverse proxy in front (NUM_PROXIES = 0), clients name themselves in vain
    user = UserFactory(email="anna@example.org")
    limit = settings.AXES_FAILURE_LIMIT

    for i in range(limit):
        post(
            "auth-token",
            {"email": user.email, "password": f"falsch-{i}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    answer = post(
        "auth-token",
        {"email": user.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )

    assert answer.status_code == 429
    assert answer.json()["code"] == "locked_out"


def test_behind_a_proxy_the_forwarded_client_address_counts(post):
    user = UserFactory(email="anna@example.org")
    limit = settings.AXES_FAILURE_LIMIT
    behind_proxy = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    with override_settings(REST_FRAMEWORK=behind_proxy):
        for i in range(limit):
            post(
                "auth-token",
                {"email": user.email, "password": f"falsch-{i}"},
                HTTP_X_FORWARDED_FOR="203.0.113.5",
            )
        locked = post(
            "auth-token",
            {"email": user.email, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
        other_client = post(
            "auth-token",
            {"email": user.email, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
        garbage = post(
            "auth-token",
            {"email": user.email, "password": "falsch"},
            HTTP_X_FORWARDED_FOR="kein-ip",
        )

    assert locked.status_code == 429
    assert other_client.status_code == 200
    assert garbage.status_code == 400
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()


def test_admin_sign_in_is_locked_out_too(client):
    # The admin's sign-in has no JSON answer of its own: it gets the plain-text lockout page
    UserFactory(email="koordination@example.org", is_staff=True)
    answers = [
        client.post(
            "/admin/login/", {"username": "koordination@example.org", "password": f"falsch-{i}"}
        )
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert [a.status_code for a in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1].status_code == 429
    assert "Anmeldeversuche" in answers[-1].content.decode()


def test_a_successful_sign_in_forgets_earlier_failures(post):
    user = UserFactory()
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit - 1):
        post("auth-token", {"email": user.email, "password": f"falsch-{i}"})

    assert post("auth-token", {"email": user.email, "password": PASSWORD}).status_code == 200
    answer = post("auth-token", {"email": user.email, "password": "noch-falsch"})

    assert answer.status_code == 400


# --- bad input on every endpoint ------------------------------------------------------------

HUGE = "x" * 1_000_000
PUBLIC_ENDPOINTS = {
    "auth-register": {
        "email": "neu@example.org",
        "password": NEW_PASSWORD,
        "full_name": "Neu",
        "privacy_notice_accepted": True,
    },
    "auth-verify-email": {"token": "abc"},
    "auth-resend-verification": {"email": "neu@example.org"},
    "auth-token": {"email": "neu@example.org", "password": NEW_PASSWORD},
    "auth-password-reset": {"email": "neu@example.org"},
    "auth-password-reset-confirm": {"uid": "MQ", "token": "abc", "new_password": NEW_PASSWORD},
}


def _variants(valid: dict):
    first = next(iter(valid))
    yield "unknown field", {**valid, "is_staff": True}
    yield "empty object", {}
    yield "list instead of object", [valid]
    yield "string instead of object", "hallo"
    yield "null", None
    for field in valid:
        yield f"{field} NUL", {**valid, field: "a\x00b@example.org"}
        yield f"{field} huge", {**valid, field: HUGE}
        yield f"{field} list", {**valid, field: [valid[field]]}
        yield f"{field} object", {**valid, field: {"x": 1}}
        yield f"{field} null", {**valid, field: None}
        if not isinstance(valid[field], bool):  # for a boolean field True is no bad input
            yield f"{field} bool", {**valid, field: True}
    yield "huge number", {**valid, first: 10**400}


BAD_INPUT_CASES = [
    pytest.param(name, body, id=f"{name}: {label}")
    for name, valid in PUBLIC_ENDPOINTS.items()
    for label, body in _variants(valid)
]


@pytest.mark.parametrize(("name", "body"), BAD_INPUT_CASES)
def test_bad_input_is_a_4xx_and_changes_nothing(post, name, body):
    UserFactory(email="neu@example.org", email_verified=False)
    before = state()

    response = post(name, body)

    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()
    assert state() == before
    assert mail.outbox == []


@pytest.mark.parametrize("name", [*PUBLIC_ENDPOINTS, "auth-me"])
@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("application/json", b'{"email": "neu@example.org",'),
        ("application/json", b"\xff\xfe\x00"),
        ("application/json", b'{"email": "\\u0000"}'),
        ("text/plain", b"email=neu@example.org"),
    ],
)
def test_malformed_bodies_are_a_4xx_and_change_nothing(
    api_client, client_for, name, content_type, raw
):
    user = UserFactory(email="neu@example.org", email_verified=False)
    client = client_for(user) if name == "auth-me" else api_client
    method = client.patch if name == "auth-me" else client.post
    before = state()

    response = method(reverse(name), raw, content_type=content_type)

    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()
    assert state() == before


# --- OpenAPI ---------------------------------------------------------------------------------


def test_schema_describes_the_auth_endpoints_and_their_errors(api_client):
    response = api_client.get(reverse("schema"), {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    token = paths["/api/v1/auth/token/"]["post"]
    assert {"200", "400", "403", "429"} <= set(token["responses"])
    assert paths["/api/v1/auth/register/"]["post"]["responses"]["202"]
    assert {"get", "patch"} <= set(paths["/api/v1/auth/me/"])
    for path in (
        "/api/v1/auth/verify-email/",
        "/api/v1/auth/resend-verification/",
        "/api/v1/auth/password-reset/",
        "/api/v1/auth/password-reset/confirm/",
        "/api/v1/auth/token/revoke/",
    ):
        assert path in paths

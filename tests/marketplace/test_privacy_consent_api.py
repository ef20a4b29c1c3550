"""POST /api/v1/auth/register/ needs the privacy notice accepted: refusing is a 400 that names
the field and changes nothing; an accepted sign-up stores the version and the time."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace.models import LegalTextKind, PrivacyConsent, User
from marketplace.services.legal import legal_text_publish
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Wassertor-Kiez-2026!"


@pytest.fixture
def register(api_client, django_capture_on_commit_callbacks):
    def send(**fields):
        data = {
            "email": "ada@example.org",
            "password": NEW_PASSWORD,
            "full_name": "Ada Kiez",
            **fields,
        }
        data = {key: value for key, value in data.items() if value is not None}
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(reverse("auth-register"), data, format="json")

    return send


def test_an_accepted_sign_up_stores_the_version_in_force_and_the_time(register):
    before = timezone.now()

    response = register(privacy_notice_accepted=True)

    assert response.status_code == 202, response.json()
    consent = PrivacyConsent.objects.get(user__email="ada@example.org")
    assert consent.notice.kind == LegalTextKind.PRIVACY
    assert consent.notice.version == 1
    assert before <= consent.accepted_at <= timezone.now()


def test_the_client_may_name_the_version_it_showed(register):
    legal_text_publish(kind=LegalTextKind.PRIVACY, by=CoordinatorFactory(), body_de="Zwei.")

    response = register(privacy_notice_accepted=True, privacy_notice_version=2)

    assert response.status_code == 202, response.json()
    assert PrivacyConsent.objects.get(user__email="ada@example.org").notice.version == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "privacy_notice_accepted", None),
        ({"privacy_notice_accepted": None}, "privacy_notice_accepted", None),
        (
            {"privacy_notice_accepted": False},
            "privacy_notice_accepted",
            "Bitte lesen Sie die Datenschutzerklärung und stimmen Sie ihr zu.",
        ),
        ({"privacy_notice_accepted": "vielleicht"}, "privacy_notice_accepted", None),
        (
            {"privacy_notice_accepted": True, "privacy_notice_version": 0},
            "privacy_notice_version",
            None,
        ),
        (
            {"privacy_notice_accepted": True, "privacy_notice_version": "eins"},
            "privacy_notice_version",
            None,
        ),
        (
            {"privacy_notice_accepted": True, "privacy_notice_version": 2**40},
            "privacy_notice_version",
            None,
        ),
    ],
    ids=["absent", "null", "false", "not-a-boolean", "zero", "not-a-number", "huge"],
)
def test_without_a_valid_consent_the_answer_is_a_400_and_nothing_is_created(
    register, fields, field, message
):
    response = register(**fields) if fields else register()

    assert response.status_code == 400
    body = response.json()
    assert field in body, body
    if message:
        assert body[field] == [message]
        assert body["code"] == "privacy_notice_required"
    assert not User.objects.exists()
    assert not PrivacyConsent.objects.exists()
    assert mail.outbox == []


def test_an_outdated_version_is_refused_with_the_version_in_force(register):
    legal_text_publish(kind=LegalTextKind.PRIVACY, by=CoordinatorFactory(), body_de="Zwei.")

    response = register(privacy_notice_accepted=True, privacy_notice_version=1)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "privacy_notice_outdated"
    assert "jetzt Fassung 2" in body["privacy_notice_version"][0]
    assert not User.objects.filter(email="ada@example.org").exists()


def test_the_refusal_is_in_english_for_english_clients(api_client):
    response = api_client.post(
        reverse("auth-register"),
        {
            "email": "ada@example.org",
            "password": NEW_PASSWORD,
            "full_name": "Ada",
            "privacy_notice_accepted": False,
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["privacy_notice_accepted"] == [
        "Please read the privacy notice and accept it."
    ]


def test_the_schema_documents_the_consent_fields(api_client):
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()

    register = schema["components"]["schemas"]["RegisterRequest"]
    assert "privacy_notice_accepted" in register["required"]
    assert register["properties"]["privacy_notice_accepted"]["type"] == "boolean"
    assert "privacy_notice_version" not in register["required"]
    assert register["properties"]["privacy_notice_version"]["minimum"] == 1

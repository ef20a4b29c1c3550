"""Sign-up on the web page asks to accept the privacy notice and stores which version and when."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from marketplace.models import LegalTextKind, PrivacyConsent, User
from marketplace.selectors import legal_text_current
from marketplace.services.legal import legal_text_publish
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Wassertor-Kiez-2026!"


def sign_up_data(**overrides):
    return {
        "full_name": "Ayşe Demir",
        "email": "ayse@example.org",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "language": "de",
        "privacy_notice_accepted": "on",
        "privacy_notice_version": "1",
        **overrides,
    }


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def send(data):
        with django_capture_on_commit_callbacks(execute=True):
            return Client().post("/registrieren/", data)

    return send


def test_the_sign_up_form_asks_to_accept_the_privacy_notice_with_a_link_to_it():
    html = Client().get("/registrieren/").content.decode()

    checkbox = re.search(r'<input type="checkbox" name="privacy_notice_accepted"[^>]*>', html)
    assert checkbox, html
    assert "checked" not in checkbox.group(0)
    assert '<input type="hidden" name="privacy_notice_version" value="1"' in html
    label = re.search(r'<label for="id_privacy_notice_accepted">(.*?)</label>', html).group(1)
    assert 'Ich habe die <a href="/datenschutz/" target="_blank">Datenschutzerklärung</a>' in label


def test_signing_up_records_the_accepted_version_and_time(submit):
    before = timezone.now()

    response = submit(sign_up_data())

    assert response.status_code == 200
    user = User.objects.get(email="ayse@example.org")
    [consent] = PrivacyConsent.objects.filter(user=user)
    assert consent.notice == legal_text_current(LegalTextKind.PRIVACY)
    assert consent.notice.version == 1
    assert before <= consent.accepted_at <= timezone.now()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "change",
    [{"privacy_notice_accepted": ""}, {"privacy_notice_accepted": None}],
    ids=["unchecked", "missing"],
)
def test_without_accepting_the_form_says_so_at_the_checkbox_and_nothing_is_created(submit, change):
    data = {key: value for key, value in sign_up_data(**change).items() if value is not None}

    response = submit(data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_privacy_notice_accepted_error"' in html
    assert "Bitte lesen Sie die Datenschutzerklärung und stimmen Sie ihr zu." in html
    # The rest of the input stays.
    assert 'value="ayse@example.org"' in html
    assert not User.objects.exists()
    assert not PrivacyConsent.objects.exists()
    assert mail.outbox == []


def test_a_notice_changed_while_the_form_was_open_must_be_accepted_again(submit):
    legal_text_publish(kind=LegalTextKind.PRIVACY, by=CoordinatorFactory(), body_de="Neue Fassung.")

    refused = submit(sign_up_data(privacy_notice_version="1"))

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "inzwischen geändert (jetzt Fassung 2)" in html
    # The form now carries the new version, unchecked.
    assert '<input type="hidden" name="privacy_notice_version" value="2"' in html
    checkbox = re.search(r'<input type="checkbox" name="privacy_notice_accepted"[^>]*>', html)
    assert "checked" not in checkbox.group(0)
    assert not User.objects.filter(email="ayse@example.org").exists()

    accepted = submit(sign_up_data(privacy_notice_version="2"))

    assert accepted.status_code == 200
    consent = PrivacyConsent.objects.get(user__email="ayse@example.org")
    assert consent.notice.version == 2


@pytest.mark.parametrize("version", ["0", "-1", "abc", "99999999999"])
def test_a_bad_version_is_a_400_and_creates_nothing(submit, version):
    response = submit(sign_up_data(privacy_notice_version=version))

    assert response.status_code == 400
    assert not User.objects.exists()


def test_the_english_page_asks_in_english():
    client = Client()
    client.post("/sprache/", {"language": "en", "next": "/"})

    html = client.get("/registrieren/").content.decode()

    assert 'I have read the <a href="/datenschutz/" target="_blank">privacy notice</a>' in html

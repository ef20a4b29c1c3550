"""Every e-mail links the privacy notice and the imprint in its footer, as text and as HTML, in
the recipient's language, and the links open those pages."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import get_template
from django.test import Client
from django.utils import translation

from marketplace.services.accounts import user_request_password_reset
from notifications.kinds import KINDS
from notifications.rendering import render_plain
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRIVACY_URL = f"{settings.SITE_URL}/datenschutz/"
IMPRINT_URL = f"{settings.SITE_URL}/impressum/"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_email_has_both_links_in_text_and_html(kind):
    folder = KINDS[kind].template_folder
    # The bodies' own data is missing here (only the numbers their plurals need are given);
    # the layout's footer is rendered regardless.
    context = {
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "valid_days": 3,
        "valid_hours": 1,
        "at_risk_count": 1,
    }

    with translation.override("de"):
        text = render_plain(f"{folder}/body.txt", context)
        html = get_template(f"{folder}/body.html").render(context)

    assert f"Datenschutz: {PRIVACY_URL}" in text
    assert f"Impressum: {IMPRINT_URL}" in text
    assert f'<a href="{PRIVACY_URL}" style="color: #2f5d50;">Datenschutz</a>' in html
    assert f'<a href="{IMPRINT_URL}" style="color: #2f5d50;">Impressum</a>' in html


def test_a_sent_email_links_pages_that_open(django_capture_on_commit_callbacks):
    UserFactory(email="ada@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        user_request_password_reset(email="ada@example.org")

    [message] = mail.outbox
    assert f"Privacy: {PRIVACY_URL}" in message.body
    assert f"Imprint: {IMPRINT_URL}" in message.body
    html = message.alternatives[0][0]
    assert f'href="{PRIVACY_URL}"' in html and f'href="{IMPRINT_URL}"' in html
    for url, heading in ((PRIVACY_URL, "Datenschutzerklärung"), (IMPRINT_URL, "Impressum")):
        path = re.sub(r"^https?://[^/]+", "", url)
        page = Client().get(path)
        assert page.status_code == 200
        assert f"<h1>{heading}</h1>" in page.content.decode()

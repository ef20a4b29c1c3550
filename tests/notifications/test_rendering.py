"""What the e-mail looks like: language, parts, shared layout, names, links, unsubscribe."""

import pytest
from django.core import mail

from marketplace.models import Role
from notifications.services import Recipient, notify
from tests.factories import CompanyFactory, SocialOrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify() and commit; the e-mails it sent."""

    def send(**kwargs):
        kwargs.setdefault("event_key", "event:1")
        with django_capture_on_commit_callbacks(execute=True):
            notify(**kwargs)
        return list(mail.outbox)

    return send


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_an_email_has_subject_text_and_html_with_both_organisations_and_the_link(test_kinds, send):
    company = CompanyFactory(name="Kiezfirma Wassertor GmbH")
    person = member_of(company, full_name="Ada Kiez")
    [message] = send(
        kind="test_required",
        recipients=[person],
        organisation=company,
        context={
            "provider_name": company.name,
            "requester_name": "Nachbarschaftshaus e.V.",
            "title": "3 Klapptische",
            "url": "http://127.0.0.1:8000/buchungen/42/",
        },
    )

    assert message.subject == "Kiezfirma Wassertor GmbH an Nachbarschaftshaus e.V.: 3 Klapptische"
    assert message.body.startswith("Hallo Ada Kiez,\n\nKiezfirma Wassertor GmbH hat ")
    assert "http://127.0.0.1:8000/buchungen/42/" in message.body
    html = _html(message)
    assert '<a href="http://127.0.0.1:8000/buchungen/42/">' in html
    assert "Nachbarschaftshaus e.V." in html
    # The shared layout: site name on top, the organisation under it, footer at the bottom.
    assert '<html lang="de">' in html
    assert ">Kiezmarkt</a>" in html
    assert "Kiezfirma Wassertor GmbH</div>" in html
    assert "automatisch von Kiezmarkt verschickt" in html
    assert "automatisch von Kiezmarkt verschickt" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_email_is_in_the_recipients_language(send):
    german = UserFactory(language="de", full_name="Ada Kiez")
    english = UserFactory(language="en", full_name="Grace Hopper")
    messages = send(kind="mail_test", recipients=[german, english], context={})

    by_address = {m.to[0]: m for m in messages}
    de, en = by_address[german.email], by_address[english.email]
    assert de.subject == "Test-E-Mail von Kiezmarkt"
    assert de.body.startswith("Hallo Ada Kiez,\n\ndies ist eine Test-E-Mail von Kiezmarkt.")
    assert '<html lang="de">' in _html(de)
    assert en.subject == "Test e-mail from Kiezmarkt"
    assert en.body.startswith("Hello Grace Hopper,\n\nthis is a test e-mail from Kiezmarkt.")
    html = _html(en)
    assert '<html lang="en">' in html
    assert "sent automatically by Kiezmarkt" in html


def test_names_are_plain_in_subject_and_text_and_escaped_in_html(test_kinds, send):
    [message] = send(
        kind="test_required",
        recipients=[UserFactory()],
        context={"provider_name": "Müller & Söhne", "requester_name": "<Kita>", "title": "x"},
    )

    assert message.subject.startswith("Müller & Söhne an <Kita>")
    assert "Müller & Söhne hat <Kita> geantwortet" in message.body
    assert "Müller &amp; Söhne hat &lt;Kita&gt; geantwortet" in _html(message)


def test_a_member_gets_a_one_click_unsubscribe_link_for_an_optional_kind(test_kinds, send, client):
    organisation = SocialOrganisationFactory()
    member = member_of(organisation)
    [message] = send(
        kind="test_optional",
        recipients=[member],
        organisation=organisation,
        context={"provider_name": "A", "requester_name": "B", "title": "C"},
    )

    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://127.0.0.1:8000/benachrichtigungen/abbestellen/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header.strip("<>")
    assert link in message.body
    assert link in _html(message)
    page = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert member.email in page.content.decode()


@pytest.mark.parametrize("case", ["admin", "required kind", "no account"])
def test_no_unsubscribe_link_where_the_person_cannot_switch_the_kind_off(test_kinds, send, case):
    organisation = SocialOrganisationFactory()
    context = {"provider_name": "A", "requester_name": "B", "title": "C"}
    if case == "admin":
        kwargs = {"kind": "test_optional", "recipients": [member_of(organisation, Role.ADMIN)]}
    elif case == "required kind":
        kwargs = {"kind": "test_required", "recipients": [member_of(organisation)]}
    else:
        kwargs = {"kind": "test_optional", "recipients": [Recipient(email="new@example.org")]}
    [message] = send(organisation=organisation, context=context, **kwargs)

    assert "List-Unsubscribe" not in message.extra_headers
    assert "abbestellen" not in message.body
    assert "abbestellen" not in _html(message).lower()

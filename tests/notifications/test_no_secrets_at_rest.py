"""No link that grants access rests in the database, the admin or the log (issue 17).

For each e-mail that carries such a link (password reset, e-mail verification, invitation,
one-click unsubscribe) the whole database is dumped as text while the e-mail is queued and
again after it was sent, and searched for the link and its token; the coordinators' admin
pages are searched too. The link in the delivered e-mail must still work, once.
"""

import hashlib
import logging
import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from marketplace.models import Invitation, Membership, Role
from notifications.models import Notification
from notifications.services import notify
from tests.factories import (
    CoordinatorFactory,
    SocialOrganisationFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Wassertor-Kiez-2026!"
OUTBOX = "/admin/notifications/notification/"


def database_text() -> str:
    """Every value of every table, as one text (binary columns decoded byte for byte)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        value = value.decode("latin-1")
                    parts.append(str(value))
    return "\n".join(parts)


def admin_pages_text(email: str) -> str:
    """What a coordinator can see of the outbox for `email`: the list searched by the address,
    and every row's page."""
    client = Client()
    client.force_login(CoordinatorFactory())
    pages = [client.get(OUTBOX, {"q": email})]
    pages += [
        client.get(f"{OUTBOX}{pk}/change/")
        for pk in Notification.objects.filter(email=email).values_list("pk", flat=True)
    ]
    pages += [
        client.get(f"/admin/marketplace/invitation/{pk}/change/")
        for pk in Invitation.objects.values_list("pk", flat=True)
    ]
    assert {page.status_code for page in pages} == {200}
    return "\n".join(page.content.decode() for page in pages)


@pytest.fixture
def step(django_capture_on_commit_callbacks):
    """Run what a request or a task scheduled after commit, one level at a time: returns what
    those callbacks scheduled in turn, without running it."""

    def run(callbacks):
        with django_capture_on_commit_callbacks(execute=False) as scheduled:
            for callback in callbacks:
                callback()
        return scheduled

    return run


def _queued_then_sent(request, step, django_capture_on_commit_callbacks):
    """Make the request, run the work it left for after the response until the e-mail is
    queued; dump; send; dump. Returns (response, dump while queued, dump once sent)."""
    with django_capture_on_commit_callbacks(execute=False) as after_request:
        response = request()
    pending = after_request
    queued = Notification.objects.filter(status="queued")
    while not queued.exists():
        assert pending, "nothing was queued"
        pending = step(pending)
    while_queued = database_text()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in pending:
            callback()
    return response, while_queued, database_text()


def _assert_nowhere(secrets: list[str], *texts: str) -> None:
    for secret in secrets:
        for text in texts:
            assert secret not in text


def test_password_reset_link_rests_nowhere_and_works_once(
    api_client, step, django_capture_on_commit_callbacks
):
    # Given a superuser (the account a coordinator could take over through the outbox)
    root = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)

    # When anyone asks for a reset for that address, and the e-mail is queued, then sent
    response, while_queued, once_sent = _queued_then_sent(
        lambda: api_client.post(reverse("auth-password-reset"), {"email": root.email}),
        step,
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 202
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/konto/passwort/([^/\s]+)/([^/\s]+)/", message.body)
    assert link, message.body
    uid, token = link.group(1), link.group(2)
    # Then neither the database (queued or sent) nor the coordinator's pages hold the link
    _assert_nowhere(
        [token, link.group(0), f"{settings.SITE_URL}/konto/passwort/{uid}/"],
        while_queued,
        once_sent,
        admin_pages_text(root.email),
    )
    # And the delivered link sets a new password once
    confirm = reverse("auth-password-reset-confirm")
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    assert api_client.post(confirm, body).status_code == 200
    root.refresh_from_db()
    assert root.check_password(NEW_PASSWORD)
    again = api_client.post(confirm, {**body, "new_password": "Noch-ein-Passwort-77"})
    assert again.status_code == 400
    assert again.json()["code"] == "token_invalid"


def test_verification_link_rests_nowhere_and_verifies(
    api_client, step, django_capture_on_commit_callbacks
):
    response, while_queued, once_sent = _queued_then_sent(
        lambda: api_client.post(
            reverse("auth-register"),
            {
                "email": "neu@example.org",
                "password": NEW_PASSWORD,
                "full_name": "Neu",
                "privacy_notice_accepted": True,
            },
        ),
        step,
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 202
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/konto/bestaetigen/([^/\s]+)/", message.body)
    assert link, message.body
    _assert_nowhere(
        [link.group(1), link.group(0)], while_queued, once_sent, admin_pages_text("neu@example.org")
    )
    verified = api_client.post(reverse("auth-verify-email"), {"token": link.group(1)})
    assert verified.status_code == 200
    assert api_client.post(
        reverse("auth-token"), {"email": "neu@example.org", "password": NEW_PASSWORD}
    ).json()["token"]


def test_invitation_link_rests_nowhere_and_works_once(
    client_for, step, django_capture_on_commit_callbacks
):
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)

    response, while_queued, once_sent = _queued_then_sent(
        lambda: client_for(admin).post(
            f"/api/v1/organisations/{organisation.pk}/invitations/",
            {"email": "gast@example.org", "role": "admin"},
            format="json",
        ),
        step,
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 201, response.content
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/einladung/([^/\s]+)/", message.body)
    assert link, message.body
    token = link.group(1)
    _assert_nowhere(
        [token, link.group(0)], while_queued, once_sent, admin_pages_text("gast@example.org")
    )
    # What the database keeps is the token's hash, to find the invitation by
    assert Invitation.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest()
    # And the link makes the invited person a member once
    invitee = client_for(UserFactory(email="gast@example.org"))
    accepted = invitee.post(f"/api/v1/invitations/{token}/accept/", {}, format="json")
    assert accepted.status_code == 201, accepted.content
    assert Membership.objects.get(user__email="gast@example.org").role == Role.ADMIN
    again = invitee.post(f"/api/v1/invitations/{token}/accept/", {}, format="json")
    assert again.status_code == 409


def test_unsubscribe_link_rests_nowhere(test_kinds, django_capture_on_commit_callbacks):
    organisation = SocialOrganisationFactory()
    member = member_of(organisation)

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="test_optional",
            recipients=[member],
            organisation=organisation,
            context={"provider_name": "A", "requester_name": "B", "title": "C"},
            event_key="event:1",
        )

    (message,) = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    _assert_nowhere([token, link], database_text(), admin_pages_text(member.email))


def test_a_queued_reset_whose_account_was_deactivated_is_not_sent(
    api_client, step, django_capture_on_commit_callbacks
):
    # The link is made at sending time from the person's state: a deactivated account gets none
    person = UserFactory(email="weg@example.org")
    with django_capture_on_commit_callbacks(execute=False) as after_request:
        api_client.post(reverse("auth-password-reset"), {"email": person.email})
    send = step(after_request)
    person.is_active = False
    person.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        for callback in send:
            callback()

    assert mail.outbox == []
    failed = Notification.objects.get()
    assert failed.status == "failed"
    assert "deactivated" in failed.last_error


def test_the_outbox_admin_shows_no_content(test_kinds, django_capture_on_commit_callbacks):
    # Whatever a sender puts in the context stays out of the coordinator's pages
    person = UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="test_required",
            recipients=[person],
            context={"title": "vertraulicher-inhalt-4711"},
            event_key="geheimer-schluessel-0815",
        )

    page = admin_pages_text(person.email)

    assert "ada@example.org" in page
    assert "vertraulicher-inhalt-4711" not in page
    assert "geheimer-schluessel-0815" not in page
    # Nor can the coordinator search by them
    client = Client()
    client.force_login(CoordinatorFactory())
    found = client.get(OUTBOX, {"q": "geheimer-schluessel-0815"}).content.decode()
    assert "ada@example.org" not in found


def test_a_valid_invitation_link_in_a_refused_request_is_not_logged(
    client_for, caplog, django_capture_on_commit_callbacks
):
    # A 4xx answer is logged with its path; the token in it is still valid and must not be
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(
            f"/api/v1/organisations/{organisation.pk}/invitations/",
            {"email": "gast@example.org"},
            format="json",
        )
    token = re.search(r"/einladung/([^/\s]+)/", mail.outbox[0].body).group(1)
    stranger = Client()
    stranger.force_login(UserFactory(email="fremd@example.org"))

    with caplog.at_level(logging.WARNING, logger="django.request"):
        refused = stranger.post(f"/einladung/{token}/")

    assert refused.status_code == 403
    assert "/einladung/[redacted]/" in caplog.text
    assert token not in caplog.text

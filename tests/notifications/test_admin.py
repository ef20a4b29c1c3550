"""The coordinators' outbox in the Django admin: failures with their reason, re-sending."""

import pytest
from django.core import mail

from notifications.models import Notification, NotificationStatus
from tests.factories import CoordinatorFactory, UserFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    return client


def test_the_coordinator_sees_failures_with_their_error(coordinator_client):
    failed = NotificationFactory(
        kind="mail_test",
        email="kaputt@example.org",
        status=NotificationStatus.FAILED,
        last_error="550 5.1.1 Mailbox unavailable",
    )
    NotificationFactory(kind="mail_test", email="gut@example.org", status=NotificationStatus.SENT)

    response = coordinator_client.get(CHANGELIST, {"status__exact": "failed"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "kaputt@example.org" in page
    assert "550 5.1.1 Mailbox unavailable" in page
    assert "gut@example.org" not in page
    detail = coordinator_client.get(f"{CHANGELIST}{failed.pk}/change/")
    assert detail.status_code == 200
    assert "550 5.1.1 Mailbox unavailable" in detail.content.decode()
    assert failed.message_id.strip("<>") in detail.content.decode()


def test_the_coordinator_filters_by_kind_and_searches_by_address(coordinator_client):
    NotificationFactory(kind="mail_test", email="ada@example.org")
    NotificationFactory(kind="organisation_approved", email="grace@example.org")

    by_kind = coordinator_client.get(CHANGELIST, {"kind": "organisation_approved"})
    by_address = coordinator_client.get(CHANGELIST, {"q": "ada@"})

    assert "grace@example.org" in by_kind.content.decode()
    assert "ada@example.org" not in by_kind.content.decode()
    assert "ada@example.org" in by_address.content.decode()
    assert "grace@example.org" not in by_address.content.decode()


def test_requeueing_sends_failed_notifications_again(
    coordinator_client, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(
        kind="mail_test", status=NotificationStatus.FAILED, attempts=8, last_error="451 busy"
    )
    sent = NotificationFactory(kind="mail_test", status=NotificationStatus.SENT, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            CHANGELIST,
            {"action": "requeue", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "1 Benachrichtigung wird erneut gesendet." in response.content.decode()
    assert [m.to for m in mail.outbox] == [[failed.email]]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.SENT, 1)
    assert Notification.objects.get(pk=sent.pk).attempts == 1


def test_people_who_are_not_coordinators_do_not_see_the_outbox(client):
    NotificationFactory(kind="mail_test", email="secret@example.org")
    client.force_login(UserFactory(is_staff=True))

    response = client.get(CHANGELIST)

    assert response.status_code == 403
    assert "secret@example.org" not in response.content.decode()


def test_nobody_adds_or_edits_rows_by_hand(coordinator_client):
    row = NotificationFactory(kind="mail_test")

    assert coordinator_client.get(f"{CHANGELIST}add/").status_code == 403
    response = coordinator_client.post(f"{CHANGELIST}{row.pk}/change/", {"email": "x@example.org"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.email != "x@example.org"

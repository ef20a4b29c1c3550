"""notify(): rows in the caller's transaction, e-mail only after commit, each person once."""

import pytest
from django.core import mail
from django.db import transaction

from marketplace.models import Role
from notifications.models import Notification, NotificationStatus
from notifications.selectors import recipient_addresses_for
from notifications.services import (
    Attachment,
    Recipient,
    notify,
    notify_organisation,
)
from notifications.tasks import notifications_sweep
from tests.factories import CompanyFactory, SocialOrganisationFactory, UserFactory, member_of

from .factories import OptOutFactory

pytestmark = pytest.mark.django_db


def _context(**extra):
    return {"provider_name": "Kiezfirma", "requester_name": "Verein", "title": "Tische", **extra}


def test_row_is_written_in_the_transaction_and_sent_after_commit(
    test_kinds, django_capture_on_commit_callbacks
):
    person = UserFactory(full_name="Ada Kiez")
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify(
            kind="test_required", recipients=[person], context=_context(), event_key="e:1"
        )
        # Before commit: the row exists, nothing has been sent.
        assert Notification.objects.get().status == NotificationStatus.QUEUED
        assert mail.outbox == []

    assert [m.to for m in mail.outbox] == [[person.email]]
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.attempts == 1
    assert row.sent_at is not None


def test_a_rolled_back_transaction_writes_and_sends_nothing(
    test_kinds, django_capture_on_commit_callbacks
):
    person = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(kind="test_required", recipients=[person], context=_context(), event_key="e:1")
        raise RuntimeError("the change failed")

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_one_event_notifies_each_address_once(test_kinds, django_capture_on_commit_callbacks):
    person = UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            kind="test_required",
            recipients=[person, Recipient(email="ADA@example.org")],
            context=_context(),
            event_key="booking:7:confirmed",
        )
        again = notify(
            kind="test_required",
            recipients=[person],
            context=_context(),
            event_key="booking:7:confirmed",
        )

    assert len(first) == 1
    assert again == []
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_event_told_to_some_already_reaches_only_the_others(
    test_kinds, django_capture_on_commit_callbacks
):
    # Given Ada was told of the event before (the bulk insert meets her row)
    ada, ben = UserFactory(email="ada@example.org"), UserFactory(email="ben@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="test_required", recipients=[ada], context=_context(), event_key="e:9")
        # When the same event names Ada and Ben, in one transaction with other work
        with transaction.atomic():
            later = notify(
                kind="test_required", recipients=[ada, ben], context=_context(), event_key="e:9"
            )
            SocialOrganisationFactory(name="Danach noch geschrieben")

    # Then only Ben gets a new e-mail, and the caller's transaction went on
    assert [row.email for row in later] == ["ben@example.org"]
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "ben@example.org"]
    assert Notification.objects.filter(event_key="e:9").count() == 2


def test_notify_organisation_tells_admins_and_members_who_did_not_switch_off(
    test_kinds, django_capture_on_commit_callbacks
):
    organisation = SocialOrganisationFactory(name="Kiezladen e.V.")
    admin = member_of(organisation, Role.ADMIN)
    listening = member_of(organisation)
    silent = member_of(organisation)
    member_of(organisation, is_active=False)
    OptOutFactory(user=admin, kind="test_optional")
    OptOutFactory(user=silent, kind="test_optional")

    with django_capture_on_commit_callbacks(execute=True):
        rows = notify_organisation(
            kind="test_optional",
            organisation=organisation,
            context=_context(),
            event_key="e:org",
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin.email, listening.email])
    assert {row.recipient_id for row in rows} == {admin.pk, listening.pk}
    assert {row.organisation_id for row in rows} == {organisation.pk}


def test_notify_organisation_tells_each_member_once_per_event_in_their_language(
    test_kinds, django_capture_on_commit_callbacks
):
    organisation = SocialOrganisationFactory(name="Kiezladen e.V.")
    admin = member_of(organisation, Role.ADMIN, email="Ada.Admin@Example.org", language="en")
    member = member_of(organisation)

    with django_capture_on_commit_callbacks(execute=True):
        first = notify_organisation(
            kind="test_required", organisation=organisation, context=_context(), event_key="e:o"
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = notify_organisation(
            kind="test_required", organisation=organisation.pk, context=_context(), event_key="e:o"
        )

    # The addresses in lower case, each person's language, and nobody twice for one event
    assert {(row.email, row.language) for row in first} == {
        ("ada.admin@example.org", "en"),
        (member.email, "de"),
    }
    assert again == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["ada.admin@example.org", member.email])
    assert {row.recipient_id for row in Notification.objects.all()} == {admin.pk, member.pk}


def test_an_unknown_kind_is_refused_before_anything_is_written():
    person = UserFactory()
    with pytest.raises(ValueError, match="bokking_confirmed"):
        notify(kind="bokking_confirmed", recipients=[person], context={}, event_key="e:1")
    assert not Notification.objects.exists()


def test_attachments_on_a_kind_that_declares_none_are_refused(test_kinds):
    with pytest.raises(ValueError, match="attachments"):
        notify(
            kind="test_required",
            recipients=[UserFactory()],
            context=_context(),
            event_key="e:1",
            attachments=[Attachment("a.pdf", "application/pdf", b"%PDF")],
        )
    assert not Notification.objects.exists()


def test_attachments_travel_with_the_email(test_kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="test_receipt",
            recipients=[UserFactory()],
            context=_context(),
            event_key="receipt:1",
            attachments=[Attachment("quittung.pdf", "application/pdf", b"%PDF-1.7 receipt")],
        )

    [message] = mail.outbox
    assert message.attachments[0].filename == "quittung.pdf"
    assert message.attachments[0].content == b"%PDF-1.7 receipt"


def test_members_who_switched_a_kind_off_are_skipped_but_admins_are_not(
    test_kinds, django_capture_on_commit_callbacks
):
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    listening = member_of(organisation)
    silent = member_of(organisation)
    OptOutFactory(user=admin, kind="test_optional")
    OptOutFactory(user=silent, kind="test_optional")

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="test_optional",
            recipients=[admin, listening, silent],
            organisation=organisation,
            context=_context(),
            event_key="e:1",
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin.email, listening.email])


def test_recipient_addresses_give_admins_and_members_who_did_not_opt_out(test_kinds):
    organisation = CompanyFactory()
    admin = member_of(organisation, Role.ADMIN)
    listening = member_of(organisation)
    silent = member_of(organisation)
    member_of(organisation, is_active=False)
    member_of(CompanyFactory())  # another organisation
    OptOutFactory(user=admin, kind="test_optional")
    OptOutFactory(user=silent, kind="test_optional")
    OptOutFactory(user=listening, kind="something_else")

    assert recipient_addresses_for(organisation, "test_optional") == [
        (person.pk, person.email, person.language) for person in (admin, listening)
    ]
    # Nobody can switch a required kind off.
    assert recipient_addresses_for(organisation, "test_required") == [
        (person.pk, person.email, person.language) for person in (admin, listening, silent)
    ]


def test_recipient_addresses_refuse_an_unknown_kind():
    with pytest.raises(ValueError):
        recipient_addresses_for(CompanyFactory(), "no_such_kind")


def test_an_unreachable_broker_does_not_fail_the_change_and_the_sweep_sends_later(
    test_kinds, django_capture_on_commit_callbacks, settings
):
    # Given Redis is down when the change commits
    from tests.support.celery_worker import real_broker
    from tests.support.redis_server import unused_tcp_port

    person = UserFactory()
    with (
        real_broker(f"redis://127.0.0.1:{unused_tcp_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [row] = notify(
            kind="test_required", recipients=[person], context=_context(), event_key="e:1"
        )

    # Then the change went through and the notification waits in the database
    row.refresh_from_db()
    assert row.status == NotificationStatus.QUEUED
    assert mail.outbox == []

    # When the sweep runs after the row has waited too long (Redis is back: tasks run here)
    settings.NOTIFICATIONS_STUCK_AFTER_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep() == 1

    # Then it is sent
    assert [m.to for m in mail.outbox] == [[person.email]]

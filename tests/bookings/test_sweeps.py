"""The beat tasks: unanswered requests expire, loans not back become overdue, referrals lose
the candidate's data some months after they ended, old idempotency keys are forgotten.

Given bookings whose time has come, when the task runs, then their state, the capacity, the
e-mails and the stored data are what the people involved expect; bookings whose time has not
come are left alone.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bookings import services, tasks
from bookings.models import Booking, BookingEvent, BookingKind, BookingMessage
from listings.models import VolunteerSlot
from marketplace.idempotency import idempotency_keys_purge
from marketplace.models import IdempotencyKey

from .support import booking_in_state, in_days, job_of, refer, request_volunteers, slot_of

pytestmark = pytest.mark.django_db


def _emails() -> set[str]:
    return {message.to[0] for message in mail.outbox}


def test_a_request_expires_after_the_configured_days(
    world, settings, django_capture_on_commit_callbacks
):
    settings.BOOKINGS_REQUEST_EXPIRY_DAYS = 2
    slot = slot_of(world, places=4)  # a week ahead
    booking = request_volunteers(world, slot, volunteers=3)
    answered = request_volunteers(world, slot, volunteers=1)
    services.booking_confirm(booking=answered, by=world.company_member)
    assert abs(booking.expires_at - (timezone.now() + dt.timedelta(days=2))) < dt.timedelta(
        minutes=1
    )
    mail.outbox.clear()

    not_yet = services.booking_expire_unanswered(now=timezone.now() + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        expired = services.booking_expire_unanswered(now=timezone.now() + dt.timedelta(days=3))

    assert (not_yet, expired) == (0, 1)
    booking.refresh_from_db()
    assert booking.state == "expired"
    assert booking.ended_at is not None
    assert VolunteerSlot.objects.get(pk=slot.pk).volunteers_held == 1
    event = BookingEvent.objects.filter(booking=booking).last()
    assert (event.action, event.by) == ("expire", None)
    assert _emails() == {
        world.social_admin.email,
        world.social_member.email,
        world.company_admin.email,
        world.company_member.email,
    }
    assert "Abgelaufen" in mail.outbox[0].subject
    answered.refresh_from_db()
    assert answered.state == "confirmed"


def test_a_request_expires_at_its_date_when_that_comes_first(world):
    slot = slot_of(world)
    VolunteerSlot.objects.filter(pk=slot.pk).update(start=timezone.now() + dt.timedelta(days=1))
    slot.refresh_from_db()

    booking = request_volunteers(world, slot)

    assert booking.expires_at == slot.start


def test_the_expiry_task_runs_the_sweep(world):
    booking = request_volunteers(world, slot_of(world))
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now())

    assert tasks.expire_unanswered.delay().get() == 1
    booking.refresh_from_db()
    assert booking.state == "expired"


def test_a_loan_not_back_by_its_end_becomes_overdue_and_can_still_be_returned(
    world, django_capture_on_commit_callbacks
):
    loan = booking_in_state(world, BookingKind.EQUIPMENT, "handed_over")
    confirmed = booking_in_state(world, BookingKind.EQUIPMENT, "confirmed")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        marked = services.loan_mark_overdue(today=loan.return_on + dt.timedelta(days=1))

    assert marked == 1
    assert "Überfällig" in mail.outbox[0].subject
    assert _emails() == {
        world.social_admin.email,
        world.social_member.email,
        world.company_admin.email,
        world.company_member.email,
    }
    loan.refresh_from_db()
    assert loan.state == "overdue"
    returned = services.booking_return(booking=loan, by=world.company_member, note="spät, ok")
    assert returned.state == "returned"
    confirmed.refresh_from_db()
    assert confirmed.state == "confirmed"  # never handed over: nothing to be overdue
    assert services.loan_mark_overdue(today=loan.return_on + dt.timedelta(days=1)) == 0


def test_a_loan_is_not_overdue_before_its_end(world):
    loan = booking_in_state(world, BookingKind.EQUIPMENT, "handed_over")

    assert services.loan_mark_overdue(today=loan.return_on) == 0
    assert tasks.mark_overdue_loans.delay().get() == 0
    loan.refresh_from_db()
    assert loan.state == "handed_over"


def test_referrals_lose_the_candidates_data_months_after_they_ended(world, settings, client_for):
    settings.BOOKINGS_REFERRAL_RETENTION_MONTHS = 6
    job = job_of(world)
    old = refer(world, job)
    services.referral_reject(booking=old, by=world.company_member, message="Jonas passt nicht")
    services.booking_post_message(booking=old, by=world.social_member, body="Jonas ist traurig")
    recent = refer(world, job, candidate_name="Mia Muster")
    services.referral_withdraw(booking=recent, by=world.social_member)
    open_referral = refer(world, job, candidate_name="Ali Offen")
    Booking.objects.filter(pk=old.pk).update(ended_at=timezone.now() - dt.timedelta(days=200))
    Booking.objects.filter(pk=recent.pk).update(ended_at=timezone.now() - dt.timedelta(days=150))

    assert tasks.anonymise_referrals.delay().get() == 1

    old.refresh_from_db()
    assert (old.candidate_name, old.candidate_contact, old.candidate_note) == ("—", "—", "")
    assert old.anonymised_at is not None
    assert old.state == "rejected"
    assert set(BookingMessage.objects.filter(booking=old).values_list("body", flat=True)) == {"—"}
    assert "Jonas" not in "".join(
        BookingEvent.objects.filter(booking=old).values_list("message", flat=True)
    )
    shown = client_for(world.company_member).get(f"/api/v1/bookings/{old.pk}/").json()["job"]
    assert shown["anonymised"] is True and shown["candidate_name"] == "—"
    assert Booking.objects.get(pk=recent.pk).candidate_name == "Mia Muster"
    assert Booking.objects.get(pk=open_referral.pk).candidate_name == "Ali Offen"
    assert services.referral_anonymise_expired() == 0


def test_old_idempotency_keys_are_forgotten(world):
    IdempotencyKey.objects.create(user=world.social_member, key="alt", request_hash="x")
    IdempotencyKey.objects.create(user=world.social_member, key="neu", request_hash="y")
    IdempotencyKey.objects.filter(key="alt").update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )

    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["neu"]
    assert in_days(0) == timezone.localdate()

"""The periodic sweeps: expiry of unanswered requests, anonymising referrals, reminders."""

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.anonymisation import ANONYMISED, Subject, anonymise

from .. import notices
from ..models import Booking, BookingEvent, BookingKind, BookingMessage, BookingState
from .common import _each, _start_of_day
from .transitions import booking_expire

# --- periodic sweeps --------------------------------------------------------------------------


def booking_expire_unanswered(*, now: dt.datetime | None = None) -> int:
    """Expire every request left unanswered past its expiry; returns how many.

    Precondition: no open transaction (each booking gets its own).
    """
    now = now or timezone.now()
    due = Booking.objects.filter(state=BookingState.REQUESTED, expires_at__lte=now).order_by(
        "expires_at", "id"
    )
    return _each(due, partial(booking_expire, now=now))


def _months_before(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def reference(booking_id: int) -> str:
    """How anonymisation names a booking's records (outbox event keys begin with it)."""
    return f"booking:{booking_id}"


def referral_anonymise_expired(*, now: dt.datetime | None = None) -> int:
    """Remove the candidate's data from referrals that ended more than
    BOOKINGS_REFERRAL_RETENTION_MONTHS ago, from every copy: the referral's name, contact,
    note, and the texts of its thread and events (they may mention the candidate; this app's
    eraser, booking_erase), and whatever other apps registered with
    marketplace.anonymisation (the outbox and its e-mails, stored API answers, ...). The
    referral itself stays for the statistics. Returns how many referrals were anonymised.
    """
    now = now or timezone.now()
    months = getattr(settings, "BOOKINGS_REFERRAL_RETENTION_MONTHS", 6)
    cutoff = _months_before(now, months)
    done = 0
    with transaction.atomic():
        due = (
            Booking.objects.select_for_update(skip_locked=True)
            .filter(kind=BookingKind.JOB, anonymised_at__isnull=True, ended_at__lte=cutoff)
            .filter(
                Q(state=BookingState.HIRED)
                | Q(state=BookingState.REJECTED)
                | Q(state=BookingState.WITHDRAWN)
            )
            .values_list("pk", "candidate_name", "candidate_contact")
        )
        for pk, name, contact in due:
            anonymise(texts=[name, contact], references=[reference(pk)])
            Booking.objects.filter(pk=pk).update(anonymised_at=now)
            done += 1
    return done


def booking_erase(subject: Subject) -> int:
    """Bookings' copies for marketplace.anonymisation: a referenced referral loses the
    candidate's name, contact and note and its request message; its thread and the messages of
    its events are replaced entirely (any of them may speak of the candidate)."""
    ids = [
        int(ref.split(":", 1)[1])
        for ref in subject.references
        if ref.startswith("booking:") and ref.split(":", 1)[1].isdigit()
    ]
    if not ids:
        return 0
    changed = Booking.objects.filter(pk__in=ids, kind=BookingKind.JOB).update(
        candidate_name=ANONYMISED, candidate_contact=ANONYMISED, candidate_note="", message=""
    )
    changed += BookingMessage.objects.filter(booking_id__in=ids).update(body=ANONYMISED)
    changed += (
        BookingEvent.objects.filter(booking_id__in=ids)
        .exclude(message="")
        .update(message=ANONYMISED)
    )
    return changed


# --- reminders --------------------------------------------------------------------------------


def booking_remind_upcoming(*, today: dt.date | None = None) -> int:
    """Remind both sides the day before (as of `today`, Berlin) a confirmed volunteer action or
    a confirmed loan's pick-up, and the borrower the day before a handed-over loan is due
    back. Returns how many bookings were reminded by this run (0 when all had been already).

    Idempotent: the event keys carry the day, so running twice on a day reminds nobody twice.
    Precondition: no open transaction.
    """
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    begins_tomorrow = Booking.objects.filter(
        kind__in=[BookingKind.VOLUNTEER, BookingKind.EQUIPMENT],
        state=BookingState.CONFIRMED,
        starts_at__gte=_start_of_day(tomorrow),
        starts_at__lt=_start_of_day(tomorrow + dt.timedelta(days=1)),
    )
    due_back_tomorrow = Booking.objects.filter(
        kind=BookingKind.EQUIPMENT, state=BookingState.HANDED_OVER, return_on=tomorrow
    )
    reminded = 0
    related = ("listing", "requester", "provider", "slot")
    with transaction.atomic():
        for booking in begins_tomorrow.select_related(*related).order_by("starts_at", "id"):
            reminded += notices.remind_tomorrow(booking, today=today)
        for booking in due_back_tomorrow.select_related(*related).order_by("id"):
            reminded += notices.remind_due_back(booking, today=today)
    return reminded

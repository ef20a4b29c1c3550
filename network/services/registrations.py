"""Registrations for an event or one of its stations: seats, the waiting list, promotion,
cancellation, attendance, and the periodic reminder and note clean-up.

Lock → check → write: every change of an event's seats or registrations is made under the
event's row lock (and for a station also the station's, always after the event's), so two
people for the last seat are served one after the other and the waiting list is served in
(`created_at`, `id`) order, each freed seat once. The CheckConstraints on `seats_taken` are the
last line of defence. A lock not had within LOCK_TIMEOUT_MS is Busy (409 with Retry-After).

Fairness: while someone waits, a newcomer joins the waiting list even if the freed seats would
fit them; promotion takes the list strictly in order and stops at the first person whose seats
(they and their companions) do not fit, so nobody is skipped.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.locking import locking_transaction
from marketplace.models import Organisation, OrganisationStatus, User

from .. import notices
from ..models import (
    MAX_COMPANIONS,
    Event,
    EventState,
    OrganisationAttendance,
    Registration,
    RegistrationState,
    Station,
)
from ..selectors import approved_organisation_of, can_host, events_visible_to
from .common import busy_message, lock_event, lock_station

NOTE_LIMIT = 500


def _companions(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COMPANIONS:
        raise InvalidInput(
            _("Bitte eine Zahl von 0 bis %(max)d angeben.") % {"max": MAX_COMPANIONS},
            field="companions",
        )
    return value


def _note(value) -> str:
    if not isinstance(value, str):
        raise InvalidInput(_("Bitte einen Text angeben."), field="note")
    value = value.strip()
    if "\x00" in value or len(value) > NOTE_LIMIT:
        raise InvalidInput(
            _("Bitte höchstens %(max)d Zeichen.") % {"max": NOTE_LIMIT}, field="note"
        )
    return value


def _open_for_registration(event: Event, now: dt.datetime) -> None:
    if event.state != EventState.PUBLISHED:
        raise Conflict(_("Für diese Veranstaltung kann man sich nicht (mehr) anmelden."))
    if event.starts_at <= now:
        raise Conflict(_("Die Veranstaltung hat schon begonnen."))
    if event.registration_deadline is not None and event.registration_deadline < now:
        raise Conflict(_("Der Anmeldeschluss ist vorbei."))


def registration_create(
    *,
    event: Event,
    by: User,
    organisation_id: int,
    companions: int = 0,
    note: str = "",
    station_id: int | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register `by` for the event (or one of its stations) on behalf of one of their approved
    organisations, with companions of the same organisation. A seat if enough are free and
    nobody waits, else a place on the waiting list. The person is told either way.

    Precondition: no lock held (a transaction may be open, e.g. the Idempotency-Key's).
    Raises NotFound (not visible), NotAllowed (not their organisation), InvalidInput,
    Conflict (not open, already registered, more seats than the event has), Busy.
    """
    now = now or timezone.now()
    companions = _companions(companions)
    note = _note(note)
    if not by.is_authenticated:
        raise NotAllowed(_("Bitte melden Sie sich an."))
    organisation = approved_organisation_of(by, organisation_id)
    if organisation is None:
        raise NotAllowed(
            _(
                "Sie können sich nur für eine freigegebene Organisation anmelden, "
                "der Sie angehören."
            ),
        )
    if not events_visible_to(by).filter(pk=event.pk).exists():
        raise NotFound(_("Diese Veranstaltung gibt es nicht."))
    with locking_transaction(busy_message()):
        event = lock_event(event.pk)
        station = lock_station(event, station_id) if station_id is not None else None
        _open_for_registration(event, now)
        holder = station or event
        if Registration.objects.filter(
            event=event,
            station=station,
            person=by,
            state__in=[RegistrationState.REGISTERED, RegistrationState.WAITING],
        ).exists():
            raise Conflict(_("Sie sind schon angemeldet (oder auf der Warteliste)."))
        seats = 1 + companions
        if holder.capacity is not None and seats > holder.capacity:
            raise Conflict(
                _("So viele Plätze hat die Veranstaltung nicht (%(capacity)d).")
                % {"capacity": holder.capacity}
            )
        someone_waits = Registration.objects.filter(
            event=event, station=station, state=RegistrationState.WAITING
        ).exists()
        fits = holder.capacity is None or (
            not someone_waits and holder.seats_taken + seats <= holder.capacity
        )
        registration = Registration.objects.create(
            event=event,
            station=station,
            person=by,
            organisation=organisation,
            companions=companions,
            note=note,
            state=RegistrationState.REGISTERED if fits else RegistrationState.WAITING,
            created_at=timezone.now(),  # under the lock: the waiting list's order
        )
        if fits:
            type(holder).objects.filter(pk=holder.pk).update(seats_taken=F("seats_taken") + seats)
            notices.registration_confirmed(registration)
        else:
            notices.registration_waiting(registration)
    return registration


def promote_waiting(event: Event, station: Station | None) -> list[Registration]:
    """Give free seats to the waiting list in order, stopping at the first person who does not
    fit. Precondition: the caller holds the event's lock (and the station's) in its
    transaction; `event`/`station` are the rows read under it."""
    holder = station or event
    holder.refresh_from_db(fields=["seats_taken", "capacity"])
    waiting = Registration.objects.filter(
        event=event, station=station, state=RegistrationState.WAITING
    ).select_related("person", "organisation", "event", "station")
    promoted = []
    free = None if holder.capacity is None else holder.capacity - holder.seats_taken
    now = timezone.now()
    for registration in waiting.order_by("created_at", "id"):
        if free is not None and registration.seats > free:
            break
        registration.state = RegistrationState.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["state", "promoted_at"])
        if free is not None:
            free -= registration.seats
        promoted.append(registration)
    if promoted:
        type(holder).objects.filter(pk=holder.pk).update(
            seats_taken=F("seats_taken") + sum(r.seats for r in promoted)
        )
        for registration in promoted:
            notices.registration_promoted(registration)
    return promoted


def may_cancel(user: User, registration: Registration) -> bool:
    return user.is_authenticated and (
        registration.person_id == user.pk or can_host(user, registration.event)
    )


def registration_cancel(
    *, registration: Registration, by: User, now: dt.datetime | None = None
) -> Registration:
    """Cancel a registration (or leave the waiting list) until the event starts; a freed seat
    goes to the next on the waiting list at once. The person, or a host.

    Precondition: no lock held. Raises NotAllowed, Conflict (already cancelled, the event has
    begun, or is no longer open), Busy.
    """
    now = now or timezone.now()
    if not may_cancel(by, registration):
        raise NotAllowed(_("Nur die angemeldete Person oder die Gastgeber können abmelden."))
    with locking_transaction(busy_message()):
        event = lock_event(registration.event_id)
        station = lock_station(event, registration.station_id) if registration.station_id else None
        registration = (
            Registration.objects.select_related("person", "organisation", "station")
            .filter(pk=registration.pk)
            .first()
        )
        registration.event = event
        if registration.state == RegistrationState.CANCELLED:
            raise Conflict(_("Diese Anmeldung ist schon storniert."))
        if event.state != EventState.PUBLISHED:
            raise Conflict(_("Die Veranstaltung ist nicht mehr offen."))
        if event.starts_at <= now:
            raise Conflict(_("Die Veranstaltung hat schon begonnen; abmelden geht nicht mehr."))
        held_seat = registration.state == RegistrationState.REGISTERED
        registration.state = RegistrationState.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["state", "cancelled_at"])
        notices.registration_cancelled(registration, held_seat=held_seat)
        if held_seat:
            holder = station or event
            type(holder).objects.filter(pk=holder.pk).update(
                seats_taken=F("seats_taken") - registration.seats
            )
        # Also when someone leaves the waiting list: the person at its head may have needed
        # more seats than were free, and the next one may fit now.
        promote_waiting(event, station)
    return registration


def registration_cancel_by_link(*, registration_id: int, now=None) -> Registration:
    """The one-click cancel link of an e-mail: the signed id stands for the person."""
    registration = (
        Registration.objects.select_related("person", "event").filter(pk=registration_id).first()
    )
    if registration is None:
        raise NotFound(_("Diese Anmeldung gibt es nicht."))
    return registration_cancel(registration=registration, by=registration.person, now=now)


# --- attendance --------------------------------------------------------------------------------


def _may_take_attendance(event: Event, by: User, now: dt.datetime) -> None:
    if not can_host(by, event):
        raise NotAllowed(_("Nur die Gastgeber erfassen, wer da war."))
    if event.state not in (EventState.PUBLISHED, EventState.HELD) or event.starts_at > now:
        raise Conflict(_("Wer da war, lässt sich erst ab Beginn der Veranstaltung erfassen."))


def registration_attendance_set(
    *, event: Event, by: User, attended: dict[int, bool | None], now=None
) -> int:
    """Mark who came (True), who did not (False) or unknown (None), by registration id; only
    registrations with a seat. Raises NotAllowed, Conflict, InvalidInput. Returns how many."""
    now = now or timezone.now()
    _may_take_attendance(event, by, now)
    ids = set(attended)
    with transaction.atomic():
        known = set(
            Registration.objects.filter(
                event=event, pk__in=ids, state=RegistrationState.REGISTERED
            ).values_list("pk", flat=True)
        )
        unknown = sorted(ids - known)
        if unknown:
            raise InvalidInput(
                _("Diese Anmeldungen gibt es bei der Veranstaltung nicht: %(ids)s")
                % {"ids": ", ".join(str(pk) for pk in unknown)},
                field="attendance",
            )
        for value in (True, False, None):
            chosen = [pk for pk, mark in attended.items() if mark is value]
            if chosen:
                Registration.objects.filter(pk__in=chosen).update(attended=value)
    return len(ids)


def event_attendance_counts_set(
    *, event: Event, by: User, counts: dict[int, int], now=None
) -> list[OrganisationAttendance]:
    """Record how many people of each organisation came (replaces earlier counts; a count of
    0 removes the organisation). Raises NotAllowed, Conflict, InvalidInput."""
    now = now or timezone.now()
    _may_take_attendance(event, by, now)
    found = set(
        Organisation.objects.filter(
            pk__in=list(counts), status=OrganisationStatus.APPROVED
        ).values_list("pk", flat=True)
    )
    missing = sorted(set(counts) - found)
    if missing:
        raise InvalidInput(
            _("Diese Organisationen gibt es nicht: %(ids)s")
            % {"ids": ", ".join(str(pk) for pk in missing)},
            field="counts",
        )
    with transaction.atomic():
        OrganisationAttendance.objects.filter(event=event).delete()
        rows = OrganisationAttendance.objects.bulk_create(
            OrganisationAttendance(event=event, organisation_id=pk, count=count)
            for pk, count in sorted(counts.items())
            if count > 0
        )
    return rows


# --- periodic ----------------------------------------------------------------------------------


def registrations_remind_tomorrow(*, today: dt.date | None = None) -> int:
    """Remind everyone with a seat the day before (Berlin) a published event. Each
    registration once (`reminded_at`, and the event key). Precondition: no open transaction."""
    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=2), dt.time.min))
    due = (
        Registration.objects.filter(
            state=RegistrationState.REGISTERED,
            reminded_at__isnull=True,
            event__state=EventState.PUBLISHED,
            event__starts_at__gte=start,
            event__starts_at__lt=end,
        )
        .select_related("person", "organisation", "event", "station")
        .order_by("event__starts_at", "id")
    )
    with transaction.atomic():
        reminded = list(due)
        for registration in reminded:
            notices.reminder(registration)
        Registration.objects.filter(pk__in=[r.pk for r in reminded]).update(
            reminded_at=timezone.now()
        )
    return len(reminded)


def registration_notes_purge(*, now: dt.datetime | None = None) -> int:
    """The notes for the hosts (dietary needs and the like) go once the event is over."""
    now = now or timezone.now()
    return Registration.objects.filter(event__ends_at__lt=now).exclude(note="").update(note="")

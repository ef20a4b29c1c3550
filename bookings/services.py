"""Every write of bookings: requests, the transitions of bookings/states.py, messages and the
periodic sweeps (expiry, overdue loans, anonymising referrals).

Locks: an offer's capacity row first (through listings.capacity: the slot, the item or the job),
then the booking's row; each at most once per transaction, so two transactions never wait on
each other in opposite order. Every check that decides a write is repeated after the locks
(the state may have changed while we waited). A lock not had within listings.capacity's timeout
raises Busy (409 with Retry-After). Notifications are written in the same transaction
(notify() sends them after commit).

Who may: members of the requesting social organisation request, cancel, confirm hours and
withdraw; members of the providing company confirm, decline, hand over, take back, complete and
move referrals; the coordinator sees every booking but takes no action; the beat tasks expire
and mark overdue.
"""

import datetime as dt
import secrets
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from listings import capacity
from listings.models import JobOffer, Listing, ListingStatus
from marketplace.errors import Busy, Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.models import Membership, Organisation, OrganisationKind, User
from marketplace.text import clean_text

from . import notices
from .models import (
    Booking,
    BookingEvent,
    BookingKind,
    BookingMessage,
    BookingState,
    CalendarFeedToken,
)
from .states import (
    INITIAL_STATE,
    RELEASES_CAPACITY,
    Action,
    Side,
    is_final,
    too_early,
    transition,
)

TEXT_LIMIT = 2000
# How far ahead a loan may begin (also keeps date arithmetic far from year 9999).
MAX_AHEAD = dt.timedelta(days=730)
MESSAGE_LIMIT = 5000


# --- checks -----------------------------------------------------------------------------------


def _text(value: str, *, field: str, limit: int = TEXT_LIMIT, required: bool = False) -> str:
    return clean_text(value, field=field, limit=limit, required=required)


def _expiry_days() -> int:
    return getattr(settings, "BOOKINGS_REQUEST_EXPIRY_DAYS", 5)


def _check_requester(
    by: User, organisation: Organisation | int, listing: Listing
) -> tuple[Organisation, bool]:
    """The organisation `by` books for (given as a row or its id) if `by` may book for it, and
    whether `by` also belongs to the offer's organisation: one query for all of it."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    mine = {
        membership.organisation_id: membership.organisation
        for membership in Membership.objects.filter(
            user=by, organisation_id__in=[org_id, listing.organisation_id]
        ).select_related("organisation")
    }
    if org_id not in mine:
        raise NotAllowed(_("Sie können nur für eine Organisation buchen, der Sie angehören."))
    organisation = mine[org_id]
    if organisation.kind != OrganisationKind.SOCIAL:
        raise Conflict(_("Nur soziale Organisationen können Angebote buchen."))
    if not organisation.is_approved:
        raise Conflict(
            _("Ihre Organisation ist noch nicht freigegeben und kann noch nicht buchen.")
        )
    return organisation, listing.organisation_id in mine


def _check_offer(listing: Listing, organisation: Organisation) -> None:
    if listing.organisation_id == organisation.pk:
        raise Conflict(_("Das eigene Angebot kann man nicht buchen."), code="own_offer")
    if listing.status != ListingStatus.PUBLISHED or not listing.organisation.is_approved:
        raise Conflict(
            _("Dieses Angebot ist nicht veröffentlicht und kann nicht gebucht werden."),
            code="not_published",
        )


class _MayBook:
    """The checks of a request, run under the offer's lock (capacity's `check`), so the offer
    is read once: may `by` book it for `organisation`, and is it open? Keeps what it found."""

    def __init__(self, by: User, organisation: Organisation | int):
        self.by = by
        self.organisation = organisation
        self.also_provider = False
        self.listing: Listing | None = None

    def __call__(self, listing: Listing) -> None:
        self.listing = listing
        self.organisation, self.also_provider = _check_requester(
            self.by, self.organisation, listing
        )
        _check_offer(listing, self.organisation)


def _expiry(start: dt.datetime, now: dt.datetime) -> dt.datetime:
    # A request nobody answered before its date is of no use either.
    return min(now + dt.timedelta(days=_expiry_days()), max(start, now))


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _record(
    booking: Booking, *, action: str, from_state: str, by: User | None, message: str
) -> BookingEvent:
    return BookingEvent.objects.create(
        booking=booking,
        action=action,
        from_state=from_state,
        to_state=booking.state,
        by=by,
        message=message,
    )


def _created(booking: Booking, *, by: User, also_provider: bool) -> Booking:
    booking.save(force_insert=True)
    event = _record(booking, action="request", from_state="", by=by, message=booking.message)
    notices.requested(booking, by=by)
    # What selectors.bookings_for_display() adds (the sides the requesting person belongs to,
    # the events), so the new booking can be shown without reading it again.
    booking.as_requester, booking.as_provider = True, also_provider
    booking.new_events = [event]
    return booking


# --- requests ---------------------------------------------------------------------------------


# What each kind's request takes besides who asks and which offer (the keyword arguments of
# its service below); the API and the web form both call booking_request() with them.
REQUEST_DETAILS = {
    BookingKind.VOLUNTEER: (
        "volunteers",
        "task",
        "place",
        "contact_name",
        "contact_phone",
        "contact_email",
        "message",
    ),
    BookingKind.EQUIPMENT: ("units", "pickup_on", "return_on", "purpose", "message"),
    BookingKind.JOB: (
        "candidate_name",
        "candidate_contact",
        "note",
        "consent",
        "consent_date",
    ),
}


def booking_request(
    *, kind: str, by: User, organisation: Organisation | int, offer_id: int, details: dict
) -> Booking:
    """Request an offer of any kind: `offer_id` is the slot, the item or the job, `details`
    holds at least REQUEST_DETAILS[kind] (further keys are ignored). Preconditions and errors
    are those of the kind's service below."""
    picked = {name: details[name] for name in REQUEST_DETAILS[kind] if name in details}
    common = {"by": by, "organisation": organisation}
    if kind == BookingKind.VOLUNTEER:
        return booking_request_volunteers(**common, slot_id=offer_id, **picked)
    if kind == BookingKind.EQUIPMENT:
        return booking_request_equipment(**common, item_id=offer_id, **picked)
    return booking_refer_candidate(**common, job_id=offer_id, **picked)


def booking_request_volunteers(
    *,
    by: User,
    organisation: Organisation | int,
    slot_id: int,
    volunteers: int,
    task: str,
    place: str,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    message: str = "",
) -> Booking:
    """Ask a company for `volunteers` of its volunteers on one slot; the places are held at once.

    `organisation` is the one booking (a row or its id; `by` must belong to it). Caller holds
    no lock.
    Raises NotAllowed (not a member), InvalidInput (unknown slot, bad numbers or texts, fewer or
    more than the action allows per booking), Conflict (own offer, unpublished offer,
    unapproved or non-social organisation, slot over or full), Busy.
    """
    fields = {
        "task": _text(task, field="task", required=True),
        "place": _text(place, field="place", limit=300, required=True),
        "contact_name": _text(contact_name, field="contact_name", limit=150, required=True),
        "contact_phone": _text(contact_phone, field="contact_phone", limit=40),
        "contact_email": _text(contact_email, field="contact_email", limit=254),
        "message": _text(message, field="message", limit=MESSAGE_LIMIT),
    }
    may_book = _MayBook(by, organisation)
    now = timezone.now()
    with transaction.atomic():
        try:
            slot = capacity.slot_hold(
                slot_id=slot_id, volunteers=volunteers, check=lambda slot: may_book(slot.action)
            )
        except NotFound:
            raise InvalidInput(_("Diesen Termin gibt es nicht."), field="slot") from None
        booking = Booking(
            kind=BookingKind.VOLUNTEER,
            state=INITIAL_STATE[BookingKind.VOLUNTEER],
            listing=slot.action,
            requester=may_book.organisation,
            provider=slot.action.organisation,
            created_by=by,
            created_at=now,
            starts_at=slot.start,
            expires_at=_expiry(slot.start, now),
            slot=slot,
            volunteers=volunteers,
            **fields,
        )
        return _created(booking, by=by, also_provider=may_book.also_provider)


def booking_request_equipment(
    *,
    by: User,
    organisation: Organisation | int,
    item_id: int,
    units: int,
    pickup_on: dt.date,
    return_on: dt.date,
    purpose: str,
    message: str = "",
) -> Booking:
    """Ask to borrow `units` units of an item from the pickup day through the return day (both
    inclusive; the same day is allowed); the units are held at once (with the item's buffer
    days after the return day).

    `organisation` is the one booking (a row or its id; `by` must belong to it). Caller holds
    no lock.
    Raises NotAllowed, InvalidInput (unknown item, a pickup day in the past, a return before
    the pickup, longer than the item's longest loan), Conflict (own or unpublished offer,
    unapproved or non-social organisation, not enough units free over the loan including
    buffer days and unavailable dates), Busy.
    """
    if pickup_on < timezone.localdate():
        raise InvalidInput(
            _("Eine Ausleihe kann nicht in der Vergangenheit beginnen."), field="pickup_on"
        )
    if return_on < pickup_on:
        raise InvalidInput(_("Die Rückgabe kann nicht vor der Abholung liegen."), field="return_on")
    if pickup_on > timezone.localdate() + MAX_AHEAD:
        raise InvalidInput(
            _("Ausleihen können höchstens zwei Jahre im Voraus angefragt werden."),
            field="pickup_on",
        )
    fields = {
        "purpose": _text(purpose, field="purpose", required=True),
        "message": _text(message, field="message", limit=MESSAGE_LIMIT),
    }
    may_book = _MayBook(by, organisation)
    now = timezone.now()
    with transaction.atomic():
        try:
            hold_id = capacity.equipment_hold(
                item_id=item_id,
                units=units,
                pickup_on=pickup_on,
                return_on=return_on,
                check=may_book,
            )
        except NotFound:
            raise InvalidInput(_("Diesen Gegenstand gibt es nicht."), field="item") from None
        item = may_book.listing
        starts_at = _start_of_day(pickup_on)
        booking = Booking(
            kind=BookingKind.EQUIPMENT,
            state=INITIAL_STATE[BookingKind.EQUIPMENT],
            listing=item,
            requester=may_book.organisation,
            provider=item.organisation,
            created_by=by,
            created_at=now,
            starts_at=starts_at,
            expires_at=_expiry(starts_at, now),
            units=units,
            pickup_on=pickup_on,
            return_on=return_on,
            deposit=item.deposit if item.deposit else None,
            hold_id=hold_id,
            **fields,
        )
        return _created(booking, by=by, also_provider=may_book.also_provider)


def booking_refer_candidate(
    *,
    by: User,
    organisation: Organisation | int,
    job_id: int,
    candidate_name: str,
    candidate_contact: str,
    note: str,
    consent: bool,
    consent_date: dt.date,
) -> Booking:
    """Refer a candidate to a job offer, with the candidate's explicit consent.

    A referral takes no position: a position is filled only when the candidate is hired.
    `organisation` is the one booking (a row or its id; `by` must belong to it). Caller holds
    no lock.
    Raises NotAllowed, InvalidInput (unknown job, no consent, a consent date in the future,
    missing name or contact), Conflict (own or unpublished offer, deadline passed, unapproved
    or non-social organisation).
    """
    job = JobOffer.objects.select_related("organisation").filter(pk=job_id).first()
    if job is None:
        raise InvalidInput(_("Dieses Stellenangebot gibt es nicht."), field="job")
    organisation, also_provider = _check_requester(by, organisation, job)
    _check_offer(job, organisation)
    today = timezone.localdate()
    if job.application_deadline < today:
        raise Conflict(_("Die Bewerbungsfrist dieses Angebots ist abgelaufen."))
    if consent is not True:
        raise InvalidInput(
            _("Die Person muss der Weitergabe ihrer Daten ausdrücklich zugestimmt haben."),
            field="consent",
        )
    if consent_date > today:
        raise InvalidInput(
            _("Das Datum der Einwilligung darf nicht in der Zukunft liegen."),
            field="consent_date",
        )
    fields = {
        "candidate_name": _text(candidate_name, field="candidate_name", limit=150, required=True),
        "candidate_contact": _text(
            candidate_contact, field="candidate_contact", limit=254, required=True
        ),
        "candidate_note": _text(note, field="note"),
    }
    now = timezone.now()
    with transaction.atomic():
        booking = Booking(
            kind=BookingKind.JOB,
            state=INITIAL_STATE[BookingKind.JOB],
            listing=job,
            requester=organisation,
            provider=job.organisation,
            created_by=by,
            created_at=now,
            starts_at=now,
            candidate_consent=True,
            consent_date=consent_date,
            **fields,
        )
        return _created(booking, by=by, also_provider=also_provider)


# --- transitions ------------------------------------------------------------------------------


def sides_of(user: User | None, booking: Booking) -> set[Side]:
    """The sides a person acts for on this booking (empty for strangers and the coordinator)."""
    if user is None:
        return {Side.SYSTEM}
    org_ids = set(
        Membership.objects.filter(
            user=user, organisation_id__in=[booking.requester_id, booking.provider_id]
        ).values_list("organisation_id", flat=True)
    )
    sides = set()
    if booking.requester_id in org_ids:
        sides.add(Side.REQUESTER)
    if booking.provider_id in org_ids:
        sides.add(Side.PROVIDER)
    return sides


def _side_for(booking: Booking, by: User | None, action: str) -> Side:
    """The side `by` takes `action` for; raises Conflict, NotAllowed or NotFound."""
    move = transition(booking.kind, booking.state, action)
    sides = sides_of(by, booking)
    if not sides:
        if by is not None and by.is_coordinator:
            raise NotAllowed(_("Die Koordination kann Buchungen ansehen, aber nicht ändern."))
        raise NotFound(_("Buchung nicht gefunden."))
    allowed = sides & move.sides
    if not allowed:
        if Side.PROVIDER in move.sides:
            raise NotAllowed(_("Das kann nur die anbietende Organisation."))
        raise NotAllowed(_("Das kann nur die anfragende Organisation."))
    # A person in both organisations cancels as the requester (the one who asked).
    return Side.REQUESTER if Side.REQUESTER in allowed else next(iter(allowed))


def _lock_booking(booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_related("listing", "requester", "provider", "slot")
        .select_for_update(of=("self",))
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("Buchung nicht gefunden."))
    return booking


def _release(booking: Booking) -> None:
    """Give back what the booking holds; caller is inside the transaction of the change."""
    if booking.kind == BookingKind.VOLUNTEER:
        capacity.slot_release(slot_id=booking.slot_id, volunteers=booking.volunteers)
    elif booking.kind == BookingKind.EQUIPMENT and booking.hold_id is not None:
        capacity.equipment_release(hold_id=booking.hold_id)


def _transition(
    *,
    booking: Booking,
    by: User | None,
    action: Action,
    message: str = "",
    changes: dict | None = None,
    check=None,
) -> Booking:
    """Move `booking` by `action`: capacity first (offer row lock), then the booking's row lock,
    then the checks again, then the write, the event and the notifications."""
    _side_for(booking, by, action)  # fail fast, before any lock
    if check is not None:
        check(booking)
    with transaction.atomic():
        if action in RELEASES_CAPACITY:
            _release(booking)
        elif action == Action.HIRE:
            capacity.job_fill_position(job_id=booking.listing_id)
        locked = _lock_booking(booking.pk)
        side = _side_for(locked, by, action)
        if check is not None:
            check(locked)
        move = transition(locked.kind, locked.state, action)
        from_state = locked.state
        locked.state = move.to
        fields = ["state", "updated_at"]
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
            fields.append(name)
        if action in RELEASES_CAPACITY and locked.kind == BookingKind.EQUIPMENT:
            locked.hold_id = None
            fields.append("hold_id")
        if is_final(locked.kind, locked.state) and locked.ended_at is None:
            locked.ended_at = timezone.now()
            fields.append("ended_at")
        locked.save(update_fields=fields)
        _record(locked, action=action, from_state=from_state, by=by, message=message)
        notices.transitioned(locked, action=action, side=side, by=by, message=message)
    return locked


def booking_confirm(*, booking: Booking, by: User, message: str = "") -> Booking:
    """The company confirms a request (volunteer slot, equipment loan).

    Raises Conflict (not in a state that allows it), NotAllowed (not the company), NotFound.
    """
    message = _text(message, field="message", limit=MESSAGE_LIMIT)
    return _transition(
        booking=booking,
        by=by,
        action=Action.CONFIRM,
        message=message,
        changes={"expires_at": None},
    )


def booking_decline(*, booking: Booking, by: User, message: str = "") -> Booking:
    """The company declines a request; the places or units are free again.

    Raises Conflict, NotAllowed, NotFound, Busy.
    """
    message = _text(message, field="message", limit=MESSAGE_LIMIT)
    return _transition(
        booking=booking,
        by=by,
        action=Action.DECLINE,
        message=message,
        changes={"expires_at": None},
    )


def booking_cancel(*, booking: Booking, by: User, reason: str) -> Booking:
    """Either side cancels a confirmed booking (the requester also an unanswered request),
    with a reason; an equipment loan only before it was handed over. Capacity is given back.

    Raises InvalidInput (no reason), Conflict, NotAllowed, NotFound, Busy.
    """
    reason = _text(reason, field="reason", limit=MESSAGE_LIMIT, required=True)
    return _transition(
        booking=booking,
        by=by,
        action=Action.CANCEL,
        message=reason,
        changes={"expires_at": None},
    )


def booking_expire(*, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """An unanswered request whose time (as of `now`) is up expires (beat task); capacity is
    given back.

    Raises Conflict (answered meanwhile or not yet due), NotFound, Busy.
    """
    now = now or timezone.now()

    def due(current: Booking) -> None:
        if current.expires_at is None or current.expires_at > now:
            raise Conflict(_("Diese Anfrage läuft noch nicht ab."))

    return _transition(booking=booking, by=None, action=Action.EXPIRE, check=due)


def _yes_no(value, *, field: str) -> None:
    if value is not None and not isinstance(value, bool):
        raise InvalidInput(_("Bitte ja oder nein angeben."), field=field)


def _euros(amount: Decimal) -> str:
    """ "50,00 €" in German, "50.00 €" in English."""
    return f"{number_format(amount, 2, force_grouping=True)} €"


def booking_hand_over(
    *, booking: Booking, by: User, note: str = "", deposit_received: bool | None = None
) -> Booking:
    """The company hands the units of a confirmed loan over, noting their condition and, when
    the loan has a deposit, whether it was received; on the pickup day or later.

    Raises InvalidInput (no answer about the deposit the loan asks for, or an answer about one
    it does not), Conflict (wrong state, before the pickup day), NotAllowed, NotFound.
    """
    note = _text(note, field="note")
    _yes_no(deposit_received, field="deposit_received")

    def may_hand_over(current: Booking) -> None:
        if too_early(current, Action.HAND_OVER, timezone.localdate()):
            raise Conflict(
                _("Übergeben ist erst ab dem Abholtag möglich, dem %(day)s.")
                % {"day": current.pickup_on.strftime("%d.%m.%Y")},
                code="before_pickup_day",
            )
        if current.deposit and deposit_received is None:
            raise InvalidInput(
                _("Bitte angeben, ob die Kaution von %(amount)s erhalten wurde.")
                % {"amount": _euros(current.deposit)},
                field="deposit_received",
            )
        if not current.deposit and deposit_received:
            raise InvalidInput(
                _("Für diese Ausleihe ist keine Kaution vereinbart."), field="deposit_received"
            )

    return _transition(
        booking=booking,
        by=by,
        action=Action.HAND_OVER,
        message=note,
        changes={
            "handed_over_at": timezone.now(),
            "handover_note": note,
            "deposit_received": deposit_received if booking.deposit else None,
        },
        check=may_hand_over,
    )


def booking_return(
    *,
    booking: Booking,
    by: User,
    note: str = "",
    damaged: bool = False,
    deposit_paid_back: bool | None = None,
    deposit_kept_reason: str = "",
) -> Booking:
    """The company takes the units back (also when overdue), noting their condition and any
    damage, and, when it received a deposit, whether it paid it back or kept it (with the
    reason). The units stay taken for the item's buffer days from the return day (cleaning and
    checks), never longer than the loan had them; with no buffer days they are free from the
    return day on. The booking keeps its hold while any day of it is left, else forgets it.

    Raises InvalidInput (bad texts; no answer about a received deposit, a kept deposit without
    a reason, an answer about a deposit not received), Conflict, NotAllowed, NotFound, Busy.
    """
    note = _text(note, field="note")
    if not isinstance(damaged, bool):
        raise InvalidInput(_("Bitte ja oder nein angeben."), field="damaged")
    _yes_no(deposit_paid_back, field="deposit_paid_back")
    reason = _text(deposit_kept_reason, field="deposit_kept_reason")
    if deposit_paid_back is not False:
        reason = ""  # a reason only for a deposit kept

    def deposit_answered(current: Booking) -> None:
        if current.deposit_received and deposit_paid_back is None:
            raise InvalidInput(
                _("Bitte angeben, ob die Kaution zurückgezahlt oder einbehalten wird."),
                field="deposit_paid_back",
            )
        if current.deposit_received and deposit_paid_back is False and not reason:
            raise InvalidInput(
                _("Bitte den Grund nennen, aus dem die Kaution einbehalten wird."),
                field="deposit_kept_reason",
            )
        if not current.deposit_received and deposit_paid_back is not None:
            raise InvalidInput(
                _("Bei der Übergabe wurde keine Kaution erhalten."), field="deposit_paid_back"
            )

    _side_for(booking, by, Action.RETURN)  # fail fast, before the item's lock
    deposit_answered(booking)
    returned_at = timezone.now()
    changes = {
        "returned_at": returned_at,
        "return_note": note,
        "damaged": damaged,
        "deposit_paid_back": deposit_paid_back,
        "deposit_kept_reason": reason,
    }
    with transaction.atomic():
        # The item's lock first, then the booking's (in _transition); a return refused there
        # (returned meanwhile) rolls the shortened hold back with it.
        if booking.hold_id is not None:
            kept = capacity.equipment_hold_shorten(
                hold_id=booking.hold_id, end=timezone.localdate(returned_at)
            )
            if not kept:
                changes["hold_id"] = None
        return _transition(
            booking=booking,
            by=by,
            action=Action.RETURN,
            message=note,
            changes=changes,
            check=deposit_answered,
        )


def loan_mark_overdue_one(*, booking: Booking, today: dt.date | None = None) -> Booking:
    """A handed-over loan not back by the end of its return day (as of `today`) becomes overdue
    (beat task); its units stay taken as in loan_keep_units_one.

    Raises Conflict (returned meanwhile or not yet due), NotFound, Busy.
    """
    today = today or timezone.localdate()

    def due(current: Booking) -> None:
        if current.return_on >= today:
            raise Conflict(_("Diese Ausleihe ist noch nicht fällig."))

    due(booking)  # fail fast, before the item's lock
    with transaction.atomic():
        extension = _keep_units(booking, today)
        locked = _transition(booking=booking, by=None, action=Action.MARK_OVERDUE, check=due)
        _tell_units_wanted(locked, extension)
    return locked


MAX_HOURS = Decimal("99999")


def booking_complete(
    *, booking: Booking, by: User, volunteers_given: int, hours_given: Decimal, message: str = ""
) -> Booking:
    """The company records how many volunteers came and the hours given in total, once the
    slot has begun; the social organisation is asked to confirm them.

    Raises InvalidInput (bad numbers), Conflict (slot not begun, wrong state), NotAllowed,
    NotFound.
    """
    if (
        not isinstance(volunteers_given, int)
        or isinstance(volunteers_given, bool)
        or not 0 <= volunteers_given <= 1000
    ):
        raise InvalidInput(_("Bitte eine Zahl von 0 bis 1000 angeben."), field="volunteers_given")
    if not isinstance(hours_given, Decimal) or not (Decimal(0) <= hours_given <= MAX_HOURS):
        raise InvalidInput(
            _("Bitte eine Stundenzahl von 0 bis 99999 angeben."), field="hours_given"
        )
    message = _text(message, field="message", limit=MESSAGE_LIMIT)

    def begun(current: Booking) -> None:
        if current.slot is not None and current.slot.start > timezone.now():
            raise Conflict(_("Der Einsatz hat noch nicht begonnen."))

    return _transition(
        booking=booking,
        by=by,
        action=Action.COMPLETE,
        message=message,
        changes={"volunteers_given": volunteers_given, "hours_given": hours_given},
        check=begun,
    )


def booking_confirm_hours(*, booking: Booking, by: User, message: str = "") -> Booking:
    """The social organisation confirms the volunteers and hours the company recorded.

    Raises Conflict, NotAllowed, NotFound.
    """
    message = _text(message, field="message", limit=MESSAGE_LIMIT)
    return _transition(
        booking=booking,
        by=by,
        action=Action.CONFIRM_HOURS,
        message=message,
        changes={"hours_confirmed_at": timezone.now()},
    )


def referral_interview(*, booking: Booking, by: User, message: str = "") -> Booking:
    """The company invites a referred candidate to an interview.

    Raises Conflict, NotAllowed, NotFound.
    """
    message = _text(message, field="message", limit=MESSAGE_LIMIT)
    return _transition(booking=booking, by=by, action=Action.INTERVIEW, message=message)


def referral_hire(*, booking: Booking, by: User, message: str = "") -> Booking:
    """The company hires the candidate; this fills one of the job's positions (the job closes
    itself with the last one).

    Raises Conflict (every position filled, wrong state), NotAllowed, NotFound, Busy.
    """
    message = _text(message, field="message", limit=MESSAGE_LIMIT)
    return _transition(booking=booking, by=by, action=Action.HIRE, message=message)


def referral_reject(*, booking: Booking, by: User, message: str = "") -> Booking:
    """The company turns the candidate down.

    Raises Conflict, NotAllowed, NotFound.
    """
    message = _text(message, field="message", limit=MESSAGE_LIMIT)
    return _transition(booking=booking, by=by, action=Action.REJECT, message=message)


def referral_withdraw(*, booking: Booking, by: User, message: str = "") -> Booking:
    """The referring organisation withdraws the referral.

    Raises Conflict, NotAllowed, NotFound.
    """
    message = _text(message, field="message", limit=MESSAGE_LIMIT)
    return _transition(booking=booking, by=by, action=Action.WITHDRAW, message=message)


# --- messages ---------------------------------------------------------------------------------


def booking_post_message(*, booking: Booking, by: User, body: str) -> BookingMessage:
    """A member of either organisation writes in the booking's thread; the other side is told.

    Raises InvalidInput (empty or too long), NotAllowed (the coordinator), NotFound (anyone
    outside the two organisations).
    """
    body = _text(body, field="body", limit=MESSAGE_LIMIT, required=True)
    sides = sides_of(by, booking)
    if not sides:
        if by.is_coordinator:
            raise NotAllowed(_("Die Koordination kann Nachrichten lesen, aber nicht schreiben."))
        raise NotFound(_("Buchung nicht gefunden."))
    side = Side.REQUESTER if Side.REQUESTER in sides else Side.PROVIDER
    organisation = booking.requester if side == Side.REQUESTER else booking.provider
    with transaction.atomic():
        message = BookingMessage.objects.create(
            booking=booking, author=by, organisation=organisation, body=body
        )
        notices.message_posted(booking, message=message, side=side)
    return message


# --- periodic sweeps --------------------------------------------------------------------------


def _each(queryset, service) -> int:
    """Apply `service` to each booking, each in its own transaction; skip those that changed
    meanwhile or are locked (the next run takes them)."""
    done = 0
    for booking in queryset.select_related("listing", "requester", "provider", "slot"):
        try:
            service(booking=booking)
        except (Conflict, NotFound, Busy):
            continue
        done += 1
    return done


def booking_expire_unanswered(*, now: dt.datetime | None = None) -> int:
    """Expire every request left unanswered past its expiry; returns how many.

    Precondition: no open transaction (each booking gets its own).
    """
    now = now or timezone.now()
    due = Booking.objects.filter(state=BookingState.REQUESTED, expires_at__lte=now).order_by(
        "expires_at", "id"
    )
    return _each(due, partial(booking_expire, now=now))


def loan_mark_overdue(*, today: dt.date | None = None) -> int:
    """Mark every handed-over loan whose return day has passed overdue, then keep the units of
    every loan past its return day taken (loan_keep_units_one); returns how many became
    overdue. Running it again the same day changes nothing.

    Precondition: no open transaction.
    """
    today = today or timezone.localdate()
    due = Booking.objects.filter(
        kind=BookingKind.EQUIPMENT, state=BookingState.HANDED_OVER, return_on__lt=today
    ).order_by("return_on", "id")
    marked = _each(due, partial(loan_mark_overdue_one, today=today))
    out = Booking.objects.filter(
        kind=BookingKind.EQUIPMENT,
        state__in=[BookingState.HANDED_OVER, BookingState.OVERDUE],
        return_on__lt=today,
        hold_id__isnull=False,
    ).order_by("return_on", "id")
    _each(out, partial(loan_keep_units_one, today=today))
    return marked


def loan_keep_units_one(*, booking: Booking, today: dt.date | None = None) -> None:
    """A loan handed over and not back after its return day (as of `today`) keeps its units
    taken until tomorrow and the item's buffer days after it (beat task, again each day), so the
    search and new requests do not count them free while the borrower still has them.

    A unit that a later loan was promised from an earlier day is kept only up to that day (the
    later loan keeps it); the company hears of each such later loan once.
    Raises Conflict (returned meanwhile or not yet due), NotFound, Busy.
    """
    today = today or timezone.localdate()

    def out(current: Booking) -> None:
        if (
            current.state not in {BookingState.HANDED_OVER, BookingState.OVERDUE}
            or current.return_on >= today
            or current.hold_id is None
            or current.hold_id != booking.hold_id
        ):
            raise Conflict(_("Diese Ausleihe ist nicht überfällig."))

    out(booking)  # fail fast, before the item's lock
    with transaction.atomic():
        extension = _keep_units(booking, today)
        locked = _lock_booking(booking.pk)
        out(locked)
        _tell_units_wanted(locked, extension)


def _keep_units(booking: Booking, today: dt.date) -> capacity.HoldExtension:
    # The units are out today at least: the loan's end moves to tomorrow (buffer days follow).
    if booking.hold_id is None:
        return capacity.HoldExtension(extended=0, wanted=[])
    return capacity.equipment_hold_extend(hold_id=booking.hold_id, end=today + dt.timedelta(days=1))


def _tell_units_wanted(booking: Booking, extension: capacity.HoldExtension) -> None:
    """Tell the company of each later loan that was promised units `booking` still has."""
    holds = {unit.hold_id for unit in extension.wanted}
    if not holds:
        return
    # Blocked periods have no booking: the company set them itself.
    later_loans = Booking.objects.filter(
        kind=BookingKind.EQUIPMENT, hold_id__in=holds
    ).select_related("listing", "requester", "provider")
    for later in later_loans.order_by("pickup_on", "id"):
        units = [unit for unit in extension.wanted if unit.hold_id == later.hold_id]
        notices.loan_at_risk(
            booking,
            later=later,
            unit_numbers=[unit.unit_number for unit in units],
            since=min(unit.since for unit in units),
        )


def _months_before(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


ANONYMISED = "—"


def referral_anonymise_expired(*, now: dt.datetime | None = None) -> int:
    """Remove the candidate's data from referrals that ended more than
    BOOKINGS_REFERRAL_RETENTION_MONTHS ago: name, contact, note, and the texts of the thread and
    of the events (they may mention the candidate). The referral itself stays for the
    statistics. Returns how many referrals were anonymised.
    """
    now = now or timezone.now()
    months = getattr(settings, "BOOKINGS_REFERRAL_RETENTION_MONTHS", 6)
    cutoff = _months_before(now, months)
    with transaction.atomic():
        ids = list(
            Booking.objects.select_for_update(skip_locked=True)
            .filter(kind=BookingKind.JOB, anonymised_at__isnull=True, ended_at__lte=cutoff)
            .filter(
                Q(state=BookingState.HIRED)
                | Q(state=BookingState.REJECTED)
                | Q(state=BookingState.WITHDRAWN)
            )
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Booking.objects.filter(pk__in=ids).update(
            candidate_name=ANONYMISED,
            candidate_contact=ANONYMISED,
            candidate_note="",
            message="",
            anonymised_at=now,
        )
        BookingMessage.objects.filter(booking_id__in=ids).update(body=ANONYMISED)
        BookingEvent.objects.filter(booking_id__in=ids).exclude(message="").update(
            message=ANONYMISED
        )
    return len(ids)


# --- reminders --------------------------------------------------------------------------------


def booking_remind_upcoming(*, today: dt.date | None = None) -> int:
    """Remind both sides the day before (as of `today`, Berlin) a confirmed volunteer action or
    a confirmed loan's pick-up, and the borrower the day before a handed-over loan is due
    back. Returns how many bookings were reminded.

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
            notices.remind_tomorrow(booking, today=today)
            reminded += 1
        for booking in due_back_tomorrow.select_related(*related).order_by("id"):
            notices.remind_due_back(booking, today=today)
            reminded += 1
    return reminded


# --- private calendar feed --------------------------------------------------------------------


def _new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_token_get(*, user: User) -> CalendarFeedToken:
    """The person's calendar feed token, made on first use.

    Precondition: an active person with an account. Raises nothing (two concurrent first
    calls both end with the one row that won).
    """
    token = CalendarFeedToken.objects.filter(user=user).first()
    if token is not None:
        return token
    with transaction.atomic():
        token, _created = CalendarFeedToken.objects.get_or_create(
            user=user, defaults={"token": _new_feed_token()}
        )
    return token


def calendar_feed_token_rotate(*, user: User) -> None:
    """Replace the person's feed token if they have one (after a password reset): the old URL
    answers 404 from now on, the person finds the new one on their page. Raises nothing."""
    with transaction.atomic():
        token = CalendarFeedToken.objects.select_for_update().filter(user=user).first()
        if token is not None:
            token.token = _new_feed_token()
            token.created_at = timezone.now()
            token.save(update_fields=["token", "created_at"])


def calendar_feed_token_regenerate(*, user: User) -> CalendarFeedToken:
    """Replace the person's feed token (made if there was none); the old URL answers 404 from
    now on. Raises nothing."""
    with transaction.atomic():
        token, created = CalendarFeedToken.objects.select_for_update().get_or_create(
            user=user, defaults={"token": _new_feed_token()}
        )
        if not created:
            token.token = _new_feed_token()
            token.created_at = timezone.now()
            token.save(update_fields=["token", "created_at"])
    return token

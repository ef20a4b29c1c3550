"""Requests: a social organisation asks for a volunteer slot, a loan or a job placement."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings import capacity
from listings.models import Equipment, JobOffer, Listing, ListingStatus
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.locking import checked_before_written
from marketplace.models import Organisation, OrganisationKind, User
from marketplace.selectors import memberships_among

from .. import notices
from ..models import Booking, BookingKind
from ..selectors import requesting_organisation
from ..states import INITIAL_STATE
from .common import MAX_AHEAD, MESSAGE_LIMIT, _insert_requested, _start_of_day, _text

# --- checks -----------------------------------------------------------------------------------


def _expiry_days() -> int:
    return getattr(settings, "BOOKINGS_REQUEST_EXPIRY_DAYS", 5)


def _requester(
    by: User, organisation: Organisation | int | None, listing: Listing
) -> tuple[Organisation, bool]:
    """The organisation `by` books for (a row, its id, or None for the person's only social
    organisation) if `by` may book for it, and whether `by` also belongs to the offer's
    organisation: one query for all of it when the organisation is named."""
    if organisation is None:
        organisation = requesting_organisation(by, None)
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    mine = memberships_among(by, [org_id, listing.organisation_id])
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


def _check_loan_dates(pickup_on: dt.date, return_on: dt.date) -> None:
    """The loan's days as any request may ask them (the item's own limits come with its hold)."""
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


def _expiry(start: dt.datetime, now: dt.datetime) -> dt.datetime:
    # A request nobody answered before its date is of no use either.
    return min(now + dt.timedelta(days=_expiry_days()), max(start, now))


def _new_booking(
    kind: BookingKind,
    listing: Listing,
    *,
    requester: Organisation,
    by: User,
    now: dt.datetime,
    starts_at: dt.datetime,
    **fields,
) -> Booking:
    """A new request's row, not yet written: in its kind's first state, the offer's
    organisation the providing side; `fields` are the kind's own."""
    return Booking(
        kind=kind,
        state=INITIAL_STATE[kind],
        listing=listing,
        requester=requester,
        provider=listing.organisation,
        created_by=by,
        created_at=now,
        starts_at=starts_at,
        **fields,
    )


def _created(booking: Booking, *, by: User, also_provider: bool) -> Booking:
    event = _insert_requested(booking, by=by)
    notices.requested(booking, by=by)
    # What selectors.bookings_for_display() adds (the sides the requesting person belongs to,
    # the events), so the new booking can be shown without reading it again.
    booking.as_requester, booking.as_provider = True, also_provider
    booking.new_events = [event]
    return booking


# --- requests ---------------------------------------------------------------------------------


# Each kind has its service; the API serializers (bookings/serializers.py) and the web forms
# (web/forms/bookings.py) name their fields as these keyword arguments, so each side maps its
# input once. Every request runs lock → check → hold in one transaction: the offer's row is
# locked (listings.capacity), who asks and whether the offer is open are checked on that row,
# then capacity.*_hold_locked() takes the places or units (or refuses: Conflict) and the
# booking, its event and the notifications are written. Nothing is written before the last
# check, so a refusal ends the transaction by commit (marketplace.locking.checked_before_written).


def booking_request_volunteers(
    *,
    by: User,
    organisation: Organisation | int | None,
    slot: int,
    volunteers: int,
    task: str,
    place: str,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    message: str = "",
) -> Booking:
    """Ask a company for `volunteers` of its volunteers on one slot (`slot`: its id); the
    places are held at once.

    `organisation` is the one booking (a row or its id; None: the person's only social
    organisation; `by` must belong to it). Caller holds no lock.
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
    now = timezone.now()
    with checked_before_written():
        try:
            locked = capacity.lock_slot(slot)
        except NotFound:
            raise InvalidInput(_("Diesen Termin gibt es nicht."), field="slot") from None
        action = locked.action
        requester, also_provider = _requester(by, organisation, action)
        _check_offer(action, requester)
        capacity.slot_hold_locked(locked, volunteers=volunteers)
        booking = _new_booking(
            BookingKind.VOLUNTEER,
            action,
            requester=requester,
            by=by,
            now=now,
            starts_at=locked.start,
            expires_at=_expiry(locked.start, now),
            slot=locked,
            volunteers=volunteers,
            **fields,
        )
        return _created(booking, by=by, also_provider=also_provider)


def booking_request_loan(
    *,
    by: User,
    organisation: Organisation | int | None,
    item: int,
    units: int,
    pickup_on: dt.date,
    return_on: dt.date,
    purpose: str,
    message: str = "",
) -> Booking:
    """Ask to borrow `units` units of an item (`item`: its id) from the pickup day through the
    return day (both inclusive; the same day is allowed); the units are held at once (with the
    item's buffer days after the return day).

    `organisation` is the one booking (a row or its id; None: the person's only social
    organisation; `by` must belong to it). Caller holds no lock.
    Raises NotAllowed, InvalidInput (unknown item, a pickup day in the past, a return before
    the pickup, longer than the item's longest loan), Conflict (own or unpublished offer,
    unapproved or non-social organisation, not enough units free over the loan including
    buffer days and unavailable dates), Busy.
    """
    _check_loan_dates(pickup_on, return_on)
    fields = {
        "purpose": _text(purpose, field="purpose", required=True),
        "message": _text(message, field="message", limit=MESSAGE_LIMIT),
    }
    now = timezone.now()
    with checked_before_written():
        try:
            locked = capacity.lock_equipment(item)
        except NotFound:
            raise InvalidInput(_("Diesen Gegenstand gibt es nicht."), field="item") from None
        requester, also_provider = _requester(by, organisation, locked)
        _check_offer(locked, requester)
        hold_id = capacity.equipment_hold_locked(
            locked, units=units, pickup_on=pickup_on, return_on=return_on
        )
        booking = loan_booking(
            locked,
            requester=requester,
            by=by,
            now=now,
            units=units,
            pickup_on=pickup_on,
            return_on=return_on,
            hold_id=hold_id,
            **fields,
        )
        return _created(booking, by=by, also_provider=also_provider)


def loan_booking(
    item: Equipment,
    *,
    requester: Organisation,
    by: User,
    now: dt.datetime,
    units: int,
    pickup_on: dt.date,
    return_on: dt.date,
    hold_id,
    **fields,
) -> Booking:
    """The new loan's row, not yet written, for units already held (`hold_id`); also an item
    of a request for several items (fields: purpose, message, group)."""
    starts_at = _start_of_day(pickup_on)
    return _new_booking(
        BookingKind.EQUIPMENT,
        item,
        requester=requester,
        by=by,
        now=now,
        starts_at=starts_at,
        expires_at=_expiry(starts_at, now),
        units=units,
        pickup_on=pickup_on,
        return_on=return_on,
        deposit=item.deposit if item.deposit else None,
        hold_id=hold_id,
        **fields,
    )


def booking_refer_candidate(
    *,
    by: User,
    organisation: Organisation | int | None,
    job: int,
    candidate_name: str,
    candidate_contact: str,
    note: str = "",
    consent: bool,
    consent_date: dt.date,
    message: str = "",
) -> Booking:
    """Refer a candidate to a job offer (`job`: its id), with the candidate's explicit consent.

    A referral takes no position: a position is filled only when the candidate is hired, so
    nothing is locked here. `organisation` is the one booking (a row or its id; None: the
    person's only social organisation; `by` must belong to it). Caller holds no lock.
    Raises NotAllowed, InvalidInput (unknown job, no consent, a consent date in the future,
    missing name or contact), Conflict (own or unpublished offer, deadline passed, unapproved
    or non-social organisation).
    """
    offer = JobOffer.objects.select_related("organisation").filter(pk=job).first()
    if offer is None:
        raise InvalidInput(_("Dieses Stellenangebot gibt es nicht."), field="job")
    requester, also_provider = _requester(by, organisation, offer)
    _check_offer(offer, requester)
    today = timezone.localdate()
    if offer.application_deadline < today:
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
        "message": _text(message, field="message", limit=MESSAGE_LIMIT),
    }
    now = timezone.now()
    with transaction.atomic():
        booking = _new_booking(
            BookingKind.JOB,
            offer,
            requester=requester,
            by=by,
            now=now,
            starts_at=now,
            candidate_consent=True,
            consent_date=consent_date,
            **fields,
        )
        return _created(booking, by=by, also_provider=also_provider)

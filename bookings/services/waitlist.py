"""Waiting lists: a social organisation waits for a full volunteer slot or for units of an item
on some days, and moves up when capacity frees.

Joining runs lock → check like a request (the offer's row lock from listings.capacity, the same
checks of who asks and what is asked) and is refused while the request itself would succeed.
Serving (`waitlist_serve`) runs inside the transaction that gave capacity back (a decline, a
cancellation, an expiry, a return: bookings/services/transitions.py), still under the offer's
row lock: it walks the waiting entries in order (created_at, id) and turns each whose request
now fits into a request through the request services themselves, so every rule of a request
holds and nothing is counted twice. An entry that does not fit keeps its place; one whose
person can no longer book is ended. Concurrent releases of one offer are served one after the
other (the offer's lock), each seeing what the one before committed.

Lock order: the offer's row, then the entries' rows (serving), then new bookings. Leaving and
the expiry sweep lock only the entries' rows, so they never wait on an offer while holding one.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings import capacity
from listings.models import ListingStatus
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.models import Organisation, User
from marketplace.rows import insert
from marketplace.selectors import is_member

from .. import notices, waitlist_notices
from ..models import Booking, BookingKind, WaitlistEntry, WaitlistState
from ..states import Action, Side
from .common import MESSAGE_LIMIT, _take_action, _text
from .requests import (
    _check_loan_dates,
    _check_offer,
    _requester,
    booking_request_loan,
    booking_request_volunteers,
)

# The transitions after which a booking's places or units are free again (a loan marked lost
# gives its units back to nobody: they are gone).
SERVES_WAITLIST = frozenset({Action.DECLINE, Action.CANCEL, Action.EXPIRE, Action.RETURN})


def _room_left() -> Conflict:
    return Conflict(
        _("Es ist noch Platz frei – bitte direkt anfragen statt auf die Warteliste."),
        code="room_left",
    )


class _Trial(Exception):
    """Ends a trial hold: the savepoint is rolled back, nothing is taken."""


def _fits(hold: Callable[[], object]) -> bool:
    """Whether the hold the request would take succeeds now, tried in a savepoint that is
    always rolled back, so the checks are the request's own. Its InvalidInput (too many per
    booking, not a hand-over day, ...) is raised as it is."""
    try:
        with transaction.atomic():
            hold()
            raise _Trial
    except _Trial:
        return True
    except Conflict:
        return False


def _already(organisation: Organisation) -> Conflict:
    return Conflict(
        _("%(name)s steht hierfür schon auf der Warteliste.") % {"name": organisation.name},
        code="already_waiting",
    )


def waitlist_join_volunteers(
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
) -> WaitlistEntry:
    """Wait for `volunteers` places of a full slot, with the request's fields (the arguments
    of booking_request_volunteers()); the request is made when enough places free up.

    Caller holds no lock. Raises as booking_request_volunteers() (NotAllowed, InvalidInput,
    Conflict, Busy), and Conflict when there is room for the request now (code room_left) or
    the organisation waits for the slot already (already_waiting).
    """
    fields = {
        "task": _text(task, field="task", required=True),
        "place": _text(place, field="place", limit=300, required=True),
        "contact_name": _text(contact_name, field="contact_name", limit=150, required=True),
        "contact_phone": _text(contact_phone, field="contact_phone", limit=40),
        "contact_email": _text(contact_email, field="contact_email", limit=254),
        "message": _text(message, field="message", limit=MESSAGE_LIMIT),
    }
    with transaction.atomic():
        try:
            locked = capacity.lock_slot(slot)
        except NotFound:
            raise InvalidInput(_("Diesen Termin gibt es nicht."), field="slot") from None
        action = locked.action
        requester, _also = _requester(by, organisation, action)
        _check_offer(action, requester)
        if locked.end <= timezone.now():
            raise Conflict(_("Dieser Termin ist schon vorbei."))
        if isinstance(volunteers, int) and volunteers > locked.volunteers_available:
            raise InvalidInput(
                _("So viele Plätze hat dieser Termin nicht (%(n)d).")
                % {"n": locked.volunteers_available},
                field="volunteers",
            )
        if _fits(lambda: capacity.slot_hold_locked(locked, volunteers=volunteers)):
            raise _room_left()
        if WaitlistEntry.objects.filter(
            organisation=requester, slot=locked, state=WaitlistState.WAITING
        ).exists():
            raise _already(requester)
        entry = WaitlistEntry(
            kind=BookingKind.VOLUNTEER,
            listing=action,
            organisation=requester,
            created_by=by,
            expires_on=timezone.localdate(locked.start),
            slot=locked,
            volunteers=volunteers,
            **fields,
        )
        insert(entry)
    return entry


def waitlist_join_loan(
    *,
    by: User,
    organisation: Organisation | int | None,
    item: int,
    units: int,
    pickup_on: dt.date,
    return_on: dt.date,
    purpose: str,
    message: str = "",
) -> WaitlistEntry:
    """Wait for `units` units of an item from the pickup day through the return day, with the
    request's fields (the arguments of booking_request_loan()); the request is made when they
    free up.

    Caller holds no lock. Raises as booking_request_loan(), and Conflict when the units are
    free now (code room_left) or the organisation waits for these days already.
    """
    _check_loan_dates(pickup_on, return_on)
    fields = {
        "purpose": _text(purpose, field="purpose", required=True),
        "message": _text(message, field="message", limit=MESSAGE_LIMIT),
    }
    with transaction.atomic():
        try:
            locked = capacity.lock_equipment(item)
        except NotFound:
            raise InvalidInput(_("Diesen Gegenstand gibt es nicht."), field="item") from None
        requester, _also = _requester(by, organisation, locked)
        _check_offer(locked, requester)
        if isinstance(units, int) and units > locked.quantity:
            raise InvalidInput(
                _("So viele Stück hat dieser Gegenstand nicht (%(n)d).") % {"n": locked.quantity},
                field="units",
            )
        hold = lambda: capacity.equipment_hold_locked(  # noqa: E731
            locked, units=units, pickup_on=pickup_on, return_on=return_on
        )
        if _fits(hold):
            raise _room_left()
        if WaitlistEntry.objects.filter(
            organisation=requester,
            listing=locked,
            pickup_on=pickup_on,
            return_on=return_on,
            state=WaitlistState.WAITING,
        ).exists():
            raise _already(requester)
        entry = WaitlistEntry(
            kind=BookingKind.EQUIPMENT,
            listing=locked,
            organisation=requester,
            created_by=by,
            expires_on=pickup_on,
            units=units,
            pickup_on=pickup_on,
            return_on=return_on,
            **fields,
        )
        insert(entry)
    return entry


def _end(entry: WaitlistEntry, state: WaitlistState, booking: Booking | None = None) -> None:
    entry.state = state
    entry.ended_at = timezone.now()
    entry.booking = booking
    entry.save(update_fields=["state", "ended_at", "booking"])


def waitlist_leave(*, entry: int, by: User) -> WaitlistEntry:
    """A member of the waiting organisation takes the entry (its id) off the list.

    Caller holds no lock. Raises NotFound (no such entry, or not the person's organisation's),
    Conflict (no longer waiting).
    """
    with transaction.atomic():
        locked = (
            WaitlistEntry.objects.select_for_update(of=("self",))
            .select_related("listing", "slot", "organisation", "booking")
            .filter(pk=entry)
            .first()
        )
        if locked is None or not is_member(by, locked.organisation_id):
            raise NotFound(_("Diesen Eintrag auf der Warteliste gibt es nicht."))
        if locked.state != WaitlistState.WAITING:
            raise Conflict(
                _("Dieser Eintrag wartet nicht mehr (%(state)s).")
                % {"state": locked.get_state_display()},
                code="not_waiting",
            )
        _end(locked, WaitlistState.LEFT)
    return locked


def waitlist_expire_passed(*, today: dt.date | None = None) -> int:
    """End every waiting entry whose day (the slot's day, the pickup day) has passed; returns
    how many (beat task). Precondition: no open transaction."""
    today = today or timezone.localdate()
    return WaitlistEntry.objects.filter(state=WaitlistState.WAITING, expires_on__lt=today).update(
        state=WaitlistState.EXPIRED, ended_at=timezone.now()
    )


# --- serving ----------------------------------------------------------------------------------


def _confirm_at_once(booking: Booking) -> None:
    """The offer confirms whoever moves up (Listing.waitlist_confirms): the request made for
    the entry takes the table's confirm step for the company, by nobody in person."""
    _take_action(
        booking,
        action=Action.CONFIRM,
        side=Side.PROVIDER,
        by=None,
        message=_("Von der Warteliste nachgerückt und sofort bestätigt."),
        changes={"expires_at": None},
        notice_message="",
    )


def _request_for(entry: WaitlistEntry) -> Booking:
    asking = {
        "by": entry.created_by,
        "organisation": entry.organisation_id,
        "message": entry.message,
    }
    if entry.kind == BookingKind.VOLUNTEER:
        return booking_request_volunteers(
            **asking,
            slot=entry.slot_id,
            volunteers=entry.volunteers,
            task=entry.task,
            place=entry.place,
            contact_name=entry.contact_name,
            contact_phone=entry.contact_phone,
            contact_email=entry.contact_email,
        )
    return booking_request_loan(
        **asking,
        item=entry.listing_id,
        units=entry.units,
        pickup_on=entry.pickup_on,
        return_on=entry.return_on,
        purpose=entry.purpose,
    )


def waitlist_serve(*, booking: Booking) -> list[WaitlistEntry]:
    """`booking` has just given its places or units back: offer them to the waiting list of its
    slot or item, first come first served, as long as there is room; returns the entries served.

    Caller: inside the transaction that released the capacity, holding the offer's row lock
    (the lock is taken again here, which the same transaction already has).
    """
    if booking.kind == BookingKind.VOLUNTEER:
        waiting = WaitlistEntry.objects.filter(slot_id=booking.slot_id)
    elif booking.kind == BookingKind.EQUIPMENT:
        waiting = WaitlistEntry.objects.filter(listing_id=booking.listing_id)
    else:
        return []
    entries = list(
        waiting.filter(state=WaitlistState.WAITING)
        .select_related("created_by")
        .select_for_update(of=("self",))
        .order_by("created_at", "id")
    )
    if not entries:
        return []
    if booking.kind == BookingKind.VOLUNTEER:
        slot = capacity.lock_slot(booking.slot_id)
        offer, free = slot.action, slot.volunteers_free
        if slot.end <= timezone.now():
            return []
    else:
        offer, free = capacity.lock_equipment(booking.listing_id), None
    if offer.status != ListingStatus.PUBLISHED or not offer.organisation.is_approved:
        return []  # the entries wait until the offer is open again or their day has passed
    today, served = timezone.localdate(), []
    for entry in entries:
        if free is not None and free <= 0:
            break
        if entry.expires_on < today:
            _end(entry, WaitlistState.EXPIRED)
            continue
        if free is not None and entry.volunteers > free:
            continue  # keeps its place; a smaller request behind it may fit
        if entry.created_by is None:
            _end(entry, WaitlistState.ENDED)
            continue
        try:
            _requester(entry.created_by, entry.organisation_id, offer)
        except (NotAllowed, Conflict):
            _end(entry, WaitlistState.ENDED)
            continue
        # Served from a group's step (an item declined or cancelled with its request for
        # several items), the new request is not one of the group's and is told on its own.
        with notices.told_one_by_one():
            try:
                with transaction.atomic():
                    placed = _request_for(entry)
            except Conflict:
                continue  # not enough free for this request: it keeps its place
            except (InvalidInput, NotAllowed):
                _end(entry, WaitlistState.ENDED)  # the offer's rules changed since it joined
                continue
            if offer.waitlist_confirms:
                _confirm_at_once(placed)
        _end(entry, WaitlistState.OFFERED, placed)
        waitlist_notices.placed(placed, confirmed=offer.waitlist_confirms)
        served.append(entry)
        if free is not None:
            free -= entry.volunteers
    return served

"""The transitions of bookings/states.py after the request, and the messages of a booking."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from listings import capacity
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.models import Membership, User

from .. import notices
from ..models import Booking, BookingKind, BookingMessage
from ..states import RELEASES_CAPACITY, Action, Side, too_early, transition
from .common import MESSAGE_LIMIT, _take_action, _text
from .waitlist import SERVES_WAITLIST, waitlist_serve

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
        changes = dict(changes or {})
        if action in RELEASES_CAPACITY and locked.kind == BookingKind.EQUIPMENT:
            changes["hold_id"] = None
        _take_action(locked, action=action, side=side, by=by, message=message, changes=changes)
        if action in SERVES_WAITLIST and (action != Action.RETURN or booking.hold_id is not None):
            # Whatever this freed goes to the waiting list now, under the offer's lock taken
            # above (a return with no hold left freed nothing and took no offer lock).
            waitlist_serve(booking=locked)
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

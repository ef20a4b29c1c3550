"""Loans not back in time: overdue, their units kept taken until they are returned, or written
off when the lender marks the item lost or out of service."""

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings import capacity
from marketplace.errors import Conflict
from marketplace.models import User

from .. import notices
from ..models import Booking, BookingKind, BookingState
from ..states import Action
from .common import _each, _text
from .transitions import _lock_booking, _transition


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
    taken until it is returned or marked lost (beat task, again each day for loans handed over
    meanwhile), so the search and new requests do not count them free while the borrower still
    has them; a request that needs them is told the item is overdue.

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
    # The units are out, and nobody knows until when: they stay taken until they come back.
    if booking.hold_id is None:
        return capacity.HoldExtension(extended=0, wanted=[])
    return capacity.equipment_hold_keep_until_returned(hold_id=booking.hold_id)


def loan_mark_lost(*, booking: Booking, by: User, reason: str) -> Booking:
    """The lender gives up on an overdue loan's units: lost, broken, out of service (`reason`,
    required). The loan ends (state `lost`) and its units are written off it; the borrower and
    the borrowers of later loans that were promised those units are told. Whether the item
    stays on offer with fewer units is the lender's to change on the offer.

    Raises InvalidInput (no reason), Conflict (not overdue), NotAllowed, NotFound, Busy.
    """
    reason = _text(reason, field="reason", required=True)
    with transaction.atomic():
        # The later loans that have these units next, before the hold is given back.
        affected = _later_loans_of(booking)
        locked = _transition(booking=booking, by=by, action=Action.MARK_LOST, message=reason)
        for later in affected:
            notices.loan_lost_for_later(locked, later=later, reason=reason)
    return locked


def _later_loans_of(booking: Booking) -> list[Booking]:
    holds = capacity.equipment_holds_after(hold_id=booking.hold_id) if booking.hold_id else []
    if not holds:
        return []
    return list(
        Booking.objects.filter(
            kind=BookingKind.EQUIPMENT,
            hold_id__in=holds,
            state__in=[BookingState.REQUESTED, BookingState.CONFIRMED],
        )
        .select_related("listing", "requester", "provider")
        .order_by("pickup_on", "id")
    )


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

"""Loans not back in time: overdue, and their units kept taken meanwhile."""

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings import capacity
from marketplace.errors import Conflict

from .. import notices
from ..models import Booking, BookingKind, BookingState
from ..states import Action
from .common import _each
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

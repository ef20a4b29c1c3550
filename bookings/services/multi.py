"""Requests for several items of one company for the same days ("Sammelanfrage").

Each item is a Booking of its own (kind equipment, its own units and hold), tied together by a
BookingGroup: the request, the answer, hand-over, return and cancellation of the group apply
the single bookings' services to its items inside one transaction, so every rule of a single
loan holds for each item and nothing is counted twice. The items' own e-mails stay silent
meanwhile (notices.told_as_group()); the group sends one e-mail for the whole step
(bookings/group_notices.py). Item by item, the single bookings' actions keep working.

Locks: a request locks every item's row in ascending id (listings.capacity.lock_equipment), so
two requests for overlapping items wait for each other instead of deadlocking; then it checks
and holds each item. One item not free refuses the whole request (its transaction rolls back:
nothing is held).
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings import capacity
from listings.models import Equipment
from marketplace.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from marketplace.models import Membership, Organisation, User
from marketplace.rows import insert

from .. import group_notices, notices
from ..models import Booking, BookingGroup, BookingState
from ..states import Side
from .common import MESSAGE_LIMIT, _insert_requested, _text
from .requests import _check_loan_dates, _check_offer, _requester, loan_booking
from .transitions import (
    booking_cancel,
    booking_confirm,
    booking_decline,
    booking_hand_over,
    booking_return,
)

MIN_ITEMS = 2
MAX_ITEMS = 20
MAX_UNITS = 500

S = BookingState


def _day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _parsed_items(items) -> list[tuple[int, int]]:
    """(item id, units) pairs, each a positive whole number, no item twice, 2 to 20 of them."""
    if not isinstance(items, list | tuple):
        raise InvalidInput(_("Bitte eine Liste von Gegenständen angeben."), field="items")
    pairs = []
    for entry in items:
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise InvalidInput(_("Bitte je Gegenstand seine Nummer und die Stückzahl angeben."))
        item, units = entry
        for value, field in ((item, "items"), (units, "units")):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InvalidInput(_("Bitte eine Anzahl ab 1 angeben."), field=field)
        if units > MAX_UNITS:
            raise InvalidInput(_("Höchstens 500 Stück je Gegenstand."), field="units")
        pairs.append((item, units))
    if not MIN_ITEMS <= len(pairs) <= MAX_ITEMS:
        raise InvalidInput(
            _("Eine Sammelanfrage umfasst 2 bis %(max)d Gegenstände.") % {"max": MAX_ITEMS},
            field="items",
        )
    if len({item for item, _units in pairs}) != len(pairs):
        raise InvalidInput(
            _(
                "Jeder Gegenstand darf nur einmal in der Anfrage stehen; bitte stattdessen die "
                "Stückzahl erhöhen."
            ),
            field="items",
        )
    return pairs


def _lock_items(ids: Iterable[int]) -> dict[int, Equipment]:
    """Every item's row, locked in ascending id (the one order all such requests take)."""
    locked = {}
    for item_id in sorted(ids):
        try:
            locked[item_id] = capacity.lock_equipment(item_id)
        except NotFound:
            raise InvalidInput(
                _("Den Gegenstand Nr. %(id)d gibt es nicht.") % {"id": item_id}, field="items"
            ) from None
    return locked


def _hold(item: Equipment, *, units: int, pickup_on: dt.date, return_on: dt.date):
    """equipment_hold_locked() with the item named in its refusal."""
    try:
        return capacity.equipment_hold_locked(
            item, units=units, pickup_on=pickup_on, return_on=return_on
        )
    except Conflict as error:
        raise Conflict(
            _("„%(title)s“ ist vom %(start)s bis %(end)s nicht in ausreichender Zahl frei.")
            % {"title": item.title, "start": _day(pickup_on), "end": _day(return_on)}
            + " "
            + error.message,
            code="item_not_free",
        ) from None
    except InvalidInput as error:
        raise InvalidInput(
            _("„%(title)s“: %(reason)s") % {"title": item.title, "reason": error.message},
            field=error.field,
        ) from None


def booking_request_loans(
    *,
    by: User,
    organisation: Organisation | int | None,
    items: list[tuple[int, int]],
    pickup_on: dt.date,
    return_on: dt.date,
    purpose: str,
    message: str = "",
) -> BookingGroup:
    """Ask one company for several of its items (`items`: (item id, units) pairs, 2 to 20,
    each item once) from the pickup day through the return day; every item's units are held
    at once, each item a Booking of the returned group.

    `organisation` as for booking_request_loan(). Caller holds no lock.
    Raises NotAllowed, InvalidInput (bad list, unknown item, items of several companies, bad
    days, an item's own limits — named), Conflict (own or unpublished offer, unapproved or
    non-social organisation, an item not free — named; then nothing is held), Busy.
    """
    pairs = _parsed_items(items)
    _check_loan_dates(pickup_on, return_on)
    fields = {
        "purpose": _text(purpose, field="purpose", required=True),
        "message": _text(message, field="message", limit=MESSAGE_LIMIT),
    }
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_items(item for item, _units in pairs)
        companies = {item.organisation_id for item in locked.values()}
        if len(companies) != 1:
            raise InvalidInput(
                _("Eine Sammelanfrage kann nur Gegenstände einer einzigen Organisation umfassen."),
                field="items",
            )
        first = locked[pairs[0][0]]
        requester, also_provider = _requester(by, organisation, first)
        for item in locked.values():
            _check_offer(item, requester)
        group = BookingGroup(
            requester=requester,
            provider=first.organisation,
            created_by=by,
            created_at=now,
            pickup_on=pickup_on,
            return_on=return_on,
            **fields,
        )
        insert(group)
        bookings = []
        # Held in the same ascending order as locked.
        for item_id, units in sorted(pairs):
            item = locked[item_id]
            hold_id = _hold(item, units=units, pickup_on=pickup_on, return_on=return_on)
            booking = loan_booking(
                item,
                requester=requester,
                by=by,
                now=now,
                units=units,
                pickup_on=pickup_on,
                return_on=return_on,
                hold_id=hold_id,
                group=group,
                **fields,
            )
            _insert_requested(booking, by=by)
            bookings.append(booking)
        group_notices.requested(group, bookings, by=by)
    group.as_requester, group.as_provider = True, also_provider
    return group


# --- the group's steps -------------------------------------------------------------------------


def _sides(group: BookingGroup, by: User) -> set[Side]:
    org_ids = set(
        Membership.objects.filter(
            user=by, organisation_id__in=[group.requester_id, group.provider_id]
        ).values_list("organisation_id", flat=True)
    )
    sides = set()
    if group.requester_id in org_ids:
        sides.add(Side.REQUESTER)
    if group.provider_id in org_ids:
        sides.add(Side.PROVIDER)
    return sides


def _must_be(group: BookingGroup, by: User, side: Side) -> None:
    sides = _sides(group, by)
    if not sides:
        if by.is_coordinator:
            raise NotAllowed(_("Die Koordination kann Buchungen ansehen, aber nicht ändern."))
        raise NotFound(_("Sammelanfrage nicht gefunden."))
    if side not in sides:
        if side == Side.PROVIDER:
            raise NotAllowed(_("Das kann nur die anbietende Organisation."))
        raise NotAllowed(_("Das kann nur die anfragende Organisation."))


def _items(group: BookingGroup) -> list[Booking]:
    """The group's bookings in the order their items are locked (ascending item id)."""
    return list(
        Booking.objects.filter(group=group)
        .select_related("listing", "requester", "provider", "slot")
        .order_by("listing_id", "id")
    )


def _chosen(
    items: list[Booking], named: Iterable[int] | None, states: set[str], *, field: str
) -> list[Booking]:
    """The named bookings of the group (all of them in `states` when none are named)."""
    if named is None:
        return [b for b in items if b.state in states]
    named = set(named)
    if not named:
        raise InvalidInput(_("Bitte mindestens einen Gegenstand wählen."), field=field)
    _check_of_group(items, named, field=field)
    return [b for b in items if b.pk in named]


def _check_of_group(items: list[Booking], named: set[int], *, field: str) -> None:
    unknown = named - {b.pk for b in items}
    if unknown:
        raise InvalidInput(
            _("Diese Buchungen gehören nicht zu der Sammelanfrage: %(ids)s")
            % {"ids": ", ".join(str(pk) for pk in sorted(unknown))},
            field=field,
        )


def _named(booking: Booking, error: DomainError) -> DomainError:
    """The error of one item's step, with the item named (the group has several)."""
    error.message = _("„%(title)s“: %(reason)s") % {
        "title": booking.listing.title,
        "reason": error.message,
    }
    return error


def booking_group_answer(
    *, group: BookingGroup, by: User, confirm: Iterable[int], message: str = ""
) -> BookingGroup:
    """The company answers every open item of the request at once: it confirms the bookings
    named in `confirm` (ids of the group's bookings; none: decline all) and declines the
    others. One e-mail to the requester (and a copy with the calendar entry to the company).

    Raises InvalidInput (a booking not of the group), Conflict (nothing open any more, a named
    item answered meanwhile), NotAllowed (not the company), NotFound, Busy.
    """
    message = _text(message, field="message", limit=MESSAGE_LIMIT)
    confirm = set(confirm)
    _must_be(group, by, Side.PROVIDER)
    with transaction.atomic(), notices.told_as_group():
        items = _items(group)
        _check_of_group(items, confirm, field="confirm")
        open_items = [b for b in items if b.state == S.REQUESTED]
        if not open_items:
            raise Conflict(_("Diese Sammelanfrage ist schon beantwortet."), code="answered")
        confirmed, declined = [], []
        for booking in items:
            if booking.pk in confirm or booking.state == S.REQUESTED:
                step = booking_confirm if booking.pk in confirm else booking_decline
                try:
                    done = step(booking=booking, by=by, message=message)
                except DomainError as error:
                    raise _named(booking, error) from None
                (confirmed if booking.pk in confirm else declined).append(done)
        group_notices.answered(group, confirmed, declined, by=by, message=message)
    return group


def booking_group_hand_over(
    *,
    group: BookingGroup,
    by: User,
    bookings: Iterable[int] | None = None,
    note: str = "",
    deposit_received: bool | None = None,
) -> BookingGroup:
    """The company hands over the named items (`bookings`: ids; None: every confirmed one) in
    one step, with one note; `deposit_received` answers for the items that have a deposit.

    Raises InvalidInput, Conflict (nothing to hand over, before the pickup day, an item in
    another state — named), NotAllowed, NotFound.
    """
    _must_be(group, by, Side.PROVIDER)
    with transaction.atomic(), notices.told_as_group():
        chosen = _chosen(_items(group), bookings, {S.CONFIRMED}, field="bookings")
        if not chosen:
            raise Conflict(_("Kein Gegenstand dieser Sammelanfrage ist zur Übergabe bereit."))
        for booking in chosen:
            try:
                booking_hand_over(
                    booking=booking,
                    by=by,
                    note=note,
                    deposit_received=deposit_received if booking.deposit else None,
                )
            except DomainError as error:
                raise _named(booking, error) from None
    return group


def booking_group_return(
    *,
    group: BookingGroup,
    by: User,
    bookings: Iterable[int] | None = None,
    note: str = "",
    damaged: bool = False,
    deposit_paid_back: bool | None = None,
    deposit_kept_reason: str = "",
) -> BookingGroup:
    """The company takes the named items back (`bookings`: ids; None: every one out, overdue
    included) in one step; the deposit answers apply to the items whose deposit was received.

    Raises InvalidInput, Conflict (nothing out, an item in another state — named), NotAllowed,
    NotFound, Busy.
    """
    _must_be(group, by, Side.PROVIDER)
    with transaction.atomic(), notices.told_as_group():
        chosen = _chosen(_items(group), bookings, {S.HANDED_OVER, S.OVERDUE}, field="bookings")
        if not chosen:
            raise Conflict(_("Kein Gegenstand dieser Sammelanfrage ist ausgeliehen."))
        for booking in chosen:
            received = bool(booking.deposit_received)
            try:
                booking_return(
                    booking=booking,
                    by=by,
                    note=note,
                    damaged=damaged,
                    deposit_paid_back=deposit_paid_back if received else None,
                    deposit_kept_reason=deposit_kept_reason if received else "",
                )
            except DomainError as error:
                raise _named(booking, error) from None
    return group


def booking_group_cancel(*, group: BookingGroup, by: User, reason: str) -> BookingGroup:
    """The requesting organisation cancels every open item of the request (unanswered or
    confirmed, not yet handed over), with a reason; one e-mail to the company.

    Raises InvalidInput (no reason), Conflict (nothing open any more), NotAllowed, NotFound,
    Busy.
    """
    reason = _text(reason, field="reason", limit=MESSAGE_LIMIT, required=True)
    _must_be(group, by, Side.REQUESTER)
    with transaction.atomic(), notices.told_as_group():
        chosen = _chosen(_items(group), None, {S.REQUESTED, S.CONFIRMED}, field="bookings")
        if not chosen:
            raise Conflict(_("In dieser Sammelanfrage ist nichts mehr zu stornieren."))
        was_confirmed = [b for b in chosen if b.state == S.CONFIRMED]
        cancelled = []
        for booking in chosen:
            try:
                cancelled.append(booking_cancel(booking=booking, by=by, reason=reason))
            except DomainError as error:
                raise _named(booking, error) from None
        group_notices.cancelled(
            group, cancelled, by=by, reason=reason, was_confirmed=bool(was_confirmed)
        )
    return group

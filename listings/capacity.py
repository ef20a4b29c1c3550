"""Capacity of offers: volunteer places, equipment units and job positions.

Bookings take and give back capacity only through these functions; the search and the
availability endpoint read it with the helpers at the end. Every write follows one pattern:
lock the offer's row (slot, item or job) with `select_for_update()`, then check, then write, so
two requests for the last place are served one after the other. The database constraints
(listings.models) are the last line of defence behind the checks.

Every writing function: the caller must be inside `transaction.atomic()`; it takes the row lock
and keeps it until the caller's transaction ends. A lock that cannot be had within
settings.LOCK_TIMEOUT_MS raises `Busy` (HTTP 409 with Retry-After; marketplace/locking.py);
the caller's transaction is then unusable and must be left. On SQLite writing transactions are
serialised by the settings (BEGIN IMMEDIATE), so the same code is correct there.

Status checks (is the offer published, may this organisation book it) are the caller's, in the
order lock → check → hold: `lock_slot()` / `lock_equipment()` return the locked offer row, the
caller checks it, then `slot_hold_locked()` / `equipment_hold_locked()` count and take the
capacity (slot_hold() and equipment_hold() do both for callers with no checks of their own).
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.locking import busy_on_lock_contention, lock_rows, set_lock_timeout
from marketplace.models import Organisation
from marketplace.rows import Shape, fetch, for_update_of, insert, quote

from .handover import closed_days_message, is_handover_day
from .models import (
    AllocationKind,
    ClosedReason,
    Equipment,
    EquipmentAllocation,
    JobOffer,
    Listing,
    ListingStatus,
    VolunteerAction,
    VolunteerSlot,
)


def _lock(queryset: QuerySet, *, not_found: str):
    """The single row of `queryset`, locked until the end of the caller's transaction."""
    set_lock_timeout()
    # [:1], not .first(): one row by its key needs no ORDER BY (cheaper to build).
    rows = lock_rows(queryset[:1], busy_message=_busy_message())
    if not rows:
        raise NotFound(not_found)
    return rows[0]


def _lock_row(query: tuple[str, list], *, not_found: str) -> tuple:
    """The single row that `query` (SQL and its values, ending in a row lock) selects, locked
    until the end of the caller's transaction: _lock() for the busiest locks, whose SQL is
    written once."""
    set_lock_timeout()
    sql, params = query
    with busy_on_lock_contention(_busy_message()):
        rows = fetch(sql, params)
    if not rows:
        raise NotFound(not_found)
    return rows[0]


def _busy_message() -> str:
    return _("Das Angebot wird gerade von jemand anderem gebucht. Bitte gleich noch einmal.")


def _table(model) -> str:
    return quote(model._meta.db_table)


# The offers' rows as lock_slot() and lock_equipment() read them (marketplace/rows.py: the
# ORM would build this SQL anew on each of the busiest requests).
_SLOT, _ACTION, _ITEM, _ORGANISATION = (
    Shape(VolunteerSlot),
    Shape(VolunteerAction),
    Shape(Equipment),
    Shape(Organisation),
)


def _with_organisation(listing_table: str) -> str:
    return (
        f' INNER JOIN {_table(Listing)} ON ({listing_table}."listing_ptr_id" = '
        f'{_table(Listing)}."id") INNER JOIN {_table(Organisation)} ON '
        f'({_table(Listing)}."organisation_id" = {_table(Organisation)}."id")'
    )


def _positive(value: int, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput(_("Bitte eine Anzahl ab 1 angeben."), field=field)


# --- Volunteer slots --------------------------------------------------------------------------


def lock_slot(slot_id: int) -> VolunteerSlot:
    """The slot with its action and the action's organisation, locked (the slot's own row only).
    Every change of its places starts here.

    Caller must be inside transaction.atomic(). Raises NotFound, Busy.
    """
    slot_table, action_table = _table(VolunteerSlot), _table(VolunteerAction)
    sql = (
        # Names from the models only, values as parameters.
        f"SELECT {_SLOT.columns}, {_ACTION.columns}, {_ORGANISATION.columns} FROM {slot_table}"  # noqa: S608
        f' INNER JOIN {action_table} ON ({slot_table}."action_id" = '
        f'{action_table}."listing_ptr_id"){_with_organisation(action_table)}'
        f' WHERE {slot_table}."id" = %s{for_update_of(VolunteerSlot._meta.db_table)}'
    )
    row = _lock_row((sql, [slot_id]), not_found=_("Diesen Termin gibt es nicht."))
    slot = _SLOT.load(row[: len(_SLOT)])
    action = _ACTION.load(row[len(_SLOT) : len(_SLOT) + len(_ACTION)])
    action.organisation = _ORGANISATION.load(row[len(_SLOT) + len(_ACTION) :])
    slot.action = action
    return slot


def slot_hold_locked(slot: VolunteerSlot, *, volunteers: int) -> None:
    """Promise `volunteers` places of a slot that the caller locked with lock_slot().

    Raises InvalidInput (fewer than the action's minimum or more than its maximum per booking),
    Conflict (the slot is over or has fewer free places).
    """
    _positive(volunteers, "volunteers")
    action = slot.action
    if action.min_volunteers_per_booking and volunteers < action.min_volunteers_per_booking:
        raise InvalidInput(
            ngettext(
                "Bitte mindestens %(n)d Freiwillige*n anfragen.",
                "Bitte mindestens %(n)d Freiwillige anfragen.",
                action.min_volunteers_per_booking,
            )
            % {"n": action.min_volunteers_per_booking},
            field="volunteers",
        )
    if action.max_volunteers_per_booking and volunteers > action.max_volunteers_per_booking:
        raise InvalidInput(
            ngettext(
                "Je Buchung ist höchstens %(n)d Freiwillige*r möglich.",
                "Je Buchung sind höchstens %(n)d Freiwillige möglich.",
                action.max_volunteers_per_booking,
            )
            % {"n": action.max_volunteers_per_booking},
            field="volunteers",
        )
    if slot.end <= timezone.now():
        raise Conflict(_("Dieser Termin ist schon vorbei."))
    if volunteers > slot.volunteers_free:
        raise Conflict(
            ngettext(
                "Für diesen Termin ist nur noch %(free)d Platz frei.",
                "Für diesen Termin sind nur noch %(free)d Plätze frei.",
                slot.volunteers_free,
            )
            % {"free": slot.volunteers_free}
        )
    slot.volunteers_held += volunteers
    slot.save(update_fields=["volunteers_held"])


def slot_hold(*, slot_id: int, volunteers: int) -> VolunteerSlot:
    """lock_slot() and slot_hold_locked() for a caller with no checks of its own.

    Caller must be inside transaction.atomic(). Raises as both.
    """
    _positive(volunteers, "volunteers")
    slot = lock_slot(slot_id)
    slot_hold_locked(slot, volunteers=volunteers)
    return slot


def slot_release(*, slot_id: int, volunteers: int) -> VolunteerSlot:
    """Give back `volunteers` places of a slot (a cancelled or declined booking).

    Caller must be inside transaction.atomic(); takes the row lock of the slot.
    Raises Conflict (more places given back than were promised), NotFound, Busy.
    """
    _positive(volunteers, "volunteers")
    slot = lock_slot(slot_id)
    if volunteers > slot.volunteers_held:
        raise Conflict(
            _("Es sind nicht so viele Plätze zugesagt, wie zurückgegeben werden sollen.")
        )
    slot.volunteers_held -= volunteers
    slot.save(update_fields=["volunteers_held"])
    return slot


# --- Equipment --------------------------------------------------------------------------------


def lock_equipment(item_id: int) -> Equipment:
    """The item with its organisation, locked (the item's own row only). Every change of its
    allocations starts here.

    Caller must be inside transaction.atomic(). Raises NotFound, Busy.
    """
    item_table = _table(Equipment)
    sql = (
        f"SELECT {_ITEM.columns}, {_ORGANISATION.columns} FROM {item_table}"  # noqa: S608
        f'{_with_organisation(item_table)} WHERE {item_table}."listing_ptr_id" = %s'
        f"{for_update_of(Equipment._meta.db_table)}"
    )
    row = _lock_row((sql, [item_id]), not_found=_("Diesen Gegenstand gibt es nicht."))
    item = _ITEM.load(row[: len(_ITEM)])
    item.organisation = _ORGANISATION.load(row[len(_ITEM) :])
    return item


def _busy_units(item: Equipment, start: dt.date, end: dt.date) -> set[int]:
    """Units with any allocation (loan, buffer or blocked) overlapping [start, end)."""
    return {unit for unit, _overdue in _overlapping(item, start, end)}


def _overlapping(item: Equipment, start: dt.date, end: dt.date) -> list[tuple[int, bool]]:
    """Each allocation overlapping [start, end) as (unit number, whether it is an overdue loan
    that is not back yet): the free units and, when too few are free, why (_overdue_note), in
    one statement."""
    sql = (
        f'SELECT "unit_number", ("kind" = %s AND "end" = %s) '  # noqa: S608
        f"FROM {_table(EquipmentAllocation)} "
        'WHERE "item_id" = %s AND "start" < %s AND "end" > %s'
    )
    adapt = connection.ops.adapt_datefield_value
    params = [AllocationKind.LOAN.value, adapt(UNTIL_RETURNED), item.pk, adapt(end), adapt(start)]
    return [(unit, bool(overdue)) for unit, overdue in fetch(sql, params)]


def _check_period(start: dt.date, end: dt.date) -> None:
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise InvalidInput(_("Bitte gültige Daten angeben."))
    if end <= start:
        raise InvalidInput(_("Das Ende muss nach dem Beginn liegen."), field="until")


def loan_days(pickup_on: dt.date, return_on: dt.date) -> int:
    """How many days a loan lasts, both days counted (a same-day loan is one day)."""
    return (return_on - pickup_on).days + 1


def _check_loan_days(pickup_on: dt.date, return_on: dt.date) -> None:
    if not isinstance(pickup_on, dt.date) or not isinstance(return_on, dt.date):
        raise InvalidInput(_("Bitte gültige Daten angeben."))
    if return_on < pickup_on:
        raise InvalidInput(_("Die Rückgabe kann nicht vor der Abholung liegen."), field="return_on")


def equipment_hold_locked(
    item: Equipment, *, units: int, pickup_on: dt.date, return_on: dt.date
) -> uuid.UUID:
    """Lend `units` units of an item that the caller locked with lock_equipment(), from the
    pickup day through the return day (both inclusive), and return the hold's id.

    The units stay taken for the item's buffer days after the return day. Free unit numbers
    are picked lowest first. The caller keeps the returned id to give the units back.
    Raises InvalidInput (bad days, a pickup or return day that is not one of the item's
    hand-over days, longer than the item's longest loan), Conflict (not enough units free over
    the whole loan, buffer days and unavailable dates included).
    """
    _positive(units, "units")
    _check_loan_days(pickup_on, return_on)
    for field, day in (("pickup_on", pickup_on), ("return_on", return_on)):
        if not is_handover_day(item, day):
            raise InvalidInput(closed_days_message(item), field=field)
    if loan_days(pickup_on, return_on) > item.max_loan_days:
        raise InvalidInput(
            ngettext(
                "Dieser Gegenstand wird höchstens %(days)d Tag verliehen.",
                "Dieser Gegenstand wird höchstens %(days)d Tage verliehen.",
                item.max_loan_days,
            )
            % {"days": item.max_loan_days},
            field="return_on",
        )
    # Allocations are half-open [start, end): the day after the return day ends the loan.
    taken_until = return_on + dt.timedelta(days=1 + item.buffer_days)
    overlapping = _overlapping(item, pickup_on, taken_until)
    busy = {unit for unit, _overdue in overlapping}
    free = [n for n in range(1, item.quantity + 1) if n not in busy]
    if len(free) < units:
        raise Conflict(
            ngettext(
                "In diesem Zeitraum ist nur %(free)d von %(quantity)d Stück frei.",
                "In diesem Zeitraum sind nur %(free)d von %(quantity)d Stück frei.",
                len(free),
            )
            % {"free": len(free), "quantity": item.quantity}
            + _overdue_note(len({unit for unit, overdue in overlapping if overdue}))
        )
    hold_id = uuid.uuid4()
    insert(
        *(
            EquipmentAllocation(
                item=item,
                unit_number=number,
                start=pickup_on,
                end=taken_until,
                hold_id=hold_id,
                kind=AllocationKind.LOAN,
            )
            for number in free[:units]
        )
    )
    return hold_id


def equipment_hold(
    *, item_id: int, units: int, pickup_on: dt.date, return_on: dt.date
) -> uuid.UUID:
    """lock_equipment() and equipment_hold_locked() for a caller with no checks of its own.

    Caller must be inside transaction.atomic(). Raises as both.
    """
    _positive(units, "units")
    _check_loan_days(pickup_on, return_on)
    item = lock_equipment(item_id)
    return equipment_hold_locked(item, units=units, pickup_on=pickup_on, return_on=return_on)


def _item_of_hold(hold_id: uuid.UUID) -> int | None:
    return (
        EquipmentAllocation.objects.filter(hold_id=hold_id, kind=AllocationKind.LOAN)
        .values_list("item_id", flat=True)
        .first()
    )


def equipment_release(*, hold_id: uuid.UUID) -> int:
    """Give back every unit of a hold; returns how many. Releasing twice gives back nothing.

    Caller must be inside transaction.atomic(); takes the row lock of the item.
    Raises Busy.
    """
    item_id = _item_of_hold(hold_id)
    if item_id is None:
        return 0
    lock_equipment(item_id)
    deleted, _rows = EquipmentAllocation.objects.filter(
        hold_id=hold_id, kind=AllocationKind.LOAN
    ).delete()
    return deleted


@dataclass(frozen=True)
class UnitWanted:
    """A unit a hold could not keep as long as asked: from `since` another allocation (a later
    loan's hold or a blocked period, `kind`) has it."""

    unit_number: int
    since: dt.date
    hold_id: uuid.UUID
    kind: str


@dataclass(frozen=True)
class HoldExtension:
    extended: int  # units whose allocation now ends later
    wanted: list[UnitWanted]  # units kept only up to another allocation's start


# A loan not back in time keeps its units with no end in sight: its allocation ends here, until
# the units come back (equipment_hold_shorten) or are written off (equipment_release).
UNTIL_RETURNED = dt.date(9999, 12, 31)


def equipment_hold_keep_until_returned(*, hold_id: uuid.UUID) -> HoldExtension:
    """An overdue loan keeps its units taken until it is returned, for the search and for new
    requests alike (which are told why: _overdue_note). As equipment_hold_extend()."""
    return equipment_hold_extend(hold_id=hold_id, end=UNTIL_RETURNED)


def equipment_holds_after(*, hold_id: uuid.UUID) -> list[uuid.UUID]:
    """The later loans' holds that have any of this hold's units after it (in order of their
    start): those who are affected when the units do not come back."""
    rows = list(
        EquipmentAllocation.objects.filter(hold_id=hold_id, kind=AllocationKind.LOAN).values_list(
            "item_id", "unit_number", "start"
        )
    )
    if not rows:
        return []
    later = (
        EquipmentAllocation.objects.filter(
            item_id=rows[0][0],
            kind=AllocationKind.LOAN,
            unit_number__in=[unit for _item, unit, _start in rows],
            start__gt=min(start for _item, _unit, start in rows),
        )
        .exclude(hold_id=hold_id)
        .order_by("start", "unit_number")
        .values_list("hold_id", flat=True)
    )
    return list(dict.fromkeys(later))


def _overdue_note(overdue: int) -> str:
    """Why units are missing, when `overdue` of them are with loans not back yet."""
    if not overdue:
        return ""
    return " " + ngettext(
        "%(n)d Stück ist überfällig und noch nicht zurückgegeben; es bleibt belegt, bis es "
        "zurück ist.",
        "%(n)d Stück sind überfällig und noch nicht zurückgegeben; sie bleiben belegt, bis sie "
        "zurück sind.",
        overdue,
    ) % {"n": overdue}


def equipment_hold_extend(*, hold_id: uuid.UUID, end: dt.date) -> HoldExtension:
    """Keep the units of a loan taken until `end` (exclusive, as in `equipment_hold`) and the
    item's buffer days after it: a loan that is not back in time. Never shortens a hold.

    Where another allocation (a later loan, a blocked period) has a unit before that, the other
    is left as it is, so no unit is ever taken twice: the hold keeps the unit up to the other's
    start and again from its end on (a piece of the hold per gap). Each such other allocation
    comes back in `wanted`, so the caller can tell whoever must sort it out.
    An unknown or released hold extends nothing. Running it again with the same `end` changes
    nothing.
    Caller must be inside transaction.atomic(); takes the row lock of the item.
    Raises Busy.
    """
    item_id = _item_of_hold(hold_id)
    if item_id is None:
        return HoldExtension(extended=0, wanted=[])
    item = lock_equipment(item_id)
    until = end if end >= UNTIL_RETURNED else end + dt.timedelta(days=item.buffer_days)
    pieces: dict[int, list[EquipmentAllocation]] = {}
    for row in EquipmentAllocation.objects.filter(
        hold_id=hold_id, kind=AllocationKind.LOAN
    ).order_by("unit_number", "start"):
        pieces.setdefault(row.unit_number, []).append(row)
    if not pieces:
        return HoldExtension(extended=0, wanted=[])
    # Never shorter than the hold already is.
    ends = {unit: max(until, *(row.end for row in rows)) for unit, rows in pieces.items()}
    # Whatever else has these units between the hold's start and its end.
    others: dict[int, list[EquipmentAllocation]] = {}
    for other in (
        EquipmentAllocation.objects.filter(
            item=item,
            unit_number__in=list(pieces),
            start__lt=max(ends.values()),
            end__gt=min(rows[0].start for rows in pieces.values()),
        )
        .exclude(hold_id=hold_id)
        .order_by("start")
    ):
        others.setdefault(other.unit_number, []).append(other)
    extended, wanted, replaced, new_pieces = 0, [], [], []
    for unit, rows in pieces.items():
        # The hold's days of this unit: from its start to the end, less the others' days (a
        # gap left by a later loan cancelled meanwhile is the hold's again).
        wish, cursor, until = [], rows[0].start, ends[unit]
        for other in others.get(unit, []):
            if other.end <= cursor:
                continue
            if other.start > cursor:
                wish.append((cursor, min(other.start, until)))
            wanted.append(UnitWanted(unit, max(cursor, other.start), other.hold_id, other.kind))
            cursor = other.end
            if cursor >= until:
                break
        if cursor < until:
            wish.append((cursor, until))
        if wish != [(row.start, row.end) for row in rows]:
            replaced.extend(row.pk for row in rows)
            new_pieces.extend((unit, first, stop) for first, stop in wish)
            extended += 1
    EquipmentAllocation.objects.filter(pk__in=replaced).delete()
    EquipmentAllocation.objects.bulk_create(
        EquipmentAllocation(
            item=item,
            unit_number=unit,
            start=first,
            end=stop,
            hold_id=hold_id,
            kind=AllocationKind.LOAN,
        )
        for unit, first, stop in new_pieces
    )
    return HoldExtension(extended=extended, wanted=wanted)


def equipment_hold_shorten(*, hold_id: uuid.UUID, end: dt.date) -> int:
    """A loan came back: its units stay taken only until `end` (the return day) and the
    item's buffer days after it (cleaning and checks), and are free after that. Never
    lengthens a hold. Units whose loan would only begin after that are given back entirely.

    Returns how many units the hold still has; 0 means it is gone and its id can be forgotten.
    Caller must be inside transaction.atomic(); takes the row lock of the item.
    Raises Busy.
    """
    item_id = _item_of_hold(hold_id)
    if item_id is None:
        return 0
    item = lock_equipment(item_id)
    until = end + dt.timedelta(days=item.buffer_days)
    rows = EquipmentAllocation.objects.filter(hold_id=hold_id, kind=AllocationKind.LOAN)
    rows.filter(start__gte=until).delete()
    rows.filter(end__gt=until).update(end=until)
    return rows.count()


def block_period_locked(item: Equipment, *, start: dt.date, end: dt.date) -> uuid.UUID:
    """Mark every unit unavailable for [start, end). Caller holds the item's lock.

    Raises Conflict when a loan (or its buffer days) overlaps the period.
    """
    _check_period(start, end)
    if _busy_units(item, start, end):
        raise Conflict(
            _("Vom %(start)s bis %(last)s ist der Gegenstand schon verliehen.")
            % {"start": start.strftime("%d.%m.%Y"), "last": _last_day(end).strftime("%d.%m.%Y")}
        )
    hold_id = uuid.uuid4()
    EquipmentAllocation.objects.bulk_create(
        EquipmentAllocation(
            item=item,
            unit_number=number,
            start=start,
            end=end,
            hold_id=hold_id,
            kind=AllocationKind.BLOCKED,
        )
        for number in range(1, item.quantity + 1)
    )
    return hold_id


def _last_day(end: dt.date) -> dt.date:
    return end - dt.timedelta(days=1)


def set_quantity_locked(item: Equipment, quantity: int) -> None:
    """Change the number of units. Caller holds the item's lock.

    New units get the item's blocked periods; removed units must have no current or future
    loan (raises Conflict otherwise).
    """
    old = item.quantity
    if quantity < old:
        today = timezone.localdate()
        in_use = EquipmentAllocation.objects.filter(
            item=item, kind=AllocationKind.LOAN, unit_number__gt=quantity, end__gt=today
        )
        if in_use.exists():
            raise Conflict(
                _(
                    "Die Anzahl kann nicht auf %(n)d sinken: weitere Stücke sind verliehen oder "
                    "zugesagt."
                )
                % {"n": quantity},
                field="quantity",
            )
        EquipmentAllocation.objects.filter(
            item=item, kind=AllocationKind.BLOCKED, unit_number__gt=quantity
        ).delete()
    elif quantity > old:
        periods = blocked_periods(item)
        EquipmentAllocation.objects.bulk_create(
            EquipmentAllocation(
                item=item,
                unit_number=number,
                start=period.start,
                end=period.end,
                hold_id=period.hold_id,
                kind=AllocationKind.BLOCKED,
            )
            for period in periods
            for number in range(old + 1, quantity + 1)
        )
    item.quantity = quantity


@dataclass(frozen=True)
class BlockedPeriod:
    hold_id: uuid.UUID
    start: dt.date
    end: dt.date  # exclusive

    @property
    def last_day(self) -> dt.date:
        return _last_day(self.end)


def blocked_periods(item: Equipment) -> list[BlockedPeriod]:
    """The item's unavailable periods (unit 1 carries every one of them)."""
    rows = EquipmentAllocation.objects.filter(
        item=item, kind=AllocationKind.BLOCKED, unit_number=1
    ).order_by("start")
    return [BlockedPeriod(row.hold_id, row.start, row.end) for row in rows]


def equipment_free_units(item: Equipment, pickup_on: dt.date, return_on: dt.date) -> int:
    """How many units could be lent from the pickup day through the return day now: free over
    the whole loan and the item's buffer days after it (the same count `equipment_hold`
    checks)."""
    _check_period(pickup_on, return_on + dt.timedelta(days=1))
    busy = _busy_units(item, pickup_on, return_on + dt.timedelta(days=1 + item.buffer_days))
    return max(item.quantity - len(busy), 0)


def equipment_daily_availability(
    item: Equipment, start: dt.date, end: dt.date
) -> list[tuple[dt.date, int]]:
    """For each day of [start, end): units neither lent, in their buffer days, nor blocked."""
    return equipment_daily_availability_of([item], start, end)[item.pk]


def equipment_daily_availability_of(
    items: Iterable[Equipment], start: dt.date, end: dt.date
) -> dict[int, list[tuple[dt.date, int]]]:
    """`equipment_daily_availability` of several items (by item id), in one query: a list
    page counts all its items together. Only `pk` and `quantity` of the items are read."""
    _check_period(start, end)
    items = list(items)
    if not items:
        return {}
    days = (end - start).days
    busy: dict[int, list[set[int]]] = {item.pk: [set() for _day in range(days)] for item in items}
    rows = EquipmentAllocation.objects.filter(
        item_id__in=list(busy), start__lt=end, end__gt=start
    ).values_list("item_id", "unit_number", "start", "end")
    for item_id, unit, first, stop in rows:
        for offset in range(max((first - start).days, 0), min((stop - start).days, days)):
            busy[item_id][offset].add(unit)
    return {
        item.pk: [
            (start + dt.timedelta(days=offset), max(item.quantity - len(taken), 0))
            for offset, taken in enumerate(busy[item.pk])
        ]
        for item in items
    }


def equipment_first_free_days(
    items: Iterable[Equipment], start: dt.date, end: dt.date
) -> dict[int, dt.date]:
    """Each item's first day of [start, end) with at least one unit free (by item id), in one
    query. Items with no free day in the period are left out."""
    found = {}
    for item_id, days in equipment_daily_availability_of(items, start, end).items():
        first = next((day for day, free in days if free > 0), None)
        if first is not None:
            found[item_id] = first
    return found


# --- Job positions ----------------------------------------------------------------------------


def _lock_job(job_id: int) -> JobOffer:
    # Both rows (the job's and its listing's): filling the last position closes the listing.
    return _lock(
        JobOffer.objects.filter(pk=job_id).select_for_update(),
        not_found=_("Dieses Stellenangebot gibt es nicht."),
    )


def job_close_or_reopen(job: JobOffer, *, by=None) -> list[str]:
    """The one rule of a job offer's positions and its status: a published or paused job whose
    last position is filled closes itself (closed_reason FILLED); one closed so that has a free
    position again while its application deadline has not passed is published again. Writes
    the status change's event row (by `by`, None for a hire counted here).

    Caller holds the job's row lock and saves the job with the returned fields (none when the
    status stays); the move itself is Listing.change_status().
    """
    if job.positions_filled >= job.positions and job.status in (
        ListingStatus.PUBLISHED,
        ListingStatus.PAUSED,
    ):
        return job.change_status(
            ListingStatus.CLOSED,
            by=by,
            reason=_("Alle Stellen besetzt."),
            closed_reason=ClosedReason.FILLED,
        )
    if (
        job.status == ListingStatus.CLOSED
        and job.closed_reason == ClosedReason.FILLED
        and job.positions_filled < job.positions
        and job.application_deadline >= timezone.localdate()
    ):
        return job.change_status(
            ListingStatus.PUBLISHED, by=by, reason=_("Wieder eine Stelle frei.")
        )
    return []


def job_fill_position(*, job_id: int) -> JobOffer:
    """Count one hire; the job closes itself when its last position is filled.

    Hiring after the application deadline is allowed (the deadline is for applications).
    Caller must be inside transaction.atomic(); takes the row lock of the job.
    Raises Conflict (every position is filled), NotFound, Busy.
    """
    job = _lock_job(job_id)
    if job.positions_filled >= job.positions:
        raise Conflict(_("Alle Stellen dieses Angebots sind schon besetzt."))
    job.positions_filled += 1
    job.save(update_fields=["positions_filled", *job_close_or_reopen(job)])
    return job


def job_release_position(*, job_id: int) -> JobOffer:
    """Take back one hire (a hire that fell through). A job that closed itself because it was
    full is published again while its application deadline has not passed.

    Caller must be inside transaction.atomic(); takes the row lock of the job.
    Raises Conflict (no position is filled), NotFound, Busy.
    """
    job = _lock_job(job_id)
    if job.positions_filled == 0:
        raise Conflict(_("Bei diesem Angebot ist keine Stelle besetzt."))
    job.positions_filled -= 1
    job.save(update_fields=["positions_filled", *job_close_or_reopen(job)])
    return job


def job_free_positions(job: JobOffer) -> int:
    return job.positions - job.positions_filled

"""Reads the offer pages need beyond the listings selectors: search result cards with their
next free date, and an equipment item's availability as a calendar.

Capacity is always counted by listings.capacity (or read from the slots' own counters), never
recomputed here.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import get_language

from listings import capacity
from listings.handover import is_handover_day
from listings.models import Equipment, ListingKind, VolunteerSlot
from listings.search_sources import search_sources

# How far ahead a card looks for the next day an item has a unit free.
EQUIPMENT_LOOKAHEAD_DAYS = 90
CALENDAR_WEEKS = 6


def media_url(name: str) -> str:
    return f"{settings.MEDIA_URL}{name}" if name else ""


@dataclass
class OfferCard:
    id: int
    kind: str
    kind_label: str
    title: str
    excerpt: str
    organisation_name: str
    organisation_id: int
    category_name: str
    thumbnail_url: str
    next_free: dt.date | None
    deadline: dt.date | None

    @property
    def next_free_is_today(self) -> bool:
        return self.next_free == timezone.localdate()


def _next_free_slot_days(action_ids: list[int]) -> dict[int, dt.date]:
    """Each action's first future slot that still has free places (one query)."""
    if not action_ids:
        return {}
    rows = (
        VolunteerSlot.objects.filter(
            action_id__in=action_ids,
            end__gt=timezone.now(),
            volunteers_held__lt=F("volunteers_available"),
        )
        .values("action_id")
        .annotate(first=Min("start"))
    )
    return {row["action_id"]: timezone.localdate(row["first"]) for row in rows}


def _next_free_equipment_days(item_ids: list[int]) -> dict[int, dt.date]:
    """Each item's first day within EQUIPMENT_LOOKAHEAD_DAYS with a unit free."""
    if not item_ids:
        return {}
    today = timezone.localdate()
    until = today + dt.timedelta(days=EQUIPMENT_LOOKAHEAD_DAYS)
    # Two queries for the whole page (the items' quantities, their allocations), not per card.
    items = Equipment.objects.filter(pk__in=item_ids).only("id", "quantity")
    return capacity.equipment_first_free_days(items, today, until)


def cards_for(rows: list[dict]) -> list[OfferCard]:
    """Cards for rows of listings.search.search(), in their order."""
    english = (get_language() or settings.LANGUAGE_CODE).startswith("en")
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row["id"])
    next_free_kinds = {ListingKind.VOLUNTEER_ACTION, ListingKind.EQUIPMENT}
    next_free = {
        **_next_free_slot_days(by_kind.get(ListingKind.VOLUNTEER_ACTION, [])),
        **_next_free_equipment_days(by_kind.get(ListingKind.EQUIPMENT, [])),
    }
    labels = {
        **dict(ListingKind.choices),
        **{source.kind: source.label for source in search_sources()},
    }
    cards = []
    for row in rows:
        # A job shows its start and deadline; another app's row (a need) its date and how long
        # it is open, from the same two columns.
        is_job = row["kind"] not in next_free_kinds
        cards.append(
            OfferCard(
                id=row["id"],
                kind=row["kind"],
                kind_label=str(labels[row["kind"]]),
                title=row["title"],
                excerpt=row["excerpt"],
                organisation_name=row["organisation__name"],
                organisation_id=row["organisation_id"],
                category_name=(english and row["category__name_en"]) or row["category__name_de"],
                thumbnail_url=media_url(row["thumbnail"]),
                next_free=row["next_date"] if is_job else next_free.get(row["id"]),
                deadline=row["visible_until"] if is_job else None,
            )
        )
    return cards


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    free: int | None  # None: outside the period shown
    quantity: int
    closed: bool = False  # no pick-up or return on this day (not one of the hand-over days)

    @property
    def level(self) -> str:
        if self.free is None:
            return "outside"
        if self.free == 0:
            return "none"
        return "all" if self.free >= self.quantity else "some"


def availability_weeks(item: Equipment, *, weeks: int = CALENDAR_WEEKS) -> list[list[CalendarDay]]:
    """Weeks (Monday to Sunday) from this week on, each day with its free units."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    end = monday + dt.timedelta(weeks=weeks)
    free = dict(capacity.equipment_daily_availability(item, today, end))
    days = [
        CalendarDay(day, free.get(day), item.quantity, closed=not is_handover_day(item, day))
        for day in (monday + dt.timedelta(days=n) for n in range((end - monday).days))
    ]
    return [days[i : i + 7] for i in range(0, len(days), 7)]

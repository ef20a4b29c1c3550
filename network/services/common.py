"""Pieces the network's services share: the event's row lock and the checks of who hosts."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from marketplace.locking import lock_rows

from ..models import Event, Station


def busy_message() -> str:
    return _("Für diese Veranstaltung melden sich gerade viele an. Bitte gleich noch einmal.")


def lock_event(event_id: int) -> Event:
    """The event's row, locked until the caller's transaction ends: every change of its seats,
    its registrations, its state, time or place is made under this lock. Precondition: inside
    locking_transaction() (marketplace/locking.py)."""
    rows = lock_rows(
        Event.objects.filter(pk=event_id).select_for_update(of=("self",))[:1],
        busy_message=busy_message(),
    )
    if not rows:
        raise NotFound(_("Diese Veranstaltung gibt es nicht."))
    return rows[0]


def lock_station(event: Event, station_id: int) -> Station:
    """A station of `event`, locked (after the event's lock: always in this order)."""
    rows = lock_rows(
        Station.objects.filter(pk=station_id, event=event).select_for_update(of=("self",))[:1],
        busy_message=busy_message(),
    )
    if not rows:
        raise NotFound(_("Diese Station gibt es nicht."))
    return rows[0]


def one_of(queryset: QuerySet, pk: int, message: str):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound(message)
    return row

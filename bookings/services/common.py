"""Small pieces every bookings service module shares: limits, text checks, the write of one
step of the state table (state, event row, notices)."""

import datetime as dt

from django.utils import timezone

from marketplace.errors import Busy, Conflict, NotFound
from marketplace.models import User
from marketplace.rows import insert, insert_with_child
from marketplace.text import clean_text

from .. import notices
from ..models import Booking, BookingEvent
from ..states import Side, is_final, transition

TEXT_LIMIT = 2000
# How far ahead a loan may begin (also keeps date arithmetic far from year 9999).
MAX_AHEAD = dt.timedelta(days=730)
MESSAGE_LIMIT = 5000


def _text(value: str, *, field: str, limit: int = TEXT_LIMIT, required: bool = False) -> str:
    return clean_text(value, field=field, limit=limit, required=required)


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _take_action(
    locked: Booking,
    *,
    action: str,
    side: Side,
    by: User | None,
    message: str,
    changes: dict | None = None,
    notice_message: str | None = None,
) -> None:
    """Take `action` on a booking whose row lock the caller holds: the state the table gives,
    `changes` and the end time once final written, the event row, the notices. The notices carry
    `notice_message` where it differs from the event's message."""
    move = transition(locked.kind, locked.state, action)
    from_state = locked.state
    locked.state = move.to
    fields = ["state", "updated_at"]
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
        fields.append(name)
    if is_final(locked.kind, locked.state) and locked.ended_at is None:
        locked.ended_at = timezone.now()
        fields.append("ended_at")
    locked.save(update_fields=fields)
    event = BookingEvent(
        booking=locked,
        action=action,
        from_state=from_state,
        to_state=locked.state,
        by=by,
        message=message,
    )
    insert(event)  # as objects.create(), with the statement built once (marketplace/rows.py)
    told = message if notice_message is None else notice_message
    notices.transitioned(locked, action=action, side=side, by=by, message=told)


def _insert_requested(booking: Booking, *, by: User) -> BookingEvent:
    """Write a new request and its first event ("request"); one statement on PostgreSQL."""
    event = BookingEvent(
        action="request", from_state="", to_state=booking.state, by=by, message=booking.message
    )
    # Booking has no save() of its own and no signal receivers (marketplace/rows.py).
    insert_with_child(booking, event, link="booking")
    return event


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

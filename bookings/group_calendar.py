"""The calendar entry of a request for several items (bookings/services/multi.py): one
all-day event from the pickup day through the return day with every confirmed item in its
description, one UID per group, so the whole request is one entry in a calendar rather than two
per item. Sent with the group's answer (METHOD:REQUEST) and its cancellation (METHOD:CANCEL),
each recipient's own copy, like bookings/calendar.py does for a single booking."""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Event

from marketplace.notices import Recipient
from notifications import calendar_files
from notifications.calendar_files import CANCEL, REQUEST, CalendarFile

from .models import Booking, BookingEvent, BookingGroup

__all__ = ["CANCEL", "REQUEST", "invitations", "uid"]


def uid(group: BookingGroup) -> str:
    return calendar_files.uid("bookinggroup", group.pk)


def _sequence(group: BookingGroup) -> int:
    # Every step of every item counts: the number only ever grows.
    return BookingEvent.objects.filter(booking__group=group).count()


def _event(
    group: BookingGroup, items: Sequence[Booking], *, cancelled: bool, sequence: int
) -> Event:
    url = f"{settings.SITE_URL}{group.path}"
    event = Event()
    event.add("uid", uid(group))
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add(
        "summary",
        ngettext(
            "Ausleihe bei %(company)s: %(count)d Gegenstand",
            "Ausleihe bei %(company)s: %(count)d Gegenstände",
            len(items),
        )
        % {"company": group.provider.name, "count": len(items)},
    )
    event.add("url", url)
    event.add("organizer", calendar_files.organizer(group.provider.name))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # All-day, from the pickup day through the return day (DTEND is the exclusive next day).
    event.add("dtstart", group.pickup_on)
    event.add("dtend", group.return_on + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    first = items[0].listing.equipment if items else None
    if first is not None:
        event.add("location", f"{first.pickup_street}, {first.pickup_postcode} {first.pickup_city}")
    lines = [
        _("%(units)s × %(title)s") % {"units": booking.units, "title": booking.listing.title}
        for booking in items
    ]
    lines.append(
        _("von %(company)s für %(social)s")
        % {"company": group.provider.name, "social": group.requester.name}
    )
    lines.append(url)
    event.add("description", "\n".join(lines))
    return event


def invitations(
    group: BookingGroup, items: Sequence[Booking], *, recipient: Recipient, method: str = REQUEST
) -> list[CalendarFile]:
    """The one .ics file of the group for one recipient (`sammelanfrage.ics`, or
    `absage-sammelanfrage.ics` for a cancellation), in the recipient's language."""
    cancelled = method == CANCEL
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        event = _event(group, items, cancelled=cancelled, sequence=_sequence(group))
    event.add("attendee", calendar_files.attendee(recipient.email))
    stem = "absage-sammelanfrage" if cancelled else "sammelanfrage"
    return [calendar_files.calendar_file(stem, event, method=method)]

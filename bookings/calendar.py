"""Calendar entries (iCalendar, RFC 5545) for a booking's confirmed dates.

- A volunteer slot is one timed event (Europe/Berlin) from the slot's start to its end.
- An equipment loan is two all-day events: the pick-up on the pickup day and the return on
  the return day (the same day for a same-day loan). Each has a UID of its own, so a
  calendar shows both and an update or a cancellation reaches each of them.

Invitations by e-mail follow iTIP (RFC 5546): METHOD:REQUEST when a booking is confirmed,
METHOD:CANCEL with the same UID and a higher SEQUENCE when it is cancelled. iTIP allows one
UID per message, so a loan's invitation is two files (pick-up and return). Each recipient gets
a copy of their own: the providing organisation as ORGANIZER (with the site's no-reply
address), the recipient as ATTENDEE, the texts in the recipient's language. The SEQUENCE is
the number of steps the booking has taken (its BookingEvent rows): it only ever grows, and
needs no column of its own.

The private feed (feed_entries()) lists the same events, without ATTENDEE, as a subscription
(METHOD:PUBLISH).
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Event

from listings.handover import handover_text
from marketplace.notices import Recipient
from notifications import calendar_files
from notifications.calendar_files import CANCEL, REQUEST, CalendarFile, berlin

from .models import Booking, BookingKind

__all__ = ["CANCEL", "REQUEST", "events", "feed_entries", "invitations", "sequence", "uid"]


def uid(booking: Booking, part: str = "") -> str:
    """Stable for the booking's life: the same on confirmation, update and cancellation."""
    return calendar_files.uid("booking", booking.pk, part)


def sequence(booking: Booking) -> int:
    """Grows with every step of the booking; uses `event_count` if the caller annotated it."""
    count = getattr(booking, "event_count", None)
    if count is None:
        count = booking.events.count()
    return count


def _url(booking: Booking) -> str:
    return f"{settings.SITE_URL}{booking.path}"


def _event(booking: Booking, *, part: str, summary: str, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", uid(booking, part))
    event.add("sequence", sequence(booking))
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("url", _url(booking))
    event.add("organizer", calendar_files.organizer(booking.provider.name))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _volunteer_events(booking: Booking, *, cancelled: bool) -> list[tuple[str, Event]]:
    event = _event(
        booking,
        part="",
        summary=_("Freiwilligeneinsatz: %(title)s") % {"title": booking.listing.title},
        cancelled=cancelled,
    )
    event.add("dtstart", berlin(booking.slot.start))
    event.add("dtend", berlin(booking.slot.end))
    event.add("location", booking.place)
    event.add(
        "description",
        "\n".join(
            line
            for line in (
                ngettext(
                    "%(company)s mit %(n)s Freiwilligen bei %(social)s",
                    "%(company)s mit %(n)s Freiwilligen bei %(social)s",
                    booking.volunteers,
                )
                % {
                    "company": booking.provider.name,
                    "n": booking.volunteers,
                    "social": booking.requester.name,
                },
                booking.task,
                _("Ansprechperson: %(name)s %(phone)s")
                % {"name": booking.contact_name, "phone": booking.contact_phone},
                _url(booking),
            )
            if line
        ),
    )
    return [("einladung", event)]


def _pickup_address(booking: Booking) -> str:
    item = booking.listing.equipment
    return f"{item.pickup_street}, {item.pickup_postcode} {item.pickup_city}"


def _loan_events(booking: Booking, *, cancelled: bool) -> list[tuple[str, Event]]:
    item = booking.listing.equipment
    title = booking.listing.title
    details = "\n".join(
        line
        for line in (
            _("%(units)s Stück von %(company)s für %(social)s")
            % {
                "units": booking.units,
                "company": booking.provider.name,
                "social": booking.requester.name,
            },
            _("Abholung und Rückgabe: %(days)s") % {"days": handover_text(item)},
            item.handover_note,
            _("Ansprechperson: %(name)s %(phone)s")
            % {"name": item.contact_name, "phone": item.contact_phone}
            if item.contact_name
            else "",
            _url(booking),
        )
        if line
    )
    events = []
    for part, day, summary in (
        ("pickup", booking.pickup_on, _("Abholung: %(title)s") % {"title": title}),
        ("return", booking.return_on, _("Rückgabe: %(title)s") % {"title": title}),
    ):
        event = _event(booking, part=part, summary=summary, cancelled=cancelled)
        # All-day: DTEND is the (exclusive) next day.
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("location", _pickup_address(booking))
        event.add("description", details)
        event.add("transp", "TRANSPARENT")
        events.append(("abholung" if part == "pickup" else "rueckgabe", event))
    return events


def events(booking: Booking, *, cancelled: bool = False) -> list[tuple[str, Event]]:
    """(file stem, event) for each calendar entry of the booking; none for job referrals."""
    if booking.kind == BookingKind.VOLUNTEER and booking.slot is not None:
        return _volunteer_events(booking, cancelled=cancelled)
    if booking.kind == BookingKind.EQUIPMENT:
        return _loan_events(booking, cancelled=cancelled)
    return []


def invitations(
    booking: Booking, *, recipient: Recipient, method: str = REQUEST
) -> list[CalendarFile]:
    """The .ics files to attach to one recipient's confirmation (REQUEST, `einladung.ics`, or
    `abholung.ics` and `rueckgabe.ics`) or cancellation (CANCEL, `absage.ics`, or
    `absage-abholung.ics` and `absage-rueckgabe.ics`): the recipient as ATTENDEE, the texts in
    the recipient's language like the e-mail they come with."""
    cancelled = method == CANCEL
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        pairs = events(booking, cancelled=cancelled)
    files = []
    for stem, event in pairs:
        event.add("attendee", calendar_files.attendee(recipient.email))
        name = ("absage" if stem == "einladung" else f"absage-{stem}") if cancelled else stem
        files.append(calendar_files.calendar_file(name, event, method=method))
    return files


def feed_entries(bookings: Iterable[Booking]) -> Iterable[Event]:
    """The bookings' confirmed dates for the private feed (METHOD:PUBLISH: an ORGANIZER, no
    ATTENDEE, nothing to answer)."""
    for booking in bookings:
        for _stem, event in events(booking):
            yield event

"""Calendar entries (iCalendar, RFC 5545/5546) for network events and series.

- An event is one timed VEVENT in Europe/Berlin, UID f"event-{pk}@<domain>", SEQUENCE the
  event's `sequence` (raised whenever time or place of a published event change, and on
  cancellation), so an update or a cancellation replaces the entry people already have.
- Invitations by e-mail follow iTIP: METHOD:REQUEST on registration, promotion and change,
  METHOD:CANCEL when the event is cancelled (or the person's registration ends).
- A series' calendar (public or for members) is one master VEVENT with the RRULE, EXDATE for
  each cancelled occurrence and an override VEVENT (same UID, RECURRENCE-ID) for each occurrence
  that was moved or changed on its own.
- The online link is only in the entries of registered people and hosts (`with_link`).

`feed_entries()` is the private feed's source of the person's registered events
(notifications.calendar_files; registered in apps.py).
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event as VEvent
from icalendar import vRecur

from notifications import calendar_files
from notifications.calendar_files import CANCEL, PUBLISH, REQUEST, CalendarFile, berlin

from .models import Event, EventSeries, EventState
from .selectors import registered_events_for_feed

__all__ = ["CANCEL", "PUBLISH", "REQUEST"]


def uid(event: Event) -> str:
    return calendar_files.uid("event", event.pk)


def series_uid(series: EventSeries) -> str:
    return calendar_files.uid("series", series.pk)


def event_url(event: Event) -> str:
    return f"{settings.SITE_URL}/termine/{event.pk}/"


def _location(event: Event) -> str:
    if event.online and not event.place:
        return _("online")
    return event.place


def _description(event: Event, *, with_link: bool) -> str:
    lines = [event.description] if event.description else []
    if event.online and with_link and event.online_link:
        lines.append(_("Teilnahme online: %(link)s") % {"link": event.online_link})
    lines.append(event_url(event))
    return "\n\n".join(lines)


def _fill(component: VEvent, event: Event, *, with_link: bool) -> None:
    component.add("dtstart", berlin(event.starts_at))
    component.add("dtend", berlin(event.ends_at))
    component.add("summary", event.title)
    location = _location(event)
    if location:
        component.add("location", location)
    component.add("description", _description(event, with_link=with_link))
    component.add("url", event_url(event))


def _organizer(event: Event):
    """The hosts by name (or the network), with the site's no-reply address."""
    hosts = ", ".join(host.name for host in event.hosts.all())
    return calendar_files.organizer(hosts)  # no hosts: the site's name


def event_component(
    event: Event, *, with_link: bool = False, cancelled: bool = False, organizer: bool = True
) -> VEvent:
    component = VEvent()
    component.add("uid", uid(event))
    component.add("sequence", event.sequence)
    component.add("dtstamp", timezone.now())
    _fill(component, event, with_link=with_link)
    if organizer:
        component.add("organizer", _organizer(event))
    gone = cancelled or event.state == EventState.CANCELLED
    component.add("status", "CANCELLED" if gone else "CONFIRMED")
    return component


def invitation(event: Event, *, recipient, method: str = REQUEST) -> CalendarFile:
    """One registered person's .ics for a confirmation, promotion, change (REQUEST) or
    cancellation (CANCEL, named `absage-…`): the hosts as ORGANIZER, the person as ATTENDEE
    (RFC 5546), the online link, the texts in the person's language like the e-mail."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        component = event_component(event, with_link=True, cancelled=method == CANCEL)
    component.add("attendee", calendar_files.attendee(recipient.email))
    stem = f"absage-termin-{event.pk}" if method == CANCEL else f"termin-{event.pk}"
    return calendar_files.calendar_file(stem, component, method=method)


def event_calendar(event: Event, *, with_link: bool = False) -> bytes:
    """A single event to download (METHOD:PUBLISH), e.g. a public event's .ics."""
    calendar = calendar_files.new_calendar(PUBLISH)
    calendar.add_component(event_component(event, with_link=with_link, organizer=False))
    return calendar.to_ical()


def _moved_or_changed(occurrence: Event, series: EventSeries) -> bool:
    return (
        occurrence.starts_at != occurrence.recurrence_id
        or occurrence.ends_at - occurrence.starts_at != series.duration
        or occurrence.place != series.place
        or occurrence.title != series.title
        or occurrence.sequence > 0
    )


def series_calendar(series: EventSeries, occurrences: list[Event]) -> bytes:
    """The series as one recurring entry: RRULE, EXDATE for each cancelled occurrence and an
    override with RECURRENCE-ID for each occurrence changed on its own."""
    calendar = calendar_files.new_calendar(PUBLISH)
    master = VEvent()
    master.add("uid", series_uid(series))
    master.add("sequence", series.sequence)
    master.add("dtstamp", timezone.now())
    master.add("dtstart", berlin(series.first_starts_at))
    master.add("dtend", berlin(series.first_starts_at + series.duration))
    master.add("summary", series.title)
    if series.place or series.online:
        master.add("location", series.place or _("online"))
    if series.description:
        master.add("description", series.description)
    master.add("rrule", vRecur.from_ical(series.rrule))
    cancelled = [o for o in occurrences if o.state == EventState.CANCELLED]
    if cancelled:
        master.add("exdate", [berlin(o.recurrence_id) for o in cancelled])
    calendar.add_component(master)
    for occurrence in occurrences:
        if occurrence.state == EventState.CANCELLED or not _moved_or_changed(occurrence, series):
            continue
        override = VEvent()
        override.add("uid", series_uid(series))
        override.add("recurrence-id", berlin(occurrence.recurrence_id))
        override.add("sequence", occurrence.sequence)
        override.add("dtstamp", timezone.now())
        _fill(override, occurrence, with_link=False)
        calendar.add_component(override)
    return calendar.to_ical()


# --- the private feed --------------------------------------------------------------------------

FEED_PAST = dt.timedelta(days=366)


def feed_entries(user) -> list[VEvent]:
    """The events the person is registered for (from a year back), without ORGANIZER."""
    return [
        event_component(event, with_link=True, organizer=False)
        for event in registered_events_for_feed(user, since=timezone.now() - FEED_PAST)
    ]

"""Calendar files (iCalendar, RFC 5545/5546) for every app that puts dates in people's calendars.

The pieces bookings, network events and whatever comes next share: a calendar with the Berlin
time zone, the iTIP method, the organizer, stable UIDs, the file to attach to an e-mail, and
the private feed, which gathers its entries from every app that registered a source.

Each app builds its own `icalendar.Event`s (what a loan or a meeting looks like) and hands them
here; nothing here knows bookings or events.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

BERLIN = "Europe/Berlin"
PRODID = "-//Kiezmarkt//Termine//DE"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


@dataclass(frozen=True)
class CalendarFile:
    """One .ics file: its name, its MIME type (with the iTIP method) and its bytes."""

    filename: str
    mimetype: str
    content: bytes


def domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "kiezmarkt.local"


def uid(kind: str, pk: int, part: str = "") -> str:
    """Stable for the thing's life: the same on invitation, update and cancellation."""
    suffix = f"-{part}" if part else ""
    return f"{kind}-{pk}{suffix}@{domain()}"


def berlin(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(ZoneInfo(BERLIN))


def new_calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    # Always present, also for all-day events: clients then show times in Berlin time.
    calendar.add_component(Timezone.from_tzid(BERLIN))
    return calendar


def organizer(name: str) -> vCalAddress:
    """The ORGANIZER of an entry: whoever holds it (e.g. the providing organisation) by name,
    with the site's no-reply address, so a calendar's answer reaches no person's inbox."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    value = vCalAddress(f"mailto:{address}")
    value.params["cn"] = vText(name or settings.SITE_NAME)
    return value


def attendee(email: str, name: str = "") -> vCalAddress:
    """The recipient of an iTIP message as its ATTENDEE (RFC 5546 requires one in a REQUEST):
    a calendar then files the entry as the recipient's own. No reply is asked for
    (RSVP=FALSE): the booking's page is where people answer."""
    value = vCalAddress(f"mailto:{email}")
    if name:
        value.params["cn"] = vText(name)
    value.params["role"] = vText("REQ-PARTICIPANT")
    value.params["partstat"] = vText("ACCEPTED")
    value.params["rsvp"] = vText("FALSE")
    return value


def calendar_file(stem: str, event: Event, *, method: str) -> CalendarFile:
    """One iTIP message (one UID per message, RFC 5546) as an e-mail attachment."""
    calendar = new_calendar(method)
    calendar.add_component(event)
    return CalendarFile(
        filename=f"{stem}.ics",
        mimetype=f"text/calendar; method={method}; charset=utf-8",
        content=calendar.to_ical(),
    )


# --- the private feed: every app registers where its entries for a person come from ----------

FeedSource = Callable[[object], Iterable[Event]]
_feed_sources: dict[str, FeedSource] = {}


def register_feed_source(name: str, source: FeedSource) -> None:
    """`source(user)` yields the person's calendar entries (without METHOD); called from an
    app's AppConfig.ready(). A constant number of queries per source, whatever the size."""
    _feed_sources[name] = source


def feed(user, *, name: str) -> bytes:
    """A subscription calendar (METHOD:PUBLISH) of everything registered for the person."""
    calendar = new_calendar(PUBLISH)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", BERLIN)
    for source in _feed_sources.values():
        for event in source(user):
            calendar.add_component(event)
    return calendar.to_ical()

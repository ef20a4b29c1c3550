"""Reading the calendar files out of e-mails as a mail client would."""

from email import message_from_bytes

import icalendar
from django.core import mail

from tests.support.itip import assert_itip


def mails_to(email: str) -> list:
    return [message for message in mail.outbox if email in message.to]


def calendars(message) -> list[tuple[str, icalendar.Calendar]]:
    """(content type with its method, parsed calendar) of every .ics the e-mail carries; each
    must keep the rules of RFC 5545/5546 (tests/support/itip.py) and name the e-mail's
    recipient as its ATTENDEE."""
    parsed = message_from_bytes(message.message().as_bytes())
    found = []
    for part in parsed.walk():
        if part.get_content_type() != "text/calendar":
            continue
        calendar = assert_itip(part.get_payload(decode=True))
        for event in calendar.walk("VEVENT"):
            attendees = event.get("ATTENDEE")
            attendees = attendees if isinstance(attendees, list) else [attendees]
            assert [str(a).lower() for a in attendees] == [f"mailto:{message.to[0]}".lower()]
        found.append((part.get("Content-Type"), calendar))
    return found


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event

"""Reading the calendar files out of e-mails as a mail client would."""

from email import message_from_bytes

import icalendar
from django.core import mail


def mails_to(email: str) -> list:
    return [message for message in mail.outbox if email in message.to]


def calendars(message) -> list[tuple[str, icalendar.Calendar]]:
    """(content type with its method, parsed calendar) of every .ics the e-mail carries."""
    parsed = message_from_bytes(message.message().as_bytes())
    return [
        (part.get("Content-Type"), icalendar.Calendar.from_ical(part.get_payload(decode=True)))
        for part in parsed.walk()
        if part.get_content_type() == "text/calendar"
    ]


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event

"""Reading the calendar invitations out of e-mails as a mail client would."""

import datetime as dt
from email import message_from_bytes
from email.message import Message
from zoneinfo import ZoneInfo

import icalendar
from django.core.mail import EmailMessage

from listings.models import VolunteerSlot
from tests.listings.factories import VolunteerActionFactory

from .support import World, in_days

BERLIN = ZoneInfo("Europe/Berlin")


def ics_parts(message: Message) -> list[Message]:
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def invitations(email: EmailMessage) -> dict[str, tuple[Message, icalendar.Calendar]]:
    """filename → (MIME part, parsed calendar) of every .ics the e-mail carries."""
    message = message_from_bytes(email.message().as_bytes())
    return {
        part.get_filename(): (part, icalendar.Calendar.from_ical(part.get_payload(decode=True)))
        for part in ics_parts(message)
    }


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event


def slot_at(world: World, *, days: int, hour: int, minute: int = 0, hours: int = 3):
    """A slot of a published action of the world's company at a given Berlin wall-clock time."""
    start = dt.datetime.combine(in_days(days), dt.time(hour, minute), tzinfo=BERLIN)
    action = VolunteerActionFactory(
        organisation=world.company,
        title="Hochbeete bauen im Hof",
        slots=[
            {"start": start, "end": start + dt.timedelta(hours=hours), "volunteers_available": 5}
        ],
    )
    return action.slots.get()


def slot_of_booking(booking) -> VolunteerSlot:
    return VolunteerSlot.objects.get(pk=booking.slot_id)

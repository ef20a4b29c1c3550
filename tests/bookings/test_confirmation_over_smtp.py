"""A booking confirmation end to end as in production: a real Celery worker (subprocess) on
Redis sends the e-mails over SMTP (aiosmtpd in this process), PostgreSQL shared by both.
Skipped on the embedded SQLite run, with the reason, by the celery_worker fixture."""

import icalendar
import pytest

from bookings import services
from marketplace.models import User

from .calendar_support import BERLIN, slot_at
from .support import in_days, make_world, request_volunteers

pytestmark = pytest.mark.celery_worker


def test_a_confirmation_arrives_over_smtp_in_each_language_with_the_invitation(
    celery_worker, smtp_server
):
    # Given a requested volunteer slot on a winter morning, 9:30 Berlin time, and one
    # English speaker on each side
    world = make_world()
    User.objects.filter(pk__in=[world.social_member.pk, world.company_admin.pk]).update(
        language="en"
    )
    slot = slot_at(world, days=40, hour=9, minute=30)
    booking = request_volunteers(world, slot, volunteers=3)
    smtp_server.wait_for(2)  # the company's two members hear of the request

    # When the company confirms it
    services.booking_confirm(booking=booking, by=world.company_member)

    # Then both organisations' people get the confirmation over SMTP, each in their language,
    # with an invitation a calendar program reads with the right Berlin time
    received = {m.envelope_to[0]: m.message for m in smtp_server.wait_for(6)[2:]}
    assert set(received) == {
        world.social_admin.email,
        world.social_member.email,
        world.company_admin.email,
        world.company_member.email,
    }
    english = {world.social_member.email, world.company_admin.email}
    for address, message in received.items():
        text = message.get_body(preferencelist=("plain",)).get_content()
        greeting = "Hello" if address in english else "Hallo"
        assert text.startswith(greeting), text[:40]
        assert "Hochbeete bauen im Hof" in message["Subject"]
        [invitation] = [
            part
            for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"
        ]
        assert invitation.get_filename() == "einladung.ics"
        assert invitation.get_param("method") == "REQUEST"
        calendar = icalendar.Calendar.from_ical(invitation.get_payload(decode=True))
        assert calendar["METHOD"] == "REQUEST"
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
        [event] = calendar.walk("VEVENT")
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        start = event.decoded("DTSTART")
        assert start.astimezone(BERLIN).replace(tzinfo=None).isoformat() == (
            f"{in_days(40).isoformat()}T09:30:00"
        )
        assert event.decoded("DTEND") == slot.end
        assert str(event["UID"]) == f"booking-{booking.pk}@127.0.0.1"

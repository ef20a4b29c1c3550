"""Calendar invitations (.ics) on the e-mails of confirmed and cancelled bookings.

Given a booking, when the company confirms it, then every person told gets an iCalendar
invitation (METHOD:REQUEST) that a calendar program reads with the right Berlin times; when a
confirmed booking is cancelled, everyone who got the invitation gets the cancellation
(METHOD:CANCEL) for the same entry with a higher SEQUENCE. Every file passes the rules of
RFC 5546 (tests/support/itip.py): the providing organisation as ORGANIZER, the recipient as
ATTENDEE, the texts in the recipient's language.
"""

import datetime as dt

import pytest
from django.core import mail

from bookings import services
from bookings.models import BookingState
from marketplace.models import User
from notifications.models import NotificationAttachment
from tests.support.itip import assert_itip

from .calendar_support import BERLIN, invitations, only_event, slot_at
from .support import in_days, item_of, request_equipment, request_volunteers

pytestmark = pytest.mark.django_db


def _confirm(world, booking, capture):
    mail.outbox.clear()
    with capture(execute=True):
        return services.booking_confirm(booking=booking, by=world.company_member)


def test_a_confirmed_volunteer_slot_comes_with_an_invitation_in_berlin_time(
    world, django_capture_on_commit_callbacks
):
    # A winter date and a summer date: the offset differs, the wall-clock time must not.
    for days, hour in ((30, 9), (200, 14)):
        slot = slot_at(world, days=days, hour=hour, minute=30)
        booking = request_volunteers(world, slot, volunteers=2)

        _confirm(world, booking, django_capture_on_commit_callbacks)

        told = {email.to[0] for email in mail.outbox}
        assert told == {
            world.social_admin.email,
            world.social_member.email,
            world.company_admin.email,
            world.company_member.email,
        }
        for email in mail.outbox:
            [(filename, (part, calendar))] = invitations(email).items()
            assert filename == "einladung.ics"
            assert "Kalendereinladung (.ics) im Anhang" in email.body
            assert part.get_param("method") == "REQUEST"
            assert calendar["METHOD"] == "REQUEST"
            [timezone] = calendar.walk("VTIMEZONE")
            assert timezone["TZID"] == "Europe/Berlin"
            event = only_event(calendar)
            assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
            start = event.decoded("DTSTART")
            assert (start.date(), start.hour, start.minute) == (in_days(days), hour, 30)
            assert start == slot.start
            assert event.decoded("DTEND") == slot.end
            assert str(event["UID"]) == f"booking-{booking.pk}@127.0.0.1"
            assert "Hochbeete bauen im Hof" in str(event["SUMMARY"])
            assert str(event["LOCATION"]) == booking.place


def test_the_raw_invitation_names_the_berlin_timezone_on_its_start(
    world, django_capture_on_commit_callbacks
):
    slot = slot_at(world, days=30, hour=9)
    booking = request_volunteers(world, slot)

    _confirm(world, booking, django_capture_on_commit_callbacks)

    [(part, _calendar)] = invitations(mail.outbox[0]).values()
    raw = part.get_payload(decode=True).decode()
    assert part.get_content_type() == "text/calendar"
    assert (part.get_param("method"), part.get_param("charset")) == ("REQUEST", "utf-8")
    assert part["Content-Type"].count("charset") == 1
    local = slot.start.astimezone(BERLIN)
    assert f"DTSTART;TZID=Europe/Berlin:{local:%Y%m%dT%H%M%S}" in raw
    assert "BEGIN:VTIMEZONE" in raw


def test_cancelling_a_confirmed_booking_sends_the_cancellation_of_the_same_entry(
    world, django_capture_on_commit_callbacks
):
    booking = request_volunteers(world, slot_at(world, days=20, hour=10))
    booking = _confirm(world, booking, django_capture_on_commit_callbacks)
    invitation = only_event(invitations(mail.outbox[0])["einladung.ics"][1])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=world.social_member, reason="Hof gesperrt")

    # Everyone who got the invitation gets the cancellation: the company (the requester
    # cancelled) and the requester's own people, whose calendars hold the entry too.
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [
            world.company_admin.email,
            world.company_member.email,
            world.social_admin.email,
            world.social_member.email,
        ]
    )
    for email in mail.outbox:
        [(filename, (part, calendar))] = invitations(email).items()
        assert filename == "absage.ics"
        assert part.get_param("method") == "CANCEL"
        assert calendar["METHOD"] == "CANCEL"
        cancelled = only_event(calendar)
        assert cancelled["UID"] == invitation["UID"]
        assert cancelled["SEQUENCE"] > invitation["SEQUENCE"]
        assert cancelled["STATUS"] == "CANCELLED"


def test_a_request_cancelled_before_confirmation_carries_no_calendar_file(
    world, django_capture_on_commit_callbacks
):
    booking = request_volunteers(world, slot_at(world, days=20, hour=10))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=world.social_member, reason="Doch nicht")

    assert mail.outbox
    assert all(invitations(email) == {} for email in mail.outbox)


def test_a_confirmed_loan_has_a_pick_up_and_a_return_entry(
    world, django_capture_on_commit_callbacks
):
    item = item_of(world, title="Biertischgarnitur", pickup_street="Wassertorstraße 48")
    booking = request_equipment(world, item, start=5, days=3)  # days 5, 6, 7

    _confirm(world, booking, django_capture_on_commit_callbacks)

    for email in mail.outbox:
        files = invitations(email)
        assert set(files) == {"abholung.ics", "rueckgabe.ics"}
        pickup = only_event(files["abholung.ics"][1])
        back = only_event(files["rueckgabe.ics"][1])
        assert files["abholung.ics"][1].walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
        assert pickup.decoded("DTSTART") == in_days(5)
        assert back.decoded("DTSTART") == in_days(7)
        assert back.decoded("DTEND") == in_days(8)
        assert pickup["UID"] != back["UID"]
        assert "Wassertorstraße 48" in str(pickup["LOCATION"])
        assert "Biertischgarnitur" in str(back["SUMMARY"])


def test_a_cancelled_loan_cancels_both_entries(world, django_capture_on_commit_callbacks):
    booking = request_equipment(world, item_of(world))
    booking = _confirm(world, booking, django_capture_on_commit_callbacks)
    confirmed = {
        name: only_event(calendar) for name, (_p, calendar) in invitations(mail.outbox[0]).items()
    }
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=world.company_member, reason="Defekt")

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [
            world.social_admin.email,
            world.social_member.email,
            world.company_admin.email,
            world.company_member.email,
        ]
    )
    for email in mail.outbox:
        files = invitations(email)
        assert set(files) == {f"absage-{name}" for name in confirmed}
        for name, (part, calendar) in files.items():
            event = only_event(calendar)
            assert part.get_param("method") == "CANCEL"
            assert event["UID"] == confirmed[name.removeprefix("absage-")]["UID"]
            assert event["SEQUENCE"] > confirmed[name.removeprefix("absage-")]["SEQUENCE"]


def test_the_invitation_is_stored_with_its_notification(world, django_capture_on_commit_callbacks):
    booking = request_volunteers(world, slot_at(world, days=9, hour=8))
    _confirm(world, booking, django_capture_on_commit_callbacks)

    stored = NotificationAttachment.objects.filter(notification__kind="booking_confirmed")
    assert stored.count() == 4
    assert {a.mimetype for a in stored} == {"text/calendar; method=REQUEST; charset=utf-8"}
    assert dt.timedelta(0) < booking.slot.end - booking.slot.start


def _addresses(event, name: str) -> list[str]:
    values = event.get(name)
    values = values if isinstance(values, list) else [values]
    return [str(value).removeprefix("mailto:") for value in values if value is not None]


def test_every_invitation_and_cancellation_names_its_recipient_and_keeps_the_rules(
    world, django_capture_on_commit_callbacks
):
    # Given one English speaker on each side, a volunteer booking and a loan
    User.objects.filter(pk__in=[world.social_member.pk, world.company_admin.pk]).update(
        language="en"
    )
    english = {world.social_member.email, world.company_admin.email}
    volunteer = request_volunteers(world, slot_at(world, days=20, hour=10))
    loan = request_equipment(world, item_of(world, title="Lastenrad"), start=4, days=2)

    # When both are confirmed and then cancelled, one by each side
    for booking, by in ((volunteer, world.social_member), (loan, world.company_member)):
        booking = _confirm(world, booking, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_cancel(booking=booking, by=by, reason="Geht leider nicht")

    # Then every stored file (34 and more in real life) is a valid iTIP message addressed to
    # the person it went to: organizer the company (no-reply address), attendee the recipient
    stored = NotificationAttachment.objects.select_related("notification")
    # 4 people: one file each for the action's invitation and its cancellation, two each
    # (pick-up and return) for the loan's
    assert stored.count() == 4 * (1 + 1) + 4 * (2 + 2)
    for attachment in stored:
        notification = attachment.notification
        method = "REQUEST" if notification.kind == "booking_confirmed" else "CANCEL"
        assert attachment.mimetype == f"text/calendar; method={method}; charset=utf-8"
        calendar = assert_itip(bytes(attachment.content), method=method)
        event = only_event(calendar)
        assert _addresses(event, "ATTENDEE") == [notification.email]
        assert _addresses(event, "ORGANIZER") == ["noreply@kiezmarkt.local"]
        assert str(event["ORGANIZER"].params["CN"]) == world.company.name
        summary = str(event["SUMMARY"])
        if notification.email in english:
            assert summary.startswith(("Volunteering", "Pick-up", "Return")), summary
        else:
            assert summary.startswith(("Freiwilligeneinsatz", "Abholung", "Rückgabe")), summary

"""One loan, one pickup day and one return day, everywhere.

The same booking once showed three return dates: the page said Monday (the form's "Rückgabe
am" sent as an exclusive end), the e-mails Sunday, the .ics Sunday. Given a loan booked
through the form from today to the day after tomorrow, when it goes through its whole life,
then the form, the booking page, every e-mail, the in-app list, the .ics files and the
calendar feed all show the same two days, and none shows the day after the return day.
"""

import datetime as dt
import re

import icalendar
import pytest
from django.core import mail

from bookings import services
from bookings.models import Booking, BookingState
from tests.bookings.calendar_support import invitations
from tests.bookings.support import in_days, item_of, make_world

pytestmark = pytest.mark.django_db

DATE = "%d.%m.%Y"


@pytest.fixture
def world():
    return make_world()


def _time(html: str, css_class: str) -> str:
    return re.search(rf'<time class="{css_class}" datetime="([0-9-]+)"', html).group(1)


def _words(text: str) -> str:
    """The text without tags and with single spaces, as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _all_day_start(calendar: icalendar.Calendar, summary_start: str) -> dt.date:
    [event] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith(summary_start)]
    start = event.decoded("DTSTART")
    assert event.decoded("DTEND") == start + dt.timedelta(days=1)  # one whole day
    return start


def test_one_loan_shows_the_same_two_days_everywhere(
    world, signed_in, django_capture_on_commit_callbacks
):
    item = item_of(world, title="Beamer Epson", quantity=1)
    pickup_on, return_on = in_days(0), in_days(2)
    day_after = return_on + dt.timedelta(days=1)
    requester, provider = signed_in(world.social_member), signed_in(world.company_member)

    # The form asks for the pickup day and the return day under these names and labels
    form = requester.get(f"/angebote/{item.pk}/").content.decode()
    assert re.search(r'<label for="id_pickup_on"[^>]*>\s*Abholung am', form)
    assert re.search(r'<label for="id_return_on"[^>]*>\s*Rückgabe am', form)

    # When the social worker books it with the form, the company confirms and hands it over,
    # the reminders go out and it comes back late
    with django_capture_on_commit_callbacks(execute=True):
        response = requester.post(
            f"/angebote/{item.pk}/buchen/",
            {
                "pickup_on": pickup_on.isoformat(),
                "return_on": return_on.isoformat(),
                "units": "1",
                "purpose": "Filmabend im Hof",
            },
        )
    assert response.status_code == 302, response.content.decode()
    booking = Booking.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        provider.post(f"/buchungen/{booking.pk}/aktion/confirm/", {"confirm-message": "Gern"})
    with django_capture_on_commit_callbacks(execute=True):
        provider.post(f"/buchungen/{booking.pk}/aktion/hand_over/", {})
    booking.refresh_from_db()
    assert booking.state == BookingState.HANDED_OVER
    with django_capture_on_commit_callbacks(execute=True):
        assert services.booking_remind_upcoming(today=pickup_on - dt.timedelta(days=1)) == 0
        assert services.booking_remind_upcoming(today=return_on - dt.timedelta(days=1)) == 1
        assert services.loan_mark_overdue(today=day_after) == 1

    # Then the booking keeps the form's two days
    assert (booking.pickup_on, booking.return_on) == (pickup_on, return_on)

    # ... the booking page shows them
    page = requester.get(f"/buchungen/{booking.pk}/").content.decode()
    assert _time(page, "loan-pickup") == pickup_on.isoformat()
    assert _time(page, "loan-return") == return_on.isoformat()

    # ... every e-mail (request, confirmation, due back, overdue) names both days
    kinds = {email.subject.split(":")[0] for email in mail.outbox}
    assert {"Bestätigt", "Morgen zurückgeben", "Überfällig"} <= kinds, kinds
    for email in mail.outbox:
        html = email.alternatives[0][0]
        for text in (_words(email.body), _words(html)):
            assert f"Abholung am: {pickup_on:{DATE}}" in text, email.subject
            assert f"Rückgabe am: {return_on:{DATE}}" in text, email.subject
            assert f"{day_after:{DATE}}" not in text
        assert f"{day_after:{DATE}}" not in email.subject

    # ... the in-app list says "pickup – return"
    notifications = requester.get("/benachrichtigungen/").content.decode()
    assert f"{pickup_on:{DATE}} – {return_on:{DATE}}" in notifications
    assert f"{day_after:{DATE}}" not in notifications

    # ... the invitations put the pick-up on the pickup day and the return on the return day
    [confirmation] = [
        email
        for email in mail.outbox
        if email.subject.startswith("Bestätigt") and world.social_member.email in email.to
    ]
    files = invitations(confirmation)
    assert sorted(files) == ["abholung.ics", "rueckgabe.ics"]
    assert _all_day_start(files["abholung.ics"][1], "Abholung") == pickup_on
    assert _all_day_start(files["rueckgabe.ics"][1], "Rückgabe") == return_on

    # ... and so does the calendar feed
    feed_path = services.calendar_feed_token_get(user=world.social_member).path
    feed = icalendar.Calendar.from_ical(requester.get(feed_path).content)
    assert _all_day_start(feed, "Abholung") == pickup_on
    assert _all_day_start(feed, "Rückgabe") == return_on


def test_a_same_day_loan_is_one_day_everywhere(
    world, signed_in, django_capture_on_commit_callbacks
):
    item = item_of(world, title="Lastenrad", quantity=1)
    day = in_days(4)
    requester = signed_in(world.social_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = requester.post(
            f"/angebote/{item.pk}/buchen/",
            {
                "pickup_on": day.isoformat(),
                "return_on": day.isoformat(),
                "units": "1",
                "purpose": "Umzug am Samstag",
            },
        )

    assert response.status_code == 302, response.content.decode()
    booking = Booking.objects.get()
    assert booking.pickup_on == booking.return_on == day
    page = requester.get(f"/buchungen/{booking.pk}/").content.decode()
    assert _time(page, "loan-pickup") == _time(page, "loan-return") == day.isoformat()
    [request] = mail.outbox[:1]
    assert f"Abholung am: {day:{DATE}}" in request.body
    assert f"Rückgabe am: {day:{DATE}}" in request.body

"""A person's private calendar feed.

Given a person in organisations with bookings, when a calendar program fetches the secret URL
(no login), then it gets the confirmed dates of every booking of the person's organisations and
nothing else; an unknown or replaced URL answers 404; the API shows the URL and replaces it.
"""

import icalendar
import pytest

from bookings import services
from bookings.models import BookingState, CalendarFeedToken
from tests.factories import UserFactory
from tests.support.itip import assert_itip

from .calendar_support import BERLIN, slot_at
from .support import booking_in_state, item_of, make_world, request_equipment, request_volunteers

pytestmark = pytest.mark.django_db


def _feed_url(client_for, user) -> str:
    response = client_for(user).get("/api/v1/calendar-feed/")
    assert response.status_code == 200, response.content
    return response.json()["url"]


def _path(url: str) -> str:
    return url.split("127.0.0.1:8000", 1)[1]


def _events(response) -> list[icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    # A subscription is an iTIP PUBLISH: RFC 5546's rules hold for it too.
    calendar = assert_itip(response.content, method="PUBLISH")
    assert calendar.get("METHOD") in (None, "PUBLISH")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    return calendar.walk("VEVENT")


def test_the_feed_lists_the_confirmed_dates_of_my_organisations_only(world, client, client_for):
    slot = slot_at(world, days=12, hour=10, minute=15)
    confirmed = services.booking_confirm(
        booking=request_volunteers(world, slot), by=world.company_member
    )
    loan = services.booking_confirm(
        booking=request_equipment(world, item_of(world, title="Beamer")), by=world.company_member
    )
    request_volunteers(world, slot_at(world, days=13, hour=9))  # only requested
    booking_in_state(world, "volunteer", BookingState.DECLINED)
    booking_in_state(world, "equipment", BookingState.CANCELLED)
    booking_in_state(world, "job", BookingState.INTERVIEWING)
    # Another pair of organisations' confirmed booking
    other = make_world()
    services.booking_confirm(
        booking=request_volunteers(other, slot_at(other, days=12, hour=10)),
        by=other.company_member,
    )

    for person in (world.social_member, world.company_admin):
        events = _events(client.get(_path(_feed_url(client_for, person))))

        uids = sorted(str(event["UID"]) for event in events)
        assert uids == sorted(
            [
                f"booking-{confirmed.pk}@127.0.0.1",
                f"booking-{loan.pk}-pickup@127.0.0.1",
                f"booking-{loan.pk}-return@127.0.0.1",
            ]
        )
        [volunteer] = [e for e in events if str(e["UID"]).startswith(f"booking-{confirmed.pk}@")]
        assert volunteer["DTSTART"].params["TZID"] == "Europe/Berlin"
        start = volunteer.decoded("DTSTART").astimezone(BERLIN)
        assert (start.hour, start.minute) == (10, 15)
        # PUBLISH needs an ORGANIZER (the company, no-reply address) and nobody to answer it.
        assert str(volunteer["ORGANIZER"]) == "mailto:noreply@kiezmarkt.local"
        assert str(volunteer["ORGANIZER"].params["CN"]) == world.company.name
        assert "ATTENDEE" not in volunteer


def test_an_unknown_or_malformed_token_answers_404(client, world):
    for path in (
        "/kalender/nichtda.ics",
        "/kalender/" + "x" * 43 + ".ics",
        "/kalender/" + "x" * 500 + ".ics",
        "/kalender/%00abc.ics",
    ):
        assert client.get(path).status_code == 404, path


def test_regenerating_revokes_the_old_url(world, client, client_for):
    api = client_for(world.social_member)
    old = _feed_url(client_for, world.social_member)
    assert _feed_url(client_for, world.social_member) == old  # stable until regenerated
    assert client.get(_path(old)).status_code == 200

    response = api.post("/api/v1/calendar-feed/regenerate/", {}, format="json")

    assert response.status_code == 200
    new = response.json()["url"]
    assert new != old
    assert client.get(_path(old)).status_code == 404
    assert client.get(_path(new)).status_code == 200
    assert _feed_url(client_for, world.social_member) == new
    assert CalendarFeedToken.objects.filter(user=world.social_member).count() == 1


def test_regenerate_refuses_a_body(world, client_for):
    api = client_for(world.social_member)
    old = _feed_url(client_for, world.social_member)

    for body in ({"token": "mine"}, {"x": "\x00"}):
        response = api.post("/api/v1/calendar-feed/regenerate/", body, format="json")
        assert response.status_code == 400, response.content
    response = api.generic(
        "POST", "/api/v1/calendar-feed/regenerate/", "{nope", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert _feed_url(client_for, world.social_member) == old


def test_the_api_needs_a_login(api_client):
    assert api_client.get("/api/v1/calendar-feed/").status_code == 401
    assert api_client.post("/api/v1/calendar-feed/regenerate/").status_code == 401
    assert not CalendarFeedToken.objects.exists()


def test_a_deactivated_persons_feed_answers_404(world, client, client_for):
    url = _feed_url(client_for, world.social_member)
    world.social_member.is_active = False
    world.social_member.save(update_fields=["is_active"])

    assert client.get(_path(url)).status_code == 404


def test_a_person_without_organisations_gets_an_empty_calendar(client, client_for):
    person = UserFactory()
    assert _events(client.get(_path(_feed_url(client_for, person)))) == []


@pytest.mark.parametrize("bookings", [1, 30])
def test_the_feed_reads_a_constant_number_of_queries(
    bookings, world, client, client_for, django_assert_max_num_queries
):
    item = item_of(world, quantity=100)
    for number in range(bookings):
        services.booking_confirm(
            booking=request_volunteers(world, slot_at(world, days=5 + number % 20, hour=9)),
            by=world.company_member,
        )
        services.booking_confirm(
            booking=request_equipment(world, item, start=1 + number % 20),
            by=world.company_member,
        )
    path = _path(_feed_url(client_for, world.social_admin))

    with django_assert_max_num_queries(3):
        events = _events(client.get(path))

    assert len(events) == 3 * bookings


def test_the_preferences_page_makes_shows_and_replaces_the_calendar_address(world, client):
    client.force_login(world.social_member)
    page = client.get("/benachrichtigungen/einstellungen/")
    assert page.status_code == 200
    assert "Kalender-Adresse erzeugen" in page.content.decode()
    assert not CalendarFeedToken.objects.exists()

    made = client.post("/benachrichtigungen/kalender/", follow=True)

    token = CalendarFeedToken.objects.get(user=world.social_member)
    html = made.content.decode()
    assert f"http://127.0.0.1:8000/kalender/{token.token}.ics" in html
    assert "Ihre Kalender-Adresse ist bereit." in html

    replaced = client.post("/benachrichtigungen/kalender/", follow=True)

    new = CalendarFeedToken.objects.get(user=world.social_member)
    assert new.token != token.token
    assert new.token in replaced.content.decode()
    assert client.get(f"/kalender/{token.token}.ics").status_code == 404
    assert client.get("/benachrichtigungen/kalender/").status_code == 405


def test_an_anonymous_visitor_cannot_make_a_calendar_address(client):
    response = client.post("/benachrichtigungen/kalender/")

    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert not CalendarFeedToken.objects.exists()


def test_a_password_reset_replaces_the_feed_address(
    client, client_for, django_capture_on_commit_callbacks
):
    # Given a person whose calendar program reads their feed (sessions and API tokens end with
    # a password reset; the feed's address used to outlive it)
    from django.core import mail
    from django.urls import reverse

    person = UserFactory(email="feed@example.org")
    old = _path(_feed_url(client_for, person))
    assert client.get(old).status_code == 200
    someone_else = UserFactory()
    theirs = _path(_feed_url(client_for, someone_else))

    # When the person sets a new password through the reset link
    with django_capture_on_commit_callbacks(execute=True):
        client_for(None).post(reverse("auth-password-reset"), {"email": person.email})
    uid, token = mail.outbox[0].body.split("/konto/passwort/", 1)[1].split("/")[:2]
    done = client_for(None).post(
        reverse("auth-password-reset-confirm"),
        {"uid": uid, "token": token, "new_password": "Wassertor-Kiez-2026!"},
    )

    # Then the old address answers 404 and the person's page shows a new one that works
    assert done.status_code == 200, done.content
    assert client.get(old).status_code == 404
    new = _path(_feed_url(client_for, person))
    assert new != old
    assert client.get(new).status_code == 200
    # Nobody else's feed changed
    assert client.get(theirs).status_code == 200
    assert CalendarFeedToken.objects.count() == 2

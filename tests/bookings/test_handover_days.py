"""Hand-over days: an item is picked up and returned only on its weekdays (and hours).

Given an item lent Monday to Wednesday, a request whose pickup or return day is another day is
refused with a message that names the open days, in the reader's language, and holds nothing;
the availability calendar (API and page) marks the closed days; a confirmed loan cannot be
handed over before its pickup day. The old free-text pickup hours become weekdays and hours.
"""

import datetime as dt
import importlib

import pytest
from django.core import mail
from django.test import Client

from bookings import services
from bookings.models import Booking
from listings.models import EquipmentAllocation

from .support import in_days, item_of, request_equipment

pytestmark = pytest.mark.django_db

MON_TO_WED = [1, 2, 3]


def next_weekday(iso: int, *, after: int = 1) -> dt.date:
    """The first day with ISO weekday `iso`, at least `after` days from today."""
    day = in_days(after)
    return day + dt.timedelta(days=(iso - day.isoweekday()) % 7)


def _ask(client, item, pickup_on: dt.date, return_on: dt.date, **headers):
    return client.post(
        "/api/v1/bookings/",
        {
            "kind": "equipment",
            "item": item.pk,
            "units": 1,
            "pickup_on": str(pickup_on),
            "return_on": str(return_on),
            "purpose": "Hoffest",
        },
        format="json",
        **headers,
    )


@pytest.mark.parametrize(
    ("pickup", "back", "field"),
    [
        pytest.param(4, 4, "pickup_on", id="thursday-pickup"),
        pytest.param(2, 4, "return_on", id="thursday-return"),
        pytest.param(7, 1, "pickup_on", id="sunday-pickup"),
    ],
)
def test_a_pickup_or_return_on_a_closed_day_is_refused_naming_the_open_days(
    world, client_for, pickup, back, field
):
    item = item_of(world, quantity=1, handover_weekdays=MON_TO_WED)
    pickup_on = next_weekday(pickup)
    return_on = next_weekday(back, after=(pickup_on - in_days(0)).days)

    response = _ask(client_for(world.social_member), item, pickup_on, return_on)

    assert response.status_code == 400, response.content
    assert response.json()[field] == ["Abholung und Rückgabe nur Mo, Di, Mi."]
    assert not Booking.objects.exists()
    assert not EquipmentAllocation.objects.exists()
    assert not mail.outbox


def test_the_open_days_are_named_in_the_readers_language(world, client_for):
    item = item_of(world, quantity=1, handover_weekdays=MON_TO_WED)
    thursday = next_weekday(4)

    response = _ask(
        client_for(world.social_member), item, thursday, thursday, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json()["pickup_on"] == ["Pick-up and return only Mon, Tue, Wed."]


def test_open_days_are_booked_also_the_same_day(world, client_for):
    item = item_of(world, quantity=1, handover_weekdays=MON_TO_WED)
    monday = next_weekday(1)

    same_day = _ask(client_for(world.social_member), item, monday, monday)
    two_days = _ask(
        client_for(world.social_member),
        item,
        monday + dt.timedelta(days=7),
        monday + dt.timedelta(days=9),
    )

    assert same_day.status_code == 201, same_day.content
    assert two_days.status_code == 201, two_days.content


def test_the_availability_calendar_marks_closed_days(world, client_for, client):
    item = item_of(world, quantity=2, handover_weekdays=MON_TO_WED)
    monday = next_weekday(1)
    reader = client_for(world.social_member)

    response = reader.get(
        f"/api/v1/equipment/{item.pk}/availability/",
        {"from": str(monday), "to": str(monday + dt.timedelta(days=6))},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["handover_weekdays"] == MON_TO_WED
    assert [day["handover_day"] for day in body["days"]] == [True] * 3 + [False] * 4
    assert [day["free_units"] for day in body["days"]] == [2] * 7

    page = Client()
    page.force_login(world.social_member, backend="django.contrib.auth.backends.ModelBackend")
    html = page.get(f"/angebote/{item.pk}/").content.decode()
    # Four of every seven days in the weeks shown are closed, and the facts name the open ones.
    assert html.count("cal-day--closed") >= 4 * 4
    assert html.count("geschlossen</span>") >= 4 * 4
    assert "Mo, Di, Mi" in html
    # and the booking form says which days can be chosen
    assert "Abholung und Rückgabe: Mo, Di, Mi" in html


def test_hours_and_note_are_shown_with_the_days(world, signed_in_client):
    item = item_of(
        world,
        handover_weekdays=[1, 2, 3, 4, 5],
        handover_opens_at=dt.time(9),
        handover_closes_at=dt.time(17, 30),
        handover_note="Am Empfang klingeln",
    )

    html = signed_in_client(world.social_member).get(f"/angebote/{item.pk}/").content.decode()

    assert "Mo, Di, Mi, Do, Fr, 09:00–17:30" in html
    assert "Am Empfang klingeln" in html


@pytest.fixture
def signed_in_client():
    def make(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def test_a_loan_is_not_handed_over_before_its_pickup_day(world, client_for, signed_in_client):
    item = item_of(world, quantity=1)
    booking = request_equipment(world, item, start=2, days=2)
    booking = services.booking_confirm(booking=booking, by=world.company_member)
    company = client_for(world.company_member)

    # Not offered: neither in the API's allowed actions nor on the page
    shown = company.get(f"/api/v1/bookings/{booking.pk}/").json()
    assert "hand-over" not in shown["allowed_actions"]
    html = signed_in_client(world.company_member).get(f"/buchungen/{booking.pk}/").content
    assert "Übergeben können Sie ab dem Abholtag" in html.decode()
    assert f'action="/buchungen/{booking.pk}/aktion/hand_over/"' not in html.decode()

    # and refused when tried
    response = company.post(f"/api/v1/bookings/{booking.pk}/hand-over/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"Übergeben ist erst ab dem Abholtag möglich, dem {booking.pickup_on:%d.%m.%Y}."
    )
    booking.refresh_from_db()
    assert booking.state == "confirmed"

    # On the pickup day it is offered and done
    Booking.objects.filter(pk=booking.pk).update(pickup_on=in_days(0))
    assert "hand-over" in company.get(f"/api/v1/bookings/{booking.pk}/").json()["allowed_actions"]
    response = company.post(f"/api/v1/bookings/{booking.pk}/hand-over/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "handed_over"


@pytest.mark.parametrize(
    "handover",
    [
        {"handover_weekdays": []},
        {"handover_weekdays": [0]},
        {"handover_weekdays": [8]},
        {"handover_weekdays": [1, 1]},
        {"handover_weekdays": ["Mo"]},
        {"handover_opens_at": "09:00"},
        {"handover_opens_at": "17:00", "handover_closes_at": "09:00"},
    ],
)
def test_bad_hand_over_days_or_hours_are_a_400(world, client_for, handover):
    item = item_of(world)

    response = client_for(world.company_member).patch(
        f"/api/v1/equipment/{item.pk}/", handover, format="json"
    )

    assert response.status_code == 400, response.content
    item.refresh_from_db()
    assert item.handover_weekdays == [1, 2, 3, 4, 5, 6, 7]


def test_the_company_sets_days_and_hours_through_the_api(world, client_for):
    item = item_of(world)

    response = client_for(world.company_member).patch(
        f"/api/v1/equipment/{item.pk}/",
        {"handover_weekdays": [5, 1], "handover_opens_at": "10:00", "handover_closes_at": "16:00"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["handover_weekdays"] == [1, 5]
    assert (response.json()["handover_opens_at"], response.json()["handover_closes_at"]) == (
        "10:00",
        "16:00",
    )
    item.refresh_from_db()
    assert (item.handover_opens_at, item.handover_closes_at) == (dt.time(10), dt.time(16))


MIGRATION = importlib.import_module("listings.migrations.0005_handover_days")


@pytest.mark.parametrize(
    ("text", "days", "hours", "note"),
    [
        (
            "Mo–Fr 9–17 Uhr, nach kurzer Absprache",
            [1, 2, 3, 4, 5],
            ("09:00", "17:00"),
            "nach kurzer Absprache",
        ),
        ("Mo-Fr", [1, 2, 3, 4, 5], None, ""),
        ("Di. und Do. 10:30-18 Uhr", [2, 4], ("10:30", "18:00"), ""),
        ("Sa–Mo 8–12", [1, 6, 7], ("08:00", "12:00"), ""),
        ("nach Absprache", [1, 2, 3, 4, 5, 6, 7], None, "nach Absprache"),
        ("so bald wie möglich", [1, 2, 3, 4, 5, 6, 7], None, "so bald wie möglich"),
        ("", [1, 2, 3, 4, 5, 6, 7], None, ""),
    ],
)
def test_the_old_pickup_hours_become_days_hours_and_a_note(text, days, hours, note):
    parsed_days, opens, closes, rest = MIGRATION.parse_hours_text(text)

    assert parsed_days == days
    if hours is None:
        assert opens is None and closes is None
    else:
        assert (f"{opens:%H:%M}", f"{closes:%H:%M}") == hours
    assert rest == note

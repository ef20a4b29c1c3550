"""What a confirmed booking shows: everything needed to carry it out without the offer.

Given a confirmed loan, its page and its confirmation e-mail show the pickup address, the
hand-over days and hours, the deposit and the lender's contact person and phone; given a
confirmed volunteer action, the meeting point, the time and the contact person on each side.
A new offer starts with the organisation's address as pickup address and the poster as contact.
"""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from bookings import services
from listings.models import Category, Equipment, VolunteerLocation
from marketplace.models import Role
from tests.bookings.calendar_support import invitations
from tests.bookings.support import (
    in_days,
    item_of,
    make_world,
    request_equipment,
    request_volunteers,
    slot_of,
)
from tests.factories import CompanyFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _words(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _confirmation_to(email: str):
    """The one e-mail (the confirmation) sent to `email` since the outbox was emptied."""
    [message] = [m for m in mail.outbox if email in m.to]
    return message


def test_a_confirmed_loan_shows_address_days_deposit_and_contact(
    world, signed_in, django_capture_on_commit_callbacks
):
    item = item_of(
        world,
        title="Beamer",
        pickup_street="Skalitzer Straße 12",
        pickup_postcode="10999",
        pickup_city="Berlin",
        handover_weekdays=[1, 2, 3],
        handover_opens_at=dt.time(10),
        handover_closes_at=dt.time(16),
        handover_note="Am Empfang klingeln",
        deposit=Decimal("50.00"),
        contact_name="Lena Brandt",
        contact_phone="030 6112233",
    )
    monday = in_days(1) + dt.timedelta(days=(1 - in_days(1).isoweekday()) % 7)
    booking = request_equipment(world, item, start=(monday - in_days(0)).days, days=1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_confirm(booking=booking, by=world.company_member)

    expected = [
        "Skalitzer Straße 12, 10999 Berlin",
        "Mo, Di, Mi, 10:00–16:00",
        "Am Empfang klingeln",
        "50,00 €",
        "Lena Brandt, 030 6112233",
    ]
    page = _words(signed_in(world.social_member).get(f"/buchungen/{booking.pk}/").content.decode())
    email = _confirmation_to(world.social_member.email)
    for text in (page, _words(email.body), _words(email.alternatives[0][0])):
        for part in expected:
            assert part in text, part
    # and the calendar entry says where, when and whom to call too
    pickup = invitations(email)["abholung.ics"][1].walk("VEVENT")[0]
    assert str(pickup["LOCATION"]) == "Skalitzer Straße 12, 10999 Berlin"
    for part in ("Mo, Di, Mi, 10:00–16:00", "Lena Brandt 030 6112233"):
        assert part in str(pickup["DESCRIPTION"]), part


def test_the_details_are_in_each_readers_language(
    world, signed_in, django_capture_on_commit_callbacks
):
    world.social_member.language = "en"
    world.social_member.save(update_fields=["language"])
    item = item_of(world, handover_weekdays=[1, 2, 3, 4, 5, 6, 7], deposit=Decimal("1250"))
    booking = request_equipment(world, item, start=2, days=1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_confirm(booking=booking, by=world.company_member)

    english = _words(_confirmation_to(world.social_member.email).body)
    german = _words(_confirmation_to(world.social_admin.email).body)
    assert "Pick-up and return: daily" in english
    assert "Deposit: 1,250.00 €" in english
    assert "Abholung und Rückgabe: täglich" in german
    assert "Kaution: 1.250,00 €" in german


def test_a_confirmed_volunteer_action_shows_meeting_point_time_and_both_contacts(
    world, signed_in, django_capture_on_commit_callbacks
):
    slot = slot_of(
        world,
        location_kind=VolunteerLocation.MEETING_POINT,
        meeting_street="Prinzenstraße 85",
        meeting_postcode="10969",
        meeting_city="Berlin",
        contact_name="Jonas Albrecht",
        contact_phone="030 5550101",
    )
    booking = request_volunteers(
        world, slot, contact_name="Ayşe Yılmaz", contact_phone="030 1234567"
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_confirm(booking=booking, by=world.company_member)

    start = slot.start.astimezone(ZoneInfo("Europe/Berlin"))
    expected = [
        "Prinzenstraße 85, 10969 Berlin",
        "Jonas Albrecht, 030 5550101",
        "Ayşe Yılmaz, 030 1234567",
    ]
    page = _words(signed_in(world.company_member).get(f"/buchungen/{booking.pk}/").content.decode())
    assert "Treffpunkt" in page
    email = _confirmation_to(world.social_member.email)
    for text in (page, _words(email.body), _words(email.alternatives[0][0])):
        for part in expected:
            assert part in text, part
    assert f"{start:%d.%m.%Y}" in _words(email.body)


def test_a_new_equipment_offer_starts_with_the_organisations_address_and_the_poster():
    company = CompanyFactory(
        street="Köpenicker Straße 9", postcode="10997", city="Berlin", phone="030 7778899"
    )
    poster = member_of(company, Role.MEMBER, full_name="Mara Sommer")
    client = Client()
    client.force_login(poster, backend="django.contrib.auth.backends.ModelBackend")

    html = client.get(f"/organisationen/{company.pk}/angebote/neu/ausleihe/").content.decode()

    assert re.search(r'name="pickup_street"[^>]*value="Köpenicker Straße 9"', html)
    assert re.search(r'name="pickup_postcode"[^>]*value="10997"', html)
    assert re.search(r'name="contact_name"[^>]*value="Mara Sommer"', html)
    assert re.search(r'name="contact_phone"[^>]*value="030 7778899"', html)


def test_an_offer_made_through_the_api_without_contact_names_the_poster(client_for):
    company = CompanyFactory(phone="030 7778899")
    poster = member_of(company, Role.MEMBER, full_name="Mara Sommer")
    response = client_for(poster).post(
        "/api/v1/equipment/",
        {
            "title": "Bierbänke",
            "description": "Zwei Garnituren",
            "category": Category.objects.first().slug,
            "pickup_street": "Köpenicker Straße 9",
            "pickup_postcode": "10997",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    item = Equipment.objects.get()
    assert (item.contact_name, item.contact_phone) == ("Mara Sommer", "030 7778899")

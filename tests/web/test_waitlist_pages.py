"""The waiting lists through the pages: the box for full slots on an offer's page, the button
after a loan request refused for lack of units, /warteliste/ with "Warteliste verlassen", and
the company's count of who waits; German and English."""

import pytest

from bookings.models import WaitlistEntry, WaitlistState
from marketplace.models import Role
from tests.bookings.support import (
    in_days,
    item_of,
    make_world,
    request_equipment,
    request_volunteers,
    slot_of,
)
from tests.factories import SocialOrganisationFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _full_slot(world, places=2):
    slot = slot_of(world, places=places, title="Gartentag im Wassertorkiez")
    other = SocialOrganisationFactory()
    request_volunteers(world, slot, places, by=member_of(other, Role.ADMIN), organisation=other)
    return slot


def test_a_full_slot_offers_the_waiting_list_and_joining_lands_on_my_list(signed_in, world):
    slot = _full_slot(world)
    client = signed_in(world.social_member)

    page = client.get(f"/angebote/{slot.action_id}/").content.decode()
    assert "Auf die Warteliste" in page and 'name="warteliste-slot"' in page

    joined = client.post(
        f"/angebote/{slot.action_id}/warteliste/",
        {
            "warteliste-organisation": world.social.pk,
            "warteliste-slot": slot.pk,
            "warteliste-volunteers": "1",
            "warteliste-task": "Laub fegen",
            "warteliste-place": "Hof",
            "warteliste-contact_name": "Frau Berg",
        },
        follow=True,
    )

    html = joined.content.decode()
    assert joined.redirect_chain[-1][0] == "/warteliste/"
    assert "Gartentag im Wassertorkiez" in html and "Platz 1 auf der Warteliste" in html
    assert WaitlistEntry.objects.get().state == WaitlistState.WAITING


def test_joining_a_slot_with_room_says_ask_directly_and_keeps_nothing(signed_in, world):
    slot = slot_of(world, places=5)

    answer = signed_in(world.social_member).post(
        f"/angebote/{slot.action_id}/warteliste/",
        {
            "warteliste-slot": slot.pk,
            "warteliste-volunteers": "1",
            "warteliste-task": "Laub fegen",
            "warteliste-place": "Hof",
            "warteliste-contact_name": "Frau Berg",
        },
    )

    assert answer.status_code == 409
    assert "direkt anfragen" in answer.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_a_loan_refused_for_lack_of_units_can_wait_with_the_same_data(signed_in, world):
    item = item_of(world, quantity=1, title="Beamer")
    other = SocialOrganisationFactory()
    request_equipment(world, item, 1, start=3, days=2, by=member_of(other), organisation=other)
    client = signed_in(world.social_member)
    data = {
        "pickup_on": in_days(3).isoformat(),
        "return_on": in_days(4).isoformat(),
        "units": "1",
        "purpose": "Filmabend im Hof",
    }

    refused = client.post(f"/angebote/{item.pk}/buchen/", data)
    assert refused.status_code == 409
    assert f'formaction="/angebote/{item.pk}/warteliste/"' in refused.content.decode()

    joined = client.post(f"/angebote/{item.pk}/warteliste/", data)
    assert joined.status_code == 302 and joined["Location"] == "/warteliste/"
    entry = WaitlistEntry.objects.get()
    assert entry.pickup_on == in_days(3) and entry.purpose == "Filmabend im Hof"


def test_leaving_from_my_list_and_the_company_sees_who_waits(signed_in, world):
    slot = _full_slot(world)
    client = signed_in(world.social_member)
    client.post(
        f"/angebote/{slot.action_id}/warteliste/",
        {
            "warteliste-slot": slot.pk,
            "warteliste-volunteers": "1",
            "warteliste-task": "Laub fegen",
            "warteliste-place": "Hof",
            "warteliste-contact_name": "Frau Berg",
        },
    )
    entry = WaitlistEntry.objects.get()

    company_page = signed_in(world.company_member).get(f"/angebote/{slot.action_id}/")
    assert "1 Organisation wartet auf der Warteliste." in company_page.content.decode()
    assert signed_in(world.outsider).post(f"/warteliste/{entry.pk}/verlassen/").status_code == 404
    left = client.post(f"/warteliste/{entry.pk}/verlassen/", follow=True)

    assert "Sie haben die Warteliste verlassen." in left.content.decode()
    entry.refresh_from_db()
    assert entry.state == WaitlistState.LEFT


def test_the_pages_speak_english(signed_in, world):
    slot = _full_slot(world)
    world.social_member.language = "en"
    world.social_member.save()
    client = signed_in(world.social_member)
    client.cookies["django_language"] = "en"

    offer = client.get(f"/angebote/{slot.action_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    mine = client.get("/warteliste/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Join the waiting list" in offer
    assert "Waiting lists" in mine and "Warteliste" not in mine

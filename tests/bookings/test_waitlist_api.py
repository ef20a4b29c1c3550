"""The waiting lists through /api/v1/: joining a full slot or item (Idempotency-Key), my list
with the place in line (constant queries), leaving, and bad input on every endpoint (a 4xx,
nothing changed)."""

import pytest

from bookings.models import WaitlistEntry, WaitlistState
from marketplace.models import Role
from tests.factories import SocialOrganisationFactory, member_of

from .support import in_days, item_of, request_equipment, request_volunteers, slot_of

pytestmark = pytest.mark.django_db


def _full_slot(world, places=2):
    slot = slot_of(world, places=places)
    other = SocialOrganisationFactory()
    request_volunteers(world, slot, places, by=member_of(other, Role.ADMIN), organisation=other)
    return slot


def _slot_url(slot):
    return f"/api/v1/volunteer-actions/{slot.action_id}/slots/{slot.pk}/waitlist/"


BODY = {"volunteers": 1, "task": "Laub fegen", "place": "Hof", "contact_name": "Frau Berg"}


def test_joining_a_full_slot_and_seeing_the_place_in_line(world, client_for):
    slot = _full_slot(world)
    other = SocialOrganisationFactory()
    first = client_for(member_of(other, Role.ADMIN)).post(
        _slot_url(slot), BODY, format="json", HTTP_IDEMPOTENCY_KEY="w-0"
    )
    client = client_for(world.social_member)

    created = client.post(_slot_url(slot), BODY, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    again = client.post(_slot_url(slot), BODY, format="json", HTTP_IDEMPOTENCY_KEY="w-1")

    assert first.status_code == 201
    assert created.status_code == 201, created.json()
    assert again.json() == created.json()
    entry = created.json()
    assert entry["state"] == "waiting" and entry["position"] == 2
    assert entry["slot"]["id"] == slot.pk and entry["offer"]["id"] == slot.action_id
    assert entry["organisation"]["name"] == world.social.name
    listed = client.get("/api/v1/waitlist/").json()["results"]
    assert [row["id"] for row in listed] == [entry["id"]]
    assert WaitlistEntry.objects.count() == 2


def test_a_slot_with_room_answers_409_ask_directly(world, client_for):
    slot = slot_of(world, places=5)

    answer = client_for(world.social_member).post(_slot_url(slot), BODY, format="json")

    assert answer.status_code == 409
    assert answer.json()["code"] == "room_left"
    assert not WaitlistEntry.objects.exists()


def test_joining_an_items_days_that_are_taken(world, client_for):
    item = item_of(world, quantity=1)
    other = SocialOrganisationFactory()
    request_equipment(world, item, 1, start=3, days=2, by=member_of(other), organisation=other)
    body = {
        "units": 1,
        "pickup_on": str(in_days(4)),
        "return_on": str(in_days(5)),
        "purpose": "Kiezfest",
    }

    answer = client_for(world.social_member).post(
        f"/api/v1/equipment/{item.pk}/waitlist/", body, format="json"
    )

    assert answer.status_code == 201, answer.json()
    assert answer.json()["pickup_on"] == str(in_days(4)) and answer.json()["position"] == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"volunteers": 0}, 400),
        ({"volunteers": "zwei"}, 400),
        ({"task": ""}, 400),
        ({"task": 12}, 400),
        ({"contact_email": "kein-mail"}, 400),
        ({"unknown": 1}, 400),
        ({"organisation": 999_999}, 403),
        ({"volunteers": 3}, 400),  # more than the slot has at all
    ],
)
def test_bad_input_on_joining_changes_nothing(world, client_for, change, status):
    slot = _full_slot(world)

    answer = client_for(world.social_member).post(
        _slot_url(slot), {**BODY, **change}, format="json"
    )

    assert answer.status_code == status, answer.json()
    assert not WaitlistEntry.objects.exists()


def test_unknown_or_mismatched_offers_are_404(world, client_for):
    slot = _full_slot(world)
    other_slot = slot_of(world, places=1)
    client = client_for(world.social_member)

    wrong_action = client.post(
        f"/api/v1/volunteer-actions/{other_slot.action_id}/slots/{slot.pk}/waitlist/",
        BODY,
        format="json",
    )
    no_item = client.post(
        "/api/v1/equipment/999999/waitlist/",
        {"units": 1, "pickup_on": str(in_days(3)), "return_on": str(in_days(3)), "purpose": "x"},
        format="json",
    )

    assert wrong_action.status_code == 404 and no_item.status_code == 404
    assert not WaitlistEntry.objects.exists()


def test_strangers_and_the_company_cannot_join_for_the_organisation(world, client_for):
    slot = _full_slot(world)

    stranger = client_for(world.outsider).post(
        _slot_url(slot), {**BODY, "organisation": world.social.pk}, format="json"
    )
    company = client_for(world.company_member).post(_slot_url(slot), BODY, format="json")
    anonymous = client_for(None).post(_slot_url(slot), BODY, format="json")

    assert stranger.status_code == 403
    assert company.status_code in (400, 409)
    assert anonymous.status_code == 401
    assert not WaitlistEntry.objects.exists()


def test_leaving_the_list_and_who_may(world, client_for):
    slot = _full_slot(world)
    entry_id = (
        client_for(world.social_member).post(_slot_url(slot), BODY, format="json").json()["id"]
    )
    url = f"/api/v1/waitlist/{entry_id}/leave/"

    assert client_for(world.outsider).post(url).status_code == 404
    assert client_for(world.company_admin).post(url).status_code == 404
    assert client_for(world.social_member).get("/api/v1/waitlist/").status_code == 200
    left = client_for(world.social_admin).post(url)
    twice = client_for(world.social_admin).post(url)

    assert left.status_code == 200 and left.json()["state"] == "left"
    assert left.json()["position"] is None
    assert twice.status_code == 409
    assert client_for(world.social_admin).post("/api/v1/waitlist/999999/leave/").status_code == 404
    assert WaitlistEntry.objects.get().state == WaitlistState.LEFT


def test_the_list_shows_only_my_organisations_entries(world, client_for):
    slot = _full_slot(world)
    client_for(world.social_member).post(_slot_url(slot), BODY, format="json")

    assert client_for(world.outsider).get("/api/v1/waitlist/").json()["results"] == []
    assert client_for(world.company_admin).get("/api/v1/waitlist/").json()["results"] == []
    assert client_for(world.social_member).get("/api/v1/waitlist/?state=nix").status_code == 400
    assert client_for(world.social_member).get("/api/v1/waitlist/?foo=1").status_code == 400


def test_the_list_reads_two_queries_however_long_it_is(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.social_member)
    for _ in range(3):
        client.post(_slot_url(_full_slot(world)), BODY, format="json")
    with django_assert_max_num_queries(2):
        three = client.get("/api/v1/waitlist/")
    for _ in range(5):
        client.post(_slot_url(_full_slot(world)), BODY, format="json")

    with django_assert_max_num_queries(2):
        eight = client.get("/api/v1/waitlist/")

    assert len(three.json()["results"]) == 3 and len(eight.json()["results"]) == 8

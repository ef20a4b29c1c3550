"""Requests for several items through the API: POST bookings/ with `items`, and
booking-groups/ with its answer, hand-over, return and cancel."""

import pytest

from bookings.models import Booking, BookingGroup, BookingState
from notifications.models import Notification
from tests.factories import CompanyFactory
from tests.listings.factories import EquipmentFactory

from .multi_support import held_units, items_of, mails, request_group
from .support import in_days, request_equipment

pytestmark = pytest.mark.django_db
S = BookingState
URL = "/api/v1/bookings/"


def _body(items, *, units=1, start=3, days=2, **extra) -> dict:
    return {
        "items": [{"item": item.pk, "units": units} for item in items],
        "pickup_on": str(in_days(start)),
        "return_on": str(in_days(start + days - 1)),
        "purpose": "Sommerfest im Hof",
        **extra,
    }


def _group_url(group_id: int, step: str = "") -> str:
    return f"/api/v1/booking-groups/{group_id}/" + (f"{step}/" if step else "")


def test_a_multi_item_request_answers_with_the_group_and_replays_with_its_key(world, client_for):
    items = items_of(world, 3)
    client = client_for(world.social_member)

    body = _body(items, units=2, message="Bitte alles")
    response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert [entry["item"]["title"] for entry in data["items"]] == [
        "Beamer",
        "Biertischgarnitur",
        "Musikanlage",
    ]
    assert {entry["state"] for entry in data["items"]} == {"requested"}
    assert data["my_sides"] == ["requester"]
    assert data["allowed_actions"] == ["cancel"]
    assert data["url"] == f"/buchungen/sammelanfragen/{data['id']}/"
    assert again.status_code == 201 and again.json() == data
    assert BookingGroup.objects.count() == 1
    assert [held_units(item) for item in items] == [2, 2, 2]
    booking = client.get(f"{URL}{data['items'][0]['booking']}/").json()
    assert booking["group"] == data["id"]


def test_the_single_item_body_keeps_working(world, client_for):
    [item] = items_of(world, 1)
    response = client_for(world.social_member).post(
        URL,
        {
            "kind": "equipment",
            "item": item.pk,
            "units": 1,
            "pickup_on": str(in_days(3)),
            "return_on": str(in_days(3)),
            "purpose": "Fest",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["group"] is None


def test_an_item_not_free_is_a_409_naming_it_and_nothing_is_held(world, client_for):
    beamer, tables = items_of(world, 2)
    request_equipment(world, beamer, units=3, start=3, days=2)

    response = client_for(world.social_member).post(URL, _body([beamer, tables]), format="json")

    assert response.status_code == 409
    assert "„Beamer“" in response.json()["detail"]
    assert held_units(tables) == 0
    assert BookingGroup.objects.count() == 0


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda body, other: body.update(items="Beamer"), id="not a list"),
        pytest.param(lambda body, other: body["items"].pop(), id="one item"),
        pytest.param(
            lambda body, other: body["items"].append(dict(body["items"][0])), id="duplicate"
        ),
        pytest.param(
            lambda body, other: body["items"].append({"item": 99_999_999, "units": 1}),
            id="unknown item",
        ),
        pytest.param(
            lambda body, other: body["items"].append({"item": other.pk, "units": 1}),
            id="two companies",
        ),
        pytest.param(lambda body, other: body["items"][0].update(units=0), id="zero units"),
        pytest.param(lambda body, other: body["items"][0].update(colour="rot"), id="unknown field"),
        pytest.param(
            lambda body, other: body.update(items=[{"item": n, "units": 1} for n in range(1, 22)]),
            id="too many",
        ),
        pytest.param(lambda body, other: body.update(pickup_on=str(in_days(-1))), id="in the past"),
        pytest.param(lambda body, other: body.update(purpose=""), id="no purpose"),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(world, client_for, change):
    items = items_of(world, 2)
    other = EquipmentFactory(organisation=CompanyFactory())
    body = _body(items)
    change(body, other)

    response = client_for(world.social_member).post(URL, body, format="json")

    assert response.status_code == 400, response.content
    assert BookingGroup.objects.count() == 0
    assert Booking.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_partial_answer_through_the_api(world, client_for):
    beamer, tables = items_of(world, 2)
    group = request_group(world, [beamer, tables])
    ids = {b.listing_id: b.pk for b in group.bookings.all()}
    company = client_for(world.company_member)

    response = company.post(
        _group_url(group.pk, "answer"),
        {"confirm": [ids[beamer.pk]], "message": "Tische sind weg"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    states = {entry["item"]["title"]: entry["state"] for entry in response.json()["items"]}
    assert states == {"Beamer": "confirmed", "Biertischgarnitur": "declined"}
    assert (
        company.post(_group_url(group.pk, "answer"), {"confirm": []}, format="json").status_code
        == 409
    )
    assert len({m.organisation_id for m in mails("booking_group_answered")}) == 2


def test_who_may_do_what(world, client_for):
    group = request_group(world, items_of(world, 2))
    answer = _group_url(group.pk, "answer")

    assert client_for(world.outsider).get(_group_url(group.pk)).status_code == 404
    assert (
        client_for(world.outsider).post(answer, {"confirm": []}, format="json").status_code == 404
    )
    assert (
        client_for(world.social_member).post(answer, {"confirm": []}, format="json").status_code
        == 403
    )
    assert client_for(world.coordinator).get(_group_url(group.pk)).status_code == 200
    assert (
        client_for(world.coordinator).post(answer, {"confirm": []}, format="json").status_code
        == 403
    )
    assert client_for(None).get(_group_url(group.pk)).status_code == 401
    assert (
        client_for(world.company_member)
        .post(_group_url(group.pk, "cancel"), {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert client_for(world.company_member).get(_group_url(10**9)).status_code == 404
    assert {b.state for b in group.bookings.all()} == {S.REQUESTED}


@pytest.mark.parametrize(
    "body",
    [
        {"confirm": "all"},
        {"confirm": [0]},
        {"confirm": [1], "extra": True},
        {},
    ],
)
def test_bad_answers_are_a_400(world, client_for, body):
    group = request_group(world, items_of(world, 2))
    response = client_for(world.company_member).post(
        _group_url(group.pk, "answer"), body, format="json"
    )
    assert response.status_code == 400
    assert {b.state for b in group.bookings.all()} == {S.REQUESTED}


def test_hand_over_and_return_through_the_api_all_and_item_by_item(world, client_for):
    beamer, tables, sound = items_of(world, 3)
    group = request_group(world, [beamer, tables, sound], start=0, days=2)
    ids = {b.listing_id: b.pk for b in group.bookings.all()}
    company = client_for(world.company_admin)
    company.post(_group_url(group.pk, "answer"), {"confirm": list(ids.values())}, format="json")

    one = company.post(
        _group_url(group.pk, "hand-over"),
        {"bookings": [ids[beamer.pk]], "note": "ok"},
        format="json",
    )
    assert one.status_code == 200, one.json()
    rest = company.post(_group_url(group.pk, "hand-over"), {}, format="json")
    assert {entry["state"] for entry in rest.json()["items"]} == {"handed_over"}
    assert rest.json()["allowed_actions"] == ["return"]
    # An item alone through its own booking action.
    single = company.post(f"{URL}{ids[sound.pk]}/return/", {}, format="json")
    assert single.status_code == 200
    back = company.post(_group_url(group.pk, "return"), {"note": "alles zurück"}, format="json")
    assert {entry["state"] for entry in back.json()["items"]} == {"returned"}
    assert company.post(_group_url(group.pk, "return"), {}, format="json").status_code == 409


def test_the_requester_cancels_through_the_api(world, client_for):
    items = items_of(world, 2)
    group = request_group(world, items)
    client = client_for(world.social_admin)

    assert client.post(_group_url(group.pk, "cancel"), {}, format="json").status_code == 400
    response = client.post(_group_url(group.pk, "cancel"), {"reason": "Regen"}, format="json")

    assert response.status_code == 200
    assert {entry["state"] for entry in response.json()["items"]} == {"cancelled"}
    assert sum(held_units(item) for item in items) == 0


def test_the_group_list_and_detail_take_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.social_member)
    items = items_of(world, 4)
    request_group(world, items[:2])
    with django_assert_max_num_queries(6) as few:
        response = client.get("/api/v1/booking-groups/")
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    for n in range(4):
        request_group(world, items, start=10 + 3 * n, days=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/booking-groups/")
    assert len(response.json()["results"]) == 5
    group_id = response.json()["results"][0]["id"]
    with django_assert_max_num_queries(5):
        assert client.get(_group_url(group_id)).status_code == 200

"""Bad input on every endpoint of /api/v1/needs/: a clear 4xx with a message, and nothing
changes."""

import pytest

from needs.models import Need, NeedEvent, Proposal
from tests.listings.factories import EquipmentFactory, VolunteerActionFactory

from .support import category, in_days, need_of

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Need.objects.order_by("pk").values()),
        list(Proposal.objects.order_by("pk").values()),
        NeedEvent.objects.count(),
    )


GOOD = {
    "title": "Zehn Helfende zum Streichen",
    "category": "renovieren",
    "help_kind": "volunteers",
    "quantity": 10,
}


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {**GOOD, "title": ""},
        {**GOOD, "title": "x" * 201},
        {**GOOD, "title": "Zeile\nzwei"},
        {**GOOD, "title": 12},
        {**GOOD, "category": "gibt-es-nicht"},
        {**GOOD, "category": "ä ö"},
        {**GOOD, "help_kind": "wunder"},
        {**GOOD, "quantity": 0},
        {**GOOD, "quantity": "viele"},
        {**GOOD, "date_from": "morgen"},
        {**GOOD, "date_from": in_days(-1).isoformat()},
        {**GOOD, "date_from": in_days(5).isoformat(), "date_until": in_days(4).isoformat()},
        {**GOOD, "date_until": in_days(4).isoformat()},
        {**GOOD, "date_from": in_days(900).isoformat()},
        {**GOOD, "open_until": in_days(-3).isoformat()},
        {**GOOD, "organisation": 0},
        {**GOOD, "status": "published"},
        {**GOOD, "publish": "vielleicht"},
        {**GOOD, "description": "\x00"},
    ],
)
def test_a_bad_need_is_refused_and_nothing_is_stored(world, client_for, body):
    before = _snapshot()

    response = client_for(world.teacher).post("/api/v1/needs/", body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()
    assert _snapshot() == before


def test_only_members_of_approved_social_organisations_post_needs(world, client_for):
    before = _snapshot()
    as_company = client_for(world.lender_member).post("/api/v1/needs/", GOOD, format="json")
    anonymous = client_for(None).post("/api/v1/needs/", GOOD, format="json")
    other_org = client_for(world.teacher).post(
        "/api/v1/needs/", {**GOOD, "organisation": world.lender.pk}, format="json"
    )
    assert as_company.status_code == 400  # no social organisation to post for
    assert anonymous.status_code == 401
    assert other_org.status_code == 403
    world.school.status = "pending"
    world.school.save(update_fields=["status"])
    pending = client_for(world.teacher).post("/api/v1/needs/", GOOD, format="json")
    assert pending.status_code == 409, pending.content
    assert _snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": None},
        {"quantity": -1},
        {"help_kind": "x"},
        {"category": "nix"},
        {"date_until": in_days(1).isoformat()},
        {"open_until": in_days(-1).isoformat()},
        {"status": "fulfilled"},
        {"organisation": 3},
        [],
    ],
)
def test_a_bad_edit_is_refused(world, client_for, body):
    need = need_of(world)
    before = _snapshot()

    response = client_for(world.teacher).patch(f"/api/v1/needs/{need.pk}/", body, format="json")

    assert response.status_code == 400, response.content
    assert _snapshot() == before


def _item(world, **fields):
    return EquipmentFactory(organisation=world.lender, quantity=2, category=category(), **fields)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {},
        {"message": ""},
        {"message": "x" * 5001},
        {"message": "Hallo", "item": "{item}"},
        {"message": "Hallo", "item": "{item}", "units": 1, "pickup_on": "bald", "return_on": "x"},
        {"message": "Hallo", "units": 1},
        {"message": "Hallo", "slot": "{slot}"},
        {"message": "Hallo", "slot": "{slot}", "volunteers": 0},
        {"message": "Hallo", "slot": "{slot}", "volunteers": 1, "item": "{item}"},
        {"message": "Hallo", "item": 999999, "units": 1, "pickup_on": "{d}", "return_on": "{d}"},
        {"message": "Hallo", "item": "{item}", "units": 1, "pickup_on": "{d}", "return_on": "{p}"},
        {"message": "Hallo", "item": "{item}", "units": 1, "pickup_on": "{p}", "return_on": "{p}"},
        {"message": "Hallo", "slot": 999999, "volunteers": 1},
        {"message": "Hallo", "status": "accepted"},
    ],
)
def test_a_bad_proposal_is_refused_and_nothing_is_stored(world, client_for, body):
    need = need_of(world)
    item = _item(world)
    slot = VolunteerActionFactory(organisation=world.lender).slots.get()
    values = {
        "{item}": item.pk,
        "{slot}": slot.pk,
        "{d}": in_days(10).isoformat(),
        "{p}": in_days(-1).isoformat(),
    }
    if isinstance(body, dict):
        body = {key: values.get(value, value) for key, value in body.items()}
    before = _snapshot()

    response = client_for(world.lender_member).post(
        f"/api/v1/needs/{need.pk}/proposals/", body, format="json"
    )

    assert response.status_code == 400, response.content
    assert _snapshot() == before


def test_a_proposal_of_another_companys_item_is_refused(world, client_for):
    need = need_of(world)
    foreign = EquipmentFactory(quantity=1)
    before = _snapshot()
    response = client_for(world.lender_member).post(
        f"/api/v1/needs/{need.pk}/proposals/",
        {
            "message": "Hallo",
            "item": foreign.pk,
            "units": 1,
            "pickup_on": in_days(10).isoformat(),
            "return_on": in_days(10).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
@pytest.mark.parametrize("body", [[], {"message": 5}, {"message": "x" * 5001}, {"other": 1}])
def test_bad_input_to_an_answer_is_refused(world, client_for, action, body):
    from needs import services

    need = need_of(world)
    proposal = services.proposal_create(need=need, by=world.helper_member, message="Wir helfen.")
    who = world.helper_member if action == "withdraw" else world.teacher
    before = _snapshot()

    response = client_for(who).post(
        f"/api/v1/needs/{need.pk}/proposals/{proposal.pk}/{action}/", body, format="json"
    )

    assert response.status_code == 400, response.content
    assert _snapshot() == before


@pytest.mark.parametrize(
    "params",
    [
        {"status": "wunder"},
        {"help_kind": "x"},
        {"organisation": "abc"},
        {"unknown": "1"},
        {"page_size": "0"},
        {"cursor": "kaputt"},
        {"mine": "vielleicht"},
    ],
)
def test_bad_list_parameters_are_a_400(world, client_for, params):
    need_of(world)
    response = client_for(world.teacher).get("/api/v1/needs/", params)
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "need", "available_from": "2030-01-01", "available_until": "2030-01-02"},
        {"kind": "need", "employment_type": "minijob"},
        {"kind": "gesuch"},
    ],
)
def test_the_search_refuses_filters_that_needs_do_not_have(world, client_for, params):
    response = client_for(None).get("/api/v1/listings/", params)
    assert response.status_code == 400, response.content

"""Bad input to the offers API is a clear 4xx JSON answer and changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from listings.models import Listing, VolunteerSlot
from tests.listings.factories import EquipmentFactory, JobOfferFactory, VolunteerActionFactory

pytestmark = pytest.mark.django_db


def later(hours=0):
    moment = timezone.localtime() + dt.timedelta(days=5, hours=hours)
    return moment.replace(microsecond=0).isoformat()


def snapshot():
    return (
        list(Listing.objects.order_by("pk").values()),
        list(VolunteerSlot.objects.order_by("pk").values()),
    )


@pytest.fixture
def owned(company):
    return {
        "volunteer-actions": VolunteerActionFactory(organisation=company),
        "equipment": EquipmentFactory(organisation=company),
        "jobs": JobOfferFactory(organisation=company),
    }


BAD_BODIES = {
    "volunteer-actions": [
        {"title": "Nul\x00byte"},
        {"description": "x" * 10_001},
        {"slots": "morgen"},
        {"slots": [{"start": later(), "end": later(2), "volunteers_available": 10**20}]},
        {"slots": [{"start": later(), "end": later(2), "volunteers_available": "viele"}]},
        {"slots": [{"id": 10**30, "start": later(), "end": later(2), "volunteers_available": 2}]},
        {"slots": [{"start": later(), "end": later(2), "volunteers_available": 2, "x": 1}]},
        {"slots": [{"start": later()}]},
        {"slots": [{"start": "2026-02-30T10:00", "end": later(), "volunteers_available": 2}]},
        {"skills": "Holz"},
        {"languages": [1, 2]},
        {"min_volunteers_per_booking": -1},
        {"location_kind": "online"},
        {"status": "published"},
        {"organisation": 1},
        {"unbekannt": True},
    ],
    "equipment": [
        {"quantity": 10**20},
        {"quantity": 0},
        {"quantity": "drei"},
        {"deposit": "abc"},
        {"deposit": "-5"},
        {"max_loan_days": 0},
        {"buffer_days": 10**9},
        {"pickup_postcode": "1096"},
        {"condition": "kaputt"},
        {"unavailable": [{"first_day": "2030-01-01", "last_day": "2030-01-02", "x": 1}]},
        {"photos": []},
        {"title": None},
    ],
    "jobs": [
        {"hours_per_week": "viel"},
        {"hours_per_week": "1e9"},
        {"positions": 10**20},
        {"application_deadline": "gestern"},
        {"start_date": 20300101},
        {"employment_type": ["teilzeit"]},
        {"positions_filled": 0},
        {"category": "\x00"},
    ],
}


@pytest.mark.parametrize(
    ("path", "body"), [(path, body) for path, bodies in BAD_BODIES.items() for body in bodies]
)
def test_bad_fields_are_a_400_and_change_nothing(client_for, member, owned, path, body):
    before = snapshot()

    response = client_for(member).patch(f"/api/v1/{path}/{owned[path].pk}/", body, format="json")

    assert response.status_code == 400, (body, response.content)
    assert response.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"organisation": 10**30},
        {"organisation": "1\x00"},
        {"organisation": -5},
        {"category": "\x00"},
        {"category": "a" * 5000},
        {"category": ["moebel"]},
    ],
)
def test_bad_references_on_creation_are_a_400(client_for, member, category, body):
    payload = {
        "title": "Beamer",
        "description": "Full HD",
        "category": category.slug,
        "pickup_street": "Wassertorstraße 48",
        "pickup_postcode": "10969",
        "handover_note": "nach Absprache",
        **body,
    }
    response = client_for(member).post("/api/v1/equipment/", payload, format="json")
    assert response.status_code == 400, response.content
    assert not Listing.objects.exists()


@pytest.mark.parametrize("path", ["volunteer-actions", "equipment", "jobs"])
def test_malformed_json_is_a_400(client_for, member, owned, path):
    before = snapshot()
    client = client_for(member)

    broken = client.generic(
        "PATCH",
        f"/api/v1/{path}/{owned[path].pk}/",
        '{"title": "Ohne Ende',
        content_type="application/json",
    )
    created = client.generic(
        "POST", f"/api/v1/{path}/", "[1, 2, 3]", content_type="application/json"
    )

    assert broken.status_code == 400
    assert "detail" in broken.json()
    assert created.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("path", ["volunteer-actions", "equipment", "jobs"])
@pytest.mark.parametrize("pk", ["abc", str(10**30), "-1", "0"])
def test_odd_ids_are_a_404(client_for, member, path, pk):
    response = client_for(member).get(f"/api/v1/{path}/{pk}/")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"foo": "bar"},
        {"status": "weg"},
        {"page_size": "-1"},
        {"organisation": "x"},
        {"cursor": "!!"},
    ],
)
def test_unknown_or_malformed_list_parameters_are_a_400(client_for, member, params):
    response = client_for(member).get("/api/v1/equipment/", params)
    assert response.status_code == 400, response.content


def test_status_actions_take_only_a_reason(client_for, member, owned):
    action = owned["volunteer-actions"]
    response = client_for(member).post(
        f"/api/v1/volunteer-actions/{action.pk}/pause/", {"status": "closed"}, format="json"
    )
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == "published"

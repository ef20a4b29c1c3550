"""A company lends equipment: posting, unavailable dates, units, availability per day."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from listings import capacity
from listings.models import AllocationKind, Equipment, EquipmentAllocation, ListingStatus
from tests.listings.factories import EquipmentAllocationFactory, EquipmentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/equipment/"


def day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def new_item(category_, **overrides):
    return {
        "title": "Biertischgarnitur",
        "description": "Ein Tisch und zwei Bänke, wetterfest, für Hoffeste.",
        "category": category_.slug,
        "quantity": 3,
        "condition": "very_good",
        "pickup_street": "Wassertorstraße 48",
        "pickup_postcode": "10969",
        "pickup_city": "Berlin",
        "handover_weekdays": [1, 2, 3, 4, 5],
        "handover_opens_at": "09:00",
        "handover_closes_at": "17:00",
        "max_loan_days": 5,
        "deposit": "50.00",
        "buffer_days": 1,
        "unavailable": [{"first_day": str(day(20)), "last_day": str(day(22))}],
        **overrides,
    }


def test_a_member_posts_an_item_with_its_unavailable_dates(client_for, member, category):
    response = client_for(member).post(URL, new_item(category), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["deposit"] == "50.00"
    assert body["unavailable"] == [{"first_day": str(day(20)), "last_day": str(day(22))}]
    assert body["photos"] == []
    item = Equipment.objects.get(pk=body["id"])
    assert (item.quantity, item.max_loan_days, item.buffer_days, item.deposit) == (
        3,
        5,
        1,
        Decimal("50.00"),
    )
    # Every unit is blocked on those days.
    blocked = EquipmentAllocation.objects.filter(item=item, kind=AllocationKind.BLOCKED)
    assert sorted(blocked.values_list("unit_number", "start", "end")) == [
        (unit, day(20), day(23)) for unit in (1, 2, 3)
    ]


def test_publishing_pausing_and_closing_an_item(client_for, member, category, social_member):
    item_id = client_for(member).post(URL, new_item(category), format="json").json()["id"]
    owner, reader = client_for(member), client_for(social_member)

    assert owner.post(f"{URL}{item_id}/publish/").json()["status"] == "published"
    assert reader.get(f"{URL}{item_id}/").status_code == 200
    assert owner.post(f"{URL}{item_id}/pause/").json()["status"] == "paused"
    assert reader.get(f"{URL}{item_id}/").status_code == 404
    assert owner.post(f"{URL}{item_id}/close/").json()["status"] == "closed"
    assert Equipment.objects.get(pk=item_id).status == ListingStatus.CLOSED


def test_editing_unavailable_dates_and_units(client_for, member, company):
    item = EquipmentFactory(organisation=company, quantity=2)
    client = client_for(member)

    first = client.patch(
        f"{URL}{item.pk}/",
        {
            "unavailable": [
                {"first_day": str(day(5)), "last_day": str(day(5))},
                {"first_day": str(day(10)), "last_day": str(day(12))},
            ]
        },
        format="json",
    )
    second = client.patch(
        f"{URL}{item.pk}/",
        {"quantity": 4, "unavailable": [{"first_day": str(day(10)), "last_day": str(day(12))}]},
        format="json",
    )

    assert first.status_code == 200, first.json()
    assert second.status_code == 200, second.json()
    assert second.json()["unavailable"] == [{"first_day": str(day(10)), "last_day": str(day(12))}]
    assert sorted(
        EquipmentAllocation.objects.filter(item=item).values_list("unit_number", "start")
    ) == [(unit, day(10)) for unit in (1, 2, 3, 4)]
    item.refresh_from_db()
    assert item.quantity == 4


def test_dates_on_which_the_item_is_lent_cannot_be_made_unavailable(client_for, member, company):
    item = EquipmentFactory(organisation=company, quantity=1, buffer_days=2)
    with transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(3), return_on=day(4))

    lent = client_for(member).patch(
        f"{URL}{item.pk}/",
        {"unavailable": [{"first_day": str(day(6)), "last_day": str(day(8))}]},
        format="json",
    )

    assert lent.status_code == 409, lent.json()
    assert "verliehen" in lent.json()["detail"]
    assert not EquipmentAllocation.objects.filter(kind=AllocationKind.BLOCKED).exists()


def test_units_that_are_lent_cannot_be_removed(client_for, member, company):
    item = EquipmentFactory(organisation=company, quantity=3)
    EquipmentAllocationFactory(item=item, unit_number=3, start=day(2), end=day(4))

    refused = client_for(member).patch(f"{URL}{item.pk}/", {"quantity": 2}, format="json")
    allowed = client_for(member).patch(f"{URL}{item.pk}/", {"quantity": 5}, format="json")

    assert refused.status_code == 409
    assert "quantity" in refused.json()
    assert allowed.status_code == 200
    item.refresh_from_db()
    assert item.quantity == 5


@pytest.mark.parametrize(
    ("unavailable", "message"),
    [
        ([{"first_day": str(day(5)), "last_day": str(day(4))}], "letzte Tag"),
        (
            [
                {"first_day": str(day(5)), "last_day": str(day(8))},
                {"first_day": str(day(7)), "last_day": str(day(9))},
            ],
            "überschneiden",
        ),
        ([{"first_day": "2026-02-30", "last_day": str(day(8))}], None),
        ([{"first_day": str(day(5))}], None),
        ("morgen", None),
    ],
)
def test_bad_unavailable_periods_are_a_400(client_for, member, company, unavailable, message):
    item = EquipmentFactory(organisation=company)

    response = client_for(member).patch(
        f"{URL}{item.pk}/", {"unavailable": unavailable}, format="json"
    )

    assert response.status_code == 400, response.json()
    assert "unavailable" in response.json()
    if message:
        assert message in str(response.json())
    assert not EquipmentAllocation.objects.exists()


def test_availability_gives_free_units_per_day(client_for, company, social_member):
    item = EquipmentFactory(organisation=company, quantity=3, buffer_days=1)
    with transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=2, pickup_on=day(2), return_on=day(3))
        capacity.block_period_locked(capacity.lock_equipment(item.pk), start=day(6), end=day(7))

    response = client_for(social_member).get(
        f"{URL}{item.pk}/availability/", {"from": str(day(1)), "to": str(day(7))}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["quantity"] == 3
    assert [(d["date"], d["free_units"]) for d in body["days"]] == [
        (str(day(1)), 3),
        (str(day(2)), 1),
        (str(day(3)), 1),
        (str(day(4)), 1),
        (str(day(5)), 3),
        (str(day(6)), 0),
        (str(day(7)), 3),
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": "2030-01-01"},
        {"from": "2030-01-05", "to": "2030-01-04"},
        {"from": "2030-01-05", "to": "2030-01-01"},
        {"from": "2030-01-01", "to": "2031-06-01"},
        {"from": "kein-datum", "to": "2030-01-02"},
        {"from": "2030-01-01", "to": "2030-01-02", "units": "2"},
        {"from": "2030-01-01\x00", "to": "2030-01-02"},
        {"from": "2030-01-01", "until": "2030-01-02"},
    ],
)
def test_availability_with_bad_dates_is_a_400(client_for, member, company, params):
    item = EquipmentFactory(organisation=company)
    response = client_for(member).get(f"{URL}{item.pk}/availability/", params)
    assert response.status_code == 400, response.content


def test_availability_of_an_item_one_may_not_see_is_a_404(client_for, social_member):
    draft = EquipmentFactory(status=ListingStatus.DRAFT)
    response = client_for(social_member).get(
        f"{URL}{draft.pk}/availability/", {"from": "2030-01-01", "to": "2030-01-01"}
    )
    assert response.status_code == 404


def test_an_item_with_current_loans_cannot_be_deleted(client_for, member, company):
    item = EquipmentFactory(organisation=company)
    old = EquipmentFactory(organisation=company)
    EquipmentAllocationFactory(item=item, start=day(-1), end=day(2))
    EquipmentAllocationFactory(item=old, start=day(-10), end=day(-5))

    assert client_for(member).delete(f"{URL}{item.pk}/").status_code == 409
    assert client_for(member).delete(f"{URL}{old.pk}/").status_code == 204
    assert Equipment.objects.filter(pk=item.pk).exists()
    assert not Equipment.objects.filter(pk=old.pk).exists()

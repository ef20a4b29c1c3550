"""The coordinator keeps the categories and moderates offers in /admin/."""

import pytest

from listings.models import Category, ListingStatus
from marketplace.coordinators import coordinators_group_sync
from tests.factories import CoordinatorFactory
from tests.listings.factories import EquipmentFactory, VolunteerActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    coordinators_group_sync()
    client.force_login(CoordinatorFactory())
    return client


def test_the_coordinator_adds_a_category_in_both_languages(coordinator_client):
    response = coordinator_client.post(
        "/admin/listings/category/add/",
        {
            "slug": "nachhilfe",
            "name_de": "Nachhilfe",
            "name_en": "Tutoring",
            "position": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    category = Category.objects.get(slug="nachhilfe")
    assert (category.name_de, category.name_en) == ("Nachhilfe", "Tutoring")


def test_the_coordinator_sees_offers_and_pauses_them_through_the_services(coordinator_client):
    action = VolunteerActionFactory(title="Wände streichen")
    item = EquipmentFactory()

    listed = coordinator_client.get("/admin/listings/volunteeraction/")
    detail = coordinator_client.get(f"/admin/listings/equipment/{item.pk}/change/")
    paused = coordinator_client.post(
        "/admin/listings/volunteeraction/",
        {"action": "pause_listings", "_selected_action": [action.pk]},
    )

    assert listed.status_code == 200
    assert "Wände streichen" in listed.content.decode()
    assert detail.status_code == 200
    assert paused.status_code == 302
    action.refresh_from_db()
    assert action.status == ListingStatus.PAUSED
    assert action.status_changes.get().reason == "Moderation"

"""The demo offers: every kind, findable, and a second run creates nothing."""

import pytest

from listings.models import Category, Listing, ListingKind
from marketplace.management.commands.seed_demo import seed
from tests.factories import SocialOrganisationFactory, member_of

pytestmark = pytest.mark.django_db


def test_the_demo_has_offers_of_every_kind_and_can_be_run_twice(client_for):
    seed()
    first = Listing.objects.count()
    seed()

    assert Listing.objects.count() == first
    assert set(Listing.objects.values_list("kind", flat=True)) == set(ListingKind.values)
    assert Category.objects.filter(slug="veranstaltungstechnik", name_en="Event equipment").exists()
    reader = client_for(member_of(SocialOrganisationFactory()))
    results = reader.get("/api/v1/listings/", {"q": "Tische"}).json()["results"]
    assert [row["title"] for row in results] == ["Biertischgarnitur (Tisch und zwei Bänke)"]
    item_id = results[0]["id"]
    days = reader.get(
        f"/api/v1/equipment/{item_id}/",
    ).json()["unavailable"]
    assert len(days) == 1

"""Every list endpoint runs the same small number of queries for 1 and for 100 results."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listings.models import AllocationKind, EquipmentPhoto
from tests.factories import CoordinatorFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import (
    CategoryFactory,
    EquipmentAllocationFactory,
    EquipmentFactory,
    JobOfferFactory,
    VolunteerActionFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6


@pytest.fixture
def many_offers():
    """More than 100 offers of each kind, with slots, photos and unavailable dates."""
    category = CategoryFactory(slug="alles")
    start = timezone.localtime() + dt.timedelta(days=3)
    for n in range(101):
        VolunteerActionFactory(
            category=category,
            slots=[
                {"start": start, "end": start + dt.timedelta(hours=2)},
                {
                    "start": start + dt.timedelta(days=n % 9 + 1),
                    "end": start + dt.timedelta(days=n % 9 + 1, hours=3),
                },
            ],
        )
        item = EquipmentFactory(category=category, quantity=2)
        EquipmentPhoto.objects.create(
            item=item,
            image=f"listings/x/{n}.jpg",
            thumbnail=f"listings/x/{n}-thumb.webp",
            width=640,
            height=480,
        )
        for unit in (1, 2):
            EquipmentAllocationFactory(item=item, unit_number=unit, kind=AllocationKind.BLOCKED)
        JobOfferFactory(category=category)


def count_queries(client, url, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/volunteer-actions/", {}),
        ("/api/v1/volunteer-actions/", {"category": "alles", "status": "published"}),
        ("/api/v1/equipment/", {}),
        ("/api/v1/jobs/", {"status": "published"}),
        ("/api/v1/listings/", {}),
        ("/api/v1/listings/", {"q": "Biertischgarnitur", "category": "alles"}),
        ("/api/v1/listings/", {"kind": "volunteer_action", "date_from": "2000-01-01"}),
        (
            "/api/v1/listings/",
            {"available_from": "2000-01-01", "available_until": "2000-01-03", "quantity": 2},
        ),
        ("/api/v1/listings/", {"employment_type": "teilzeit", "ordering": "soonest"}),
    ],
)
@pytest.mark.parametrize("who", ["reader", "coordinator"])
def test_list_endpoints_run_a_constant_small_number_of_queries(
    client_for, many_offers, django_assert_max_num_queries, url, params, who
):
    person = (
        CoordinatorFactory() if who == "coordinator" else member_of(SocialOrganisationFactory())
    )
    client = client_for(person)

    with django_assert_max_num_queries(MAX_QUERIES):
        small, small_rows = count_queries(client, url, {**params, "page_size": 1})
    with django_assert_max_num_queries(MAX_QUERIES):
        large, large_rows = count_queries(client, url, {**params, "page_size": 100})

    assert small == large
    assert (small_rows, large_rows) == (1, 100)


def test_the_category_list_is_one_query_after_sign_in(client_for, django_assert_num_queries):
    for n in range(30):
        CategoryFactory(slug=f"kat-{n}")
    client = client_for(member_of(SocialOrganisationFactory()))
    with django_assert_num_queries(2):  # the token, the categories
        response = client.get("/api/v1/listing-categories/", {"page_size": 100})
    assert len(response.json()["results"]) >= 30

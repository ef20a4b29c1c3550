"""The lists answer in a constant number of queries, for one need and for many; the one
search finds needs by their words like offers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needs import services
from needs.selectors import fitting_needs
from tests.factories import CompanyFactory, member_of
from tests.listings.factories import EquipmentFactory

from .support import category, need_of

pytestmark = pytest.mark.django_db


def _count(client, url, params=None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


def test_the_needs_list_and_the_search_take_as_many_queries_for_one_as_for_many(world, client_for):
    need_of(world)
    client = client_for(world.lender_member)
    one = [
        _count(client, "/api/v1/needs/"),
        _count(client, "/api/v1/listings/", {"kind": "need"}),
        _count(client, "/api/v1/listings/", {"kind": "need", "q": "Beamer"}),
    ]
    for n in range(30):
        need_of(world, title=f"Beamer Nummer {n}")
    many = [
        _count(client, "/api/v1/needs/"),
        _count(client, "/api/v1/listings/", {"kind": "need"}),
        _count(client, "/api/v1/listings/", {"kind": "need", "q": "Beamer"}),
    ]
    assert [q for q, _ in one] == [q for q, _ in many]
    assert [rows for _, rows in many] == [20, 20, 20]


def test_the_proposals_list_takes_as_many_queries_for_one_as_for_many(world, client_for):
    need = need_of(world)
    services.proposal_create(need=need, by=world.lender_member, message="Hallo")
    client = client_for(world.teacher)
    url = f"/api/v1/needs/{need.pk}/proposals/"
    one = _count(client, url)
    for n in range(12):
        company = CompanyFactory()
        services.proposal_create(need=need, by=member_of(company), message=f"Angebot {n}")
    many = _count(client, url)
    assert one[0] == many[0]
    assert many[1] == 13


def test_the_search_finds_needs_by_word_stems_and_category(world, client_for):
    need_of(world, title="Biertische für das Hoffest", category="moebel")
    need_of(world)
    client = client_for(None)

    tables = client.get("/api/v1/listings/", {"kind": "need", "q": "Tisch"}).json()["results"]
    furniture = client.get("/api/v1/listings/", {"kind": "need", "category": "moebel"}).json()

    assert [row["title"] for row in tables] == ["Biertische für das Hoffest"]
    assert tables[0]["kind"] == "need"
    assert [row["title"] for row in furniture["results"]] == ["Biertische für das Hoffest"]


def test_fitting_needs_come_best_first_in_three_queries(world, django_assert_max_num_queries):
    EquipmentFactory(
        organisation=world.lender,
        title="Beamer mit Leinwand",
        description="Für Vorführungen im Hof",
        category=category(),
    )
    best = need_of(world, title="Beamer und Leinwand für das Sommerfest")
    fair = need_of(world, title="Musikanlage für das Sommerfest")  # same category only
    need_of(world, title="Zehn Helfende zum Streichen", category="renovieren")  # no fit

    with django_assert_max_num_queries(3):
        found = fitting_needs(world.lender.pk)

    assert [need.pk for need in found] == [best.pk, fair.pk]
    assert found[0].fit_score > found[1].fit_score

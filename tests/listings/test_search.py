"""GET /api/v1/listings/: one search across every kind, its filters, orderings and pages."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection, transaction
from django.utils import timezone

from listings import capacity
from listings.models import AllocationKind, ListingStatus, VolunteerSlot
from tests.factories import CompanyFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import (
    CategoryFactory,
    EquipmentAllocationFactory,
    EquipmentFactory,
    JobOfferFactory,
    VolunteerActionFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/listings/"


def day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def at(days: int, hour: int = 10) -> dt.datetime:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def reader(client_for):
    return client_for(member_of(SocialOrganisationFactory()))


def walk(client, params, *, between_pages=None, max_pages=50) -> list[int]:
    """Follow `next` links to the end; returns the ids in the order seen."""
    seen = []
    for number in range(1, max_pages + 1):
        body = client.get(URL, params).json()
        seen += [row["id"] for row in body["results"]]
        if between_pages:
            between_pages(number)
        if not body["next"]:
            return seen
        params = {k: v[0] for k, v in parse_qs(urlparse(body["next"]).query).items()}
    raise AssertionError(f"more than {max_pages} pages: the cursor does not advance")


def found(client, **params) -> list[int]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


# --- Full text --------------------------------------------------------------------------------


def test_a_plural_finds_the_singular_and_word_parts_find_compounds(reader):
    table = EquipmentFactory(title="Klapptisch aus Holz", description="Stabil.")
    garnitur = EquipmentFactory(title="Biertischgarnitur", description="Für Feste.")
    benches = EquipmentFactory(title="Sitzbänke für den Hof", description="Vier Stück.")
    VolunteerActionFactory(title="Lesepaten gesucht", description="Vorlesen in der Kita.")

    assert sorted(found(reader, q="Tische")) == sorted([table.pk, garnitur.pk])
    assert found(reader, q="Garnitur") == [garnitur.pk]
    assert found(reader, q="Bier") == [garnitur.pk]
    assert found(reader, q="Biertischgarnituren") == [garnitur.pk]
    assert found(reader, q="Bank") == [benches.pk]
    assert found(reader, q="tisch holz") == [table.pk]
    assert found(reader, q="Zelt") == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="German stemming of descriptions and ts_rank need PostgreSQL's full-text search; "
    "the SQLite fallback matches descriptions only by the literal word",
)
def test_postgres_stems_german_words_in_descriptions_and_ranks_title_hits_first(reader):
    in_text = VolunteerActionFactory(
        title="Frühjahrsputz", description="Wir streichen die Häuser im Hof."
    )
    in_title = VolunteerActionFactory(title="Haus streichen", description="Farbe bringen wir mit.")
    VolunteerActionFactory(title="Kochen", description="Eintopf für alle.")

    results = reader.get(URL, {"q": "Haus streichen", "ordering": "relevance"}).json()["results"]

    assert [row["id"] for row in results] == [in_title.pk, in_text.pk]
    # "Häusern" and "Häuser" share the stem "haus"; SQLite would not find the description.
    assert found(reader, q="Häusern Hof") == [in_text.pk]


def test_stop_words_only_or_too_many_words_are_a_400(reader):
    assert reader.get(URL, {"q": "und der die"}).status_code == 400
    assert reader.get(URL, {"q": " ".join(f"wort{n}" for n in range(9))}).status_code == 400


def test_skills_are_searchable(reader):
    action = VolunteerActionFactory(title="Einsatz im Kiez", skills=["Elektrik", "Malerarbeiten"])
    assert found(reader, q="Maler") == [action.pk]


# --- Visibility -------------------------------------------------------------------------------


def test_only_published_offers_of_approved_organisations_are_found(reader):
    visible = VolunteerActionFactory()
    VolunteerActionFactory(status=ListingStatus.DRAFT)
    VolunteerActionFactory(status=ListingStatus.PAUSED, published_at=timezone.now())
    JobOfferFactory(status=ListingStatus.CLOSED, published_at=timezone.now())
    EquipmentFactory(organisation=CompanyFactory(status="pending"))
    EquipmentFactory(organisation=CompanyFactory(status="suspended"))

    assert found(reader) == [visible.pk]


def test_results_are_a_common_summary_with_the_kind(reader, settings):
    category = CategoryFactory(slug="werkzeug-x", name_de="Werkzeug", name_en="Tools")
    company = CompanyFactory(name="Kiezwerkstatt GmbH", slug="kiezwerkstatt")
    item = EquipmentFactory(
        organisation=company, category=category, title="Akkuschrauber", description="A" * 500
    )

    row = reader.get(URL).json()["results"][0]
    english = reader.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]

    assert row == {
        "id": item.pk,
        "kind": "equipment",
        "title": "Akkuschrauber",
        "excerpt": "A" * 240,
        "url": f"/api/v1/equipment/{item.pk}/",
        "organisation": {"id": company.pk, "name": "Kiezwerkstatt GmbH", "slug": "kiezwerkstatt"},
        "category": {"slug": "werkzeug-x", "name": "Werkzeug"},
        "next_date": None,
        "visible_until": None,
        "thumbnail_url": None,
        "published_at": timezone.localtime(item.published_at).isoformat(),
    }
    assert english["category"]["name"] == "Tools"


# --- Filters ----------------------------------------------------------------------------------


def test_filter_by_kind_category_and_organisation(reader):
    tools = CategoryFactory(slug="werkzeug-y")
    company = CompanyFactory()
    action = VolunteerActionFactory(organisation=company)
    item = EquipmentFactory(category=tools)
    job = JobOfferFactory(organisation=company, category=tools)

    assert found(reader, kind="volunteer_action") == [action.pk]
    assert found(reader, kind="equipment") == [item.pk]
    assert found(reader, kind="job") == [job.pk]
    assert sorted(found(reader, category="werkzeug-y")) == sorted([item.pk, job.pk])
    assert sorted(found(reader, organisation=company.pk)) == sorted([action.pk, job.pk])
    assert found(reader, organisation=company.pk, category="werkzeug-y") == [job.pk]
    assert found(reader, organisation=10**9) == []


def test_filter_by_employment_type(reader):
    part_time = JobOfferFactory(employment_type="teilzeit")
    JobOfferFactory(employment_type="vollzeit")
    EquipmentFactory()

    assert found(reader, employment_type="teilzeit") == [part_time.pk]
    assert found(reader, employment_type="teilzeit", kind="job") == [part_time.pk]
    assert found(reader, employment_type="werkstudent") == []


def test_filter_by_dates_finds_actions_with_free_places_in_that_range(reader):
    soon = VolunteerActionFactory(slots=[{"start": at(3), "end": at(3, 14)}])
    later = VolunteerActionFactory(slots=[{"start": at(20), "end": at(20, 14)}])
    full = VolunteerActionFactory(
        slots=[{"start": at(4), "end": at(4, 14), "volunteers_available": 2}]
    )
    VolunteerSlot.objects.filter(action=full).update(volunteers_held=2)
    both = VolunteerActionFactory(
        slots=[{"start": at(-2), "end": at(-2, 14)}, {"start": at(21), "end": at(21, 14)}]
    )
    EquipmentFactory()

    assert found(reader, date_from=str(day(1)), date_to=str(day(10))) == [soon.pk]
    assert sorted(found(reader, date_from=str(day(15)))) == sorted([later.pk, both.pk])
    assert found(reader, date_to=str(day(3))) == [soon.pk]
    assert found(reader, date_from=str(day(3)), date_to=str(day(3))) == [soon.pk]
    assert found(reader, date_from=str(day(-5)), date_to=str(day(-1))) == []


def test_filter_by_free_units_over_a_whole_loan_period(reader):
    three = EquipmentFactory(quantity=3, buffer_days=0)
    one = EquipmentFactory(quantity=1, buffer_days=2)
    EquipmentAllocationFactory(item=three, unit_number=1, start=day(5), end=day(8))
    EquipmentAllocationFactory(item=one, unit_number=1, start=day(1), end=day(4))  # incl. buffer
    blocked = EquipmentFactory(quantity=2)
    for unit in (1, 2):
        EquipmentAllocationFactory(
            item=blocked, unit_number=unit, start=day(10), end=day(11), kind=AllocationKind.BLOCKED
        )
    VolunteerActionFactory()

    def free(start, until, quantity=None):
        """Items free for a loan of the days [start, until): returned on the day before."""
        params = {"available_from": str(day(start)), "available_until": str(day(until - 1))}
        if quantity:
            params["quantity"] = quantity
        return sorted(found(reader, **params))

    assert free(5, 7) == sorted([three.pk, one.pk, blocked.pk])
    assert free(5, 7, quantity=2) == sorted([three.pk, blocked.pk])
    assert free(5, 7, quantity=3) == []
    assert free(0, 2) == sorted([three.pk, blocked.pk])
    assert free(4, 6) == sorted([three.pk, one.pk, blocked.pk])
    # The asked loan needs its own buffer days too: [-2, 0) plus two days reaches day 1.
    assert free(-2, 0) == sorted([three.pk, blocked.pk])
    assert free(9, 12) == sorted([three.pk, one.pk])
    assert free(10, 11, quantity=1) == sorted([three.pk, one.pk])


def test_the_free_units_filter_agrees_with_the_capacity_service(reader):
    item = EquipmentFactory(quantity=2, buffer_days=1)
    for start, end in [(1, 3), (2, 4), (6, 9)]:
        with transaction.atomic():
            capacity.equipment_hold(
                item_id=item.pk, units=1, pickup_on=day(start), return_on=day(end - 1)
            )

    for start in range(0, 10):
        for length in (1, 2, 3):
            until = start + length - 1  # the return day
            units = capacity.equipment_free_units(item, day(start), day(until))
            for quantity in (1, 2):
                hit = item.pk in found(
                    reader,
                    available_from=str(day(start)),
                    available_until=str(day(until)),
                    quantity=quantity,
                )
                assert hit == (units >= quantity), (start, until, quantity, units)


def test_combined_filters_all_apply(reader):
    tools = CategoryFactory(slug="kueche-z")
    company = CompanyFactory()
    match = EquipmentFactory(
        organisation=company, category=tools, title="Großer Kochtopf", quantity=2
    )
    EquipmentFactory(organisation=company, category=tools, title="Kochtopf", quantity=1)
    EquipmentFactory(organisation=company, title="Großer Kochtopf", quantity=2)
    EquipmentFactory(category=tools, title="Großer Kochtopf", quantity=2)

    assert found(
        reader,
        q="Kochtöpfe",
        kind="equipment",
        category="kueche-z",
        organisation=company.pk,
        available_from=str(day(1)),
        available_until=str(day(2)),
        quantity=2,
    ) == [match.pk]


# --- Ordering and pages -----------------------------------------------------------------------


def test_orderings_newest_and_soonest(reader):
    first = VolunteerActionFactory(slots=[{"start": at(30), "end": at(30, 12)}])
    second = JobOfferFactory(start_date=day(5))
    third = EquipmentFactory()
    fourth = VolunteerActionFactory(slots=[{"start": at(2), "end": at(2, 12)}])

    assert found(reader) == [fourth.pk, third.pk, second.pk, first.pk]
    assert found(reader, ordering="newest") == [fourth.pk, third.pk, second.pk, first.pk]
    assert found(reader, ordering="soonest") == [fourth.pk, second.pk, first.pk, third.pk]


def test_pages_cover_every_offer_once_even_while_new_ones_arrive(reader):
    offers = [EquipmentFactory() for _ in range(7)] + [JobOfferFactory() for _ in range(4)]
    expected = {o.pk for o in offers}

    for ordering in ("newest", "soonest"):
        arrived = set()

        def new_offer_arrives(page_number, arrived=arrived):
            if page_number == 2:
                arrived.add(VolunteerActionFactory().pk)

        seen = walk(reader, {"page_size": 3, "ordering": ordering}, between_pages=new_offer_arrives)

        # What arrives while the client pages may show up later; nothing may shift.
        assert len(seen) == len(set(seen)), ordering
        assert expected <= set(seen) <= expected | arrived, ordering
        expected |= arrived


def test_pages_in_relevance_order_are_stable_too(reader):
    for n in range(5):
        EquipmentFactory(title=f"Tisch {n}", description="rund")
        EquipmentFactory(title=f"Stuhl {n}", description="ein Tisch passt dazu")

    seen = walk(reader, {"q": "Tisch", "ordering": "relevance", "page_size": 4})

    assert len(seen) == len(set(seen)) == 10
    assert seen == found(reader, q="Tisch", ordering="relevance", page_size=100)
    # Titles with the word come before offers that only mention it.
    titles = [
        row["title"]
        for row in reader.get(URL, {"q": "Tisch", "ordering": "relevance"}).json()["results"]
    ]
    assert all(title.startswith("Tisch") for title in titles[:5])
    assert all(title.startswith("Stuhl") for title in titles[5:])


def test_a_query_lists_newest_first_unless_relevance_is_asked_for(reader):
    older = EquipmentFactory(title="Tisch", description="Tisch Tisch Tisch")
    newer = EquipmentFactory(title="Stuhl", description="passt an jeden Tisch")

    assert found(reader, q="Tisch") == [newer.pk, older.pk]
    assert found(reader, q="Tisch", ordering="relevance") == [older.pk, newer.pk]


def test_a_page_size_of_one_walks_every_offer(reader):
    offers = {EquipmentFactory().pk for _ in range(4)}
    assert set(walk(reader, {"page_size": 1})) == offers


# --- Bad requests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "newest"},
        {"kind": "auto"},
        {"kind": "job", "kind ": "x"},
        {"category": "gibt-es-nicht"},
        {"category": "kein slug!"},
        {"organisation": "eins"},
        {"organisation": "0"},
        {"organisation": str(10**30)},
        {"employment_type": "Vollzeit"},
        {"employment_type": "teilzeit", "kind": "equipment"},
        {"date_from": "2026-13-01"},
        {"date_from": "2030-05-10", "date_to": "2030-05-01"},
        {"date_from": "2030-05-01", "kind": "job"},
        {
            "date_from": "2030-05-01",
            "available_from": "2030-05-01",
            "available_until": "2030-05-02",
        },
        {"available_from": "2030-05-01"},
        {"quantity": "2"},
        {"available_from": "2030-05-01", "available_until": "2030-04-30"},
        {"available_from": "2030-05-01", "available_until": "2032-05-01"},
        {"available_from": "2030-05-01", "available_until": "2030-05-03", "quantity": "0"},
        {"available_from": "2030-05-01", "available_until": "2030-05-03", "quantity": "-1"},
        {"ordering": "price"},
        {"ordering": "relevance"},
        {"page_size": "0"},
        {"page_size": "101"},
        {"page_size": "1e3"},
        {"cursor": "kaputt"},
        {"cursor": "W10"},
        {"q": "Tisch\x00"},
        {"q": "x" * 201},
    ],
)
def test_unknown_or_malformed_filters_are_a_400(reader, params):
    CategoryFactory(slug="moebel-q")
    EquipmentFactory()
    response = reader.get(URL, params)
    assert response.status_code == 400, response.content
    assert response.json()


def test_a_repeated_filter_is_a_400_not_the_last_value(reader):
    response = reader.get(f"{URL}?kind=job&kind=equipment")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_a_cursor_of_another_ordering_is_a_400(reader):
    for _ in range(3):
        EquipmentFactory()
    next_url = reader.get(URL, {"page_size": 1}).json()["next"]
    cursor = parse_qs(urlparse(next_url).query)["cursor"][0]

    response = reader.get(URL, {"cursor": cursor, "ordering": "soonest"})

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_the_search_is_open_to_visitors_without_members_only_offers(api_client):
    # Issue 13: published offers can be browsed without an account (members-only ones not).
    public = EquipmentFactory(title="Beamer für alle")
    EquipmentFactory(title="Lastenrad intern", members_only=True)

    response = api_client.get(URL)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [public.pk]

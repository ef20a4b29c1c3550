"""Who sees which donations and receipts in the lists, the filters, and a constant number of
queries whatever the page size."""

import pytest

from donations.models import Donation
from tests.factories import CompanyFactory, member_of

from .support import confirm, days_ago, record_goods, record_money, record_private

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_each_side_and_the_coordinator_see_their_donations_and_nobody_else(world, client_for):
    mine = record_money(world)
    private = record_private(world)
    other_company = CompanyFactory()
    theirs_member = member_of(other_company)
    theirs = record_money(world, by=theirs_member, donor_organisation_id=other_company.pk)

    seen = {
        person: set(_ids(client_for(person).get("/api/v1/donations/")))
        for person in (
            world.company_member,
            world.social_member,
            world.coordinator,
            world.outsider,
            theirs_member,
        )
    }

    assert seen[world.company_member] == {mine.pk}
    assert seen[world.social_member] == {mine.pk, private.pk, theirs.pk}
    assert seen[world.coordinator] == {mine.pk, private.pk, theirs.pk}
    assert seen[world.outsider] == set()
    assert seen[theirs_member] == {theirs.pk}
    assert client_for(None).get("/api/v1/donations/").status_code == 401


def test_receipts_are_listed_for_both_sides_and_the_coordinator(world, client_for):
    receipt_donation = confirm(world, record_money(world))
    confirm(world, record_private(world))

    for person, count in (
        (world.company_admin, 1),
        (world.social_member, 2),
        (world.coordinator, 2),
        (world.outsider, 0),
    ):
        response = client_for(person).get("/api/v1/donations/receipts/")
        assert response.status_code == 200
        assert len(response.json()["results"]) == count, person
    [row] = client_for(world.company_admin).get("/api/v1/donations/receipts/").json()["results"]
    assert row["donor_name"] == receipt_donation.donor_name
    assert row["pdf_url"] == f"/api/v1/donations/receipts/{row['id']}.pdf"
    assert "pdf" not in row


def test_the_list_filters_by_role_state_kind_and_year(world, client_for):
    recorded = record_money(world)
    confirmed = confirm(world, record_money(world, "20.00"))
    goods = record_goods(world)
    old = record_money(world, donated_on=days_ago(0).replace(year=days_ago(0).year - 2))
    social = client_for(world.social_member)

    assert set(_ids(social.get("/api/v1/donations/", {"state": "confirmed"}))) == {confirmed.pk}
    assert set(_ids(social.get("/api/v1/donations/", {"kind": "goods"}))) == {goods.pk}
    assert set(_ids(social.get("/api/v1/donations/", {"year": old.donated_on.year}))) == {old.pk}
    assert set(_ids(social.get("/api/v1/donations/", {"role": "recipient"}))) == {
        recorded.pk,
        confirmed.pk,
        goods.pk,
        old.pk,
    }
    assert _ids(social.get("/api/v1/donations/", {"role": "donor"})) == []
    assert social.get("/api/v1/donations/", {"state": "lost"}).status_code == 400


def _many(world, count: int) -> None:
    for index in range(count):
        donation = record_money(world, f"{10 + index}.00")
        if index % 2:
            confirm(world, donation)
    # A confirmed donation without receipt shows why (the tax-exemption row is read too).
    confirm(world, record_money(world, "5.00"), issue_receipt=False)


@pytest.mark.parametrize("page_size", [1, 100])
def test_the_donation_list_runs_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries, page_size
):
    _many(world, 30)
    client = client_for(world.social_member)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/donations/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, Donation.objects.count())


@pytest.mark.parametrize("page_size", [1, 100])
def test_the_receipt_list_runs_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries, page_size
):
    _many(world, 30)
    client = client_for(world.coordinator)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/donations/receipts/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 15)

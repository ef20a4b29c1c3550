"""Who may do what with an offer, for every kind.

Actors: anonymous, a social organisation's member, another company's member, the owning
company's member and admin, the network coordinator, and a member of an unapproved company.
Offers a person may not see are 404; offers they see but may not change are 403.
"""

import datetime as dt

import pytest
from django.utils import timezone

from listings.models import Listing, ListingStatus
from marketplace.models import OrganisationStatus, Role
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    member_of,
)
from tests.listings.factories import (
    CategoryFactory,
    EquipmentFactory,
    JobOfferFactory,
    VolunteerActionFactory,
)

pytestmark = pytest.mark.django_db

KINDS = {
    "volunteer-actions": VolunteerActionFactory,
    "equipment": EquipmentFactory,
    "jobs": JobOfferFactory,
}
ACTORS = ["anonymous", "social", "other_company", "member", "admin", "coordinator"]


def payload(path, category):
    later = timezone.localtime() + dt.timedelta(days=5)
    common = {"title": "Neues Angebot", "description": "Beschreibung", "category": category.slug}
    if path == "volunteer-actions":
        return {
            **common,
            "slots": [
                {
                    "start": later.isoformat(),
                    "end": (later + dt.timedelta(hours=2)).isoformat(),
                    "volunteers_available": 3,
                }
            ],
        }
    if path == "equipment":
        return {
            **common,
            "pickup_street": "Wassertorstraße 48",
            "pickup_postcode": "10969",
            "handover_note": "nach Absprache",
        }
    return {
        **common,
        "employment_type": "minijob",
        "hours_per_week": "10",
        "place": "Kreuzberg",
        "application_deadline": str(later.date()),
        "contact_name": "Herr Schulz",
    }


@pytest.fixture
def world():
    company = CompanyFactory()
    people = {
        "anonymous": None,
        "social": member_of(SocialOrganisationFactory()),
        "other_company": member_of(CompanyFactory()),
        "member": member_of(company),
        "admin": member_of(company, role=Role.ADMIN),
        "coordinator": CoordinatorFactory(),
    }
    return company, people


def call(client_for, people, actor):
    return client_for(people[actor])


EXPECTED = {
    # action: {actor: status}
    "read published": dict(
        anonymous=401, social=200, other_company=200, member=200, admin=200, coordinator=200
    ),
    "read draft": dict(
        anonymous=401, social=404, other_company=404, member=200, admin=200, coordinator=200
    ),
    "edit published": dict(
        anonymous=401, social=403, other_company=403, member=200, admin=200, coordinator=403
    ),
    "edit draft": dict(
        anonymous=401, social=404, other_company=404, member=200, admin=200, coordinator=403
    ),
    "publish draft": dict(
        anonymous=401, social=404, other_company=404, member=200, admin=200, coordinator=403
    ),
    "pause published": dict(
        anonymous=401, social=403, other_company=403, member=200, admin=200, coordinator=200
    ),
    "close published": dict(
        anonymous=401, social=403, other_company=403, member=200, admin=200, coordinator=200
    ),
    "delete published": dict(
        anonymous=401, social=403, other_company=403, member=204, admin=204, coordinator=403
    ),
    "delete draft": dict(
        anonymous=401, social=404, other_company=404, member=204, admin=204, coordinator=403
    ),
}


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", EXPECTED)
def test_permission_matrix(client_for, world, path, actor, action):
    company, people = world
    verb, state = action.split(" ")
    status = ListingStatus.PUBLISHED if state == "published" else ListingStatus.DRAFT
    listing = KINDS[path](organisation=company, status=status)
    url = f"/api/v1/{path}/{listing.pk}/"
    client = call(client_for, people, actor)

    if verb == "read":
        response = client.get(url)
    elif verb == "edit":
        response = client.patch(url, {"title": "Geänderter Titel"}, format="json")
    elif verb == "delete":
        response = client.delete(url)
    else:
        response = client.post(f"{url}{verb}/")

    assert response.status_code == EXPECTED[action][actor], response.content
    after = Listing.objects.filter(pk=listing.pk).first()
    if response.status_code >= 400:
        # A refused request changes nothing.
        assert after is not None
        assert after.title == listing.title
        assert after.status == status
        assert "detail" in response.json()


@pytest.mark.parametrize("path", KINDS)
def test_who_may_post_for_a_company(client_for, world, path):
    company, people = world
    category = CategoryFactory()
    url = f"/api/v1/{path}/"
    social = people["social"].organisations.get()

    results = {
        "anonymous": client_for(None).post(
            url, {**payload(path, category), "organisation": company.pk}, format="json"
        ),
        "social for itself": client_for(people["social"]).post(
            url, {**payload(path, category), "organisation": social.pk}, format="json"
        ),
        "other company for this one": client_for(people["other_company"]).post(
            url, {**payload(path, category), "organisation": company.pk}, format="json"
        ),
        "coordinator": client_for(people["coordinator"]).post(
            url, {**payload(path, category), "organisation": company.pk}, format="json"
        ),
        "member": client_for(people["member"]).post(
            url, {**payload(path, category), "organisation": company.pk}, format="json"
        ),
        "admin": client_for(people["admin"]).post(
            url, {**payload(path, category), "organisation": company.pk}, format="json"
        ),
    }

    assert {name: r.status_code for name, r in results.items()} == {
        "anonymous": 401,
        "social for itself": 403,
        "other company for this one": 403,
        "coordinator": 403,
        "member": 201,
        "admin": 201,
    }
    assert "Unternehmen" in results["social for itself"].json()["detail"]
    assert Listing.objects.filter(organisation=company).count() == 2
    assert not Listing.objects.filter(organisation=social).exists()


@pytest.mark.parametrize("path", KINDS)
def test_an_unapproved_company_can_neither_post_nor_be_seen(client_for, path):
    pending = CompanyFactory(status=OrganisationStatus.PENDING)
    own = member_of(pending)
    reader = member_of(SocialOrganisationFactory())
    listing = KINDS[path](organisation=pending, status=ListingStatus.PUBLISHED)
    draft = KINDS[path](organisation=pending, status=ListingStatus.DRAFT)

    posted = client_for(own).post(
        f"/api/v1/{path}/",
        {**payload(path, CategoryFactory()), "organisation": pending.pk},
        format="json",
    )
    published = client_for(own).post(f"/api/v1/{path}/{draft.pk}/publish/")
    seen_by_own = client_for(own).get(f"/api/v1/{path}/{listing.pk}/")
    seen_by_reader = client_for(reader).get(f"/api/v1/{path}/{listing.pk}/")
    searched = client_for(reader).get("/api/v1/listings/")

    assert posted.status_code == 403
    assert "freigegeben" in posted.json()["detail"]
    assert published.status_code == 403
    assert seen_by_own.status_code == 200
    assert seen_by_reader.status_code == 404
    assert searched.json()["results"] == []
    draft.refresh_from_db()
    assert draft.status == ListingStatus.DRAFT


@pytest.mark.parametrize("path", KINDS)
def test_a_suspended_company_may_still_pause_its_offers(client_for, path):
    company = CompanyFactory()
    own = member_of(company)
    listing = KINDS[path](organisation=company)
    company.status = OrganisationStatus.SUSPENDED
    company.save()

    edited = client_for(own).patch(f"/api/v1/{path}/{listing.pk}/", {"title": "Neu"}, format="json")
    paused = client_for(own).post(f"/api/v1/{path}/{listing.pk}/pause/")

    assert edited.status_code == 403
    assert paused.status_code == 200


@pytest.mark.parametrize("path", KINDS)
def test_lists_show_published_offers_and_ones_own_drafts(client_for, world, path):
    company, people = world
    published = KINDS[path](organisation=company)
    draft = KINDS[path](organisation=company, status=ListingStatus.DRAFT)
    foreign_draft = KINDS[path](status=ListingStatus.DRAFT)

    def ids(actor):
        response = client_for(people[actor]).get(f"/api/v1/{path}/")
        assert response.status_code == 200
        return sorted(row["id"] for row in response.json()["results"])

    assert ids("social") == [published.pk]
    assert ids("other_company") == [published.pk]
    assert ids("member") == sorted([published.pk, draft.pk])
    assert ids("coordinator") == sorted([published.pk, draft.pk, foreign_draft.pk])
    assert client_for(None).get(f"/api/v1/{path}/").status_code == 401

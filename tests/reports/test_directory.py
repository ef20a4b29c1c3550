"""The public face of the network: the member directory, public profiles and public browsing,
as an anonymous visitor, a network member and the API see them."""

import pytest
from django.test import Client

from marketplace.models import OrganisationStatus, Role
from tests.factories import (
    CompanyFactory,
    SocialOrganisationFactory,
    TaxExemptionFactory,
    member_of,
)
from tests.listings.factories import EquipmentFactory, JobOfferFactory, VolunteerActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    company = CompanyFactory(
        name="Spreewerk Design GmbH",
        description="Designbüro am Kanal, wir verleihen Beamer.",
        district="Kreuzberg",
        website="https://spreewerk.example",
        contact_email="hallo@spreewerk.example",
        phone="030 1234567",
        show_contacts=True,
    )
    social = SocialOrganisationFactory(
        name="Nachbarschaftshaus am Wassertor e.V.", district="Wassertorkiez"
    )
    TaxExemptionFactory(organisation=social, purposes="Förderung der Altenhilfe")
    pending = CompanyFactory(name="Wartende Firma", status=OrganisationStatus.PENDING)
    suspended = CompanyFactory(name="Gesperrte Firma", status=OrganisationStatus.SUSPENDED)
    public_item = EquipmentFactory(organisation=company, title="Beamer Epson")
    secret_item = EquipmentFactory(
        organisation=company, title="Lastenrad für Mitglieder", members_only=True
    )
    VolunteerActionFactory(organisation=company, title="Gartentag")
    JobOfferFactory(organisation=company, title="Ausbildung Mediengestaltung")
    admin = member_of(company, Role.ADMIN, full_name="Mara Sommer", email="mara@spreewerk.example")
    return {
        "company": company,
        "social": social,
        "pending": pending,
        "suspended": suspended,
        "public_item": public_item,
        "secret_item": secret_item,
        "admin": admin,
        "social_member": member_of(social),
    }


def test_anonymous_visitor_sees_approved_organisations_only_sorted_by_name(network):
    response = Client().get("/netzwerk/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Spreewerk Design GmbH" in html
    assert "Nachbarschaftshaus am Wassertor e.V." in html
    assert "Wartende Firma" not in html
    assert "Gesperrte Firma" not in html
    assert html.index("Nachbarschaftshaus") < html.index("Spreewerk")
    # what it brings: published public offers by kind, purposes of the social organisation
    assert "1 × Ausleihe" in html
    assert "1 × Freiwilligenaktion" in html
    assert "Förderung der Altenhilfe" in html
    assert "hallo@spreewerk.example" not in html
    assert "030 1234567" not in html


def test_directory_searches_by_words_and_filters_by_kind_and_district(network):
    client = Client()

    by_word = client.get("/netzwerk/", {"q": "beamer kanal"}).content.decode()
    by_kind = client.get("/netzwerk/", {"kind": "social"}).content.decode()
    by_district = client.get("/netzwerk/", {"district": "kreuzberg"}).content.decode()

    assert "Spreewerk" in by_word and "Nachbarschaftshaus" not in by_word
    assert "Nachbarschaftshaus" in by_kind and "Spreewerk" not in by_kind
    assert "Spreewerk" in by_district and "Nachbarschaftshaus" not in by_district


def test_directory_keeps_a_constant_number_of_queries(network, django_assert_max_num_queries):
    for _ in range(30):
        company = CompanyFactory()
        EquipmentFactory(organisation=company)

    with django_assert_max_num_queries(6):
        response = Client().get("/netzwerk/")

    assert response.status_code == 200


def test_public_profile_hides_contacts_and_members_only_offers_from_visitors(network):
    response = Client().get(f"/netzwerk/{network['company'].pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Beamer Epson" in html
    assert "Lastenrad für Mitglieder" not in html
    assert "hallo@spreewerk.example" not in html
    assert "mara@spreewerk.example" not in html
    assert "Mara Sommer" not in html


def test_network_members_see_contacts_where_the_organisation_shows_them(network, signed_in):
    client = signed_in(network["social_member"])

    html = client.get(f"/netzwerk/{network['company'].pk}/").content.decode()
    other = client.get(f"/netzwerk/{network['social'].pk}/").content.decode()

    assert "hallo@spreewerk.example" in html
    assert "030 1234567" in html
    assert "Mara Sommer" in html and "mara@spreewerk.example" in html
    assert "Lastenrad für Mitglieder" in html
    # the social organisation did not choose to show its contacts
    assert network["social"].contact_email not in other


def test_a_person_outside_approved_organisations_is_no_network_member(network, signed_in):
    outsider = member_of(network["pending"])

    html = signed_in(outsider).get(f"/netzwerk/{network['company'].pk}/").content.decode()

    assert "hallo@spreewerk.example" not in html
    assert "Lastenrad für Mitglieder" not in html


def test_profiles_of_unapproved_organisations_are_not_found(network):
    client = Client()

    assert client.get(f"/netzwerk/{network['pending'].pk}/").status_code == 404
    assert client.get(f"/netzwerk/{network['suspended'].pk}/").status_code == 404
    assert client.get(f"/api/v1/directory/{network['pending'].pk}/").status_code == 404


def test_start_page_lets_visitors_search_public_offers_and_invites_organisations(network):
    client = Client()

    start = client.get("/").content.decode()
    search = client.get("/", {"q": "Lastenrad"}).content.decode()
    secret = client.get(f"/angebote/{network['secret_item'].pk}/")
    public = client.get(f"/angebote/{network['public_item'].pk}/").content.decode()

    assert "Beamer Epson" in start
    assert "Lastenrad für Mitglieder" not in start
    assert "Mitmachen" in start and 'href="/registrieren/"' in start
    assert "Lastenrad" not in search.split("results-heading")[1]
    assert secret.status_code == 404
    # requesting asks the visitor to sign in or to register the organisation
    assert "melden Sie sich bitte an" in public
    assert "/registrieren/" in public


def test_members_find_members_only_offers_in_the_search(network, signed_in):
    html = signed_in(network["social_member"]).get("/", {"q": "Lastenrad"}).content.decode()

    assert "Lastenrad für Mitglieder" in html


def test_search_api_is_public_without_members_only_offers(network, api_client, client_for):
    anonymous = api_client.get("/api/v1/listings/").json()
    member = client_for(network["social_member"]).get("/api/v1/listings/").json()

    titles = {row["title"] for row in anonymous["results"]}
    assert "Beamer Epson" in titles
    assert "Lastenrad für Mitglieder" not in titles
    assert "Lastenrad für Mitglieder" in {row["title"] for row in member["results"]}


def test_directory_api_gives_the_same_entries_and_checks_its_input(network, api_client):
    response = api_client.get("/api/v1/directory/", {"kind": "company"})

    assert response.status_code == 200
    body = response.json()
    assert [row["name"] for row in body["results"]] == ["Spreewerk Design GmbH"]
    assert body["results"][0]["offers"] == {"volunteer_action": 1, "equipment": 1, "job": 1}
    assert "contact_email" not in body["results"][0]
    assert api_client.get("/api/v1/directory/", {"kind": "bank"}).status_code == 400
    assert api_client.get("/api/v1/directory/", {"page": "x"}).status_code == 400
    assert api_client.get("/api/v1/directory/", {"q": ""}).status_code == 400


def test_directory_api_pages_by_cursor_like_every_list(network, api_client):
    first = api_client.get("/api/v1/directory/", {"page_size": 1}).json()
    second = api_client.get(first["next"]).json()

    assert set(first) == {"next", "previous", "results"}
    assert first["previous"] is None
    assert len(first["results"]) == len(second["results"]) == 1
    assert first["results"][0]["name"] < second["results"][0]["name"]  # by name
    assert api_client.get(second["previous"]).json()["results"] == first["results"]


def test_profile_api_shows_contacts_to_members_only(network, api_client, client_for):
    url = f"/api/v1/directory/{network['company'].pk}/"

    anonymous = api_client.get(url).json()
    member = client_for(network["social_member"]).get(url).json()

    assert anonymous["contact_email"] == "" and anonymous["contact_people"] == []
    assert {offer["title"] for offer in anonymous["offers"]} >= {"Beamer Epson"}
    assert "Lastenrad für Mitglieder" not in {offer["title"] for offer in anonymous["offers"]}
    assert member["contact_email"] == "hallo@spreewerk.example"
    assert member["contact_people"] == [
        {"full_name": "Mara Sommer", "email": "mara@spreewerk.example"}
    ]


def test_a_company_marks_an_offer_members_only_through_the_api(network, client_for):
    client = client_for(network["admin"])

    response = client.patch(
        f"/api/v1/equipment/{network['public_item'].pk}/", {"members_only": True}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["members_only"] is True
    assert "Beamer Epson" not in Client().get("/").content.decode()

"""A person in no organisation is led, after signing in and from pages that need one, to a page
that says how to register an organisation or accept an invitation."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from listings.models import ListingStatus
from marketplace.models import Membership, OrganisationStatus
from marketplace.services.organisations import invitation_create
from marketplace.tokens import invitation_token
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    UserFactory,
    member_of,
)
from tests.listings.factories import EquipmentFactory

pytestmark = pytest.mark.django_db


def _sign_in(email: str, next_url: str = "") -> tuple[Client, str]:
    client = Client()
    path = f"/anmelden/?next={next_url}" if next_url else "/anmelden/"
    response = client.post(path, {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client, response["Location"]


def test_after_signing_in_a_person_without_organisation_is_welcomed_with_both_ways():
    UserFactory(email="neu@example.org", full_name="Nora Neu")

    client, location = _sign_in("neu@example.org")
    page = client.get(location)

    assert location == "/willkommen/"
    html = page.content.decode()
    assert "Willkommen bei Kiezmarkt, Nora!" in html
    assert "Sie gehören noch zu keiner Organisation." in html
    assert 'href="/organisationen/neu/"' in html
    assert "Für neu@example.org liegt keine offene Einladung vor." in html


def test_the_welcome_page_lists_open_invitations_to_ones_address_and_they_can_be_accepted():
    admin = member_of(SocialOrganisationFactory(name="Nachbarschaftshaus Wassertor"), role="admin")
    invited = invitation_create(
        organisation=admin.memberships.get().organisation, by=admin, email="Neu@Example.org"
    )
    other = member_of(CompanyFactory(name="Andere Firma"), role="admin")
    invitation_create(organisation=other.memberships.get().organisation, by=other, email="x@y.org")
    UserFactory(email="neu@example.org")

    client, location = _sign_in("neu@example.org")
    html = client.get(location).content.decode()

    assert "Nachbarschaftshaus Wassertor (als Mitglied)" in html
    assert f'href="/einladung/{invitation_token(invited)}/"' in html
    assert "Andere Firma" not in html
    assert "keine offene Einladung" not in html
    assert client.post(f"/einladung/{invitation_token(invited)}/").status_code == 302
    assert Membership.objects.filter(user__email="neu@example.org").exists()


@pytest.mark.parametrize("case", ["expired", "revoked", "organisation suspended"])
def test_invitations_that_can_no_longer_be_accepted_are_not_offered(signed_in, case):
    organisation = SocialOrganisationFactory(name="Kinderladen Sonnenblume")
    admin = member_of(organisation, role="admin")
    invitation = invitation_create(organisation=organisation, by=admin, email="neu@example.org")
    if case == "expired":
        invitation.expires_at = timezone.now() - timedelta(minutes=1)
        invitation.save(update_fields=["expires_at"])
    elif case == "revoked":
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    else:
        organisation.status = OrganisationStatus.SUSPENDED
        organisation.save(update_fields=["status"])

    html = signed_in(UserFactory(email="neu@example.org")).get("/willkommen/").content.decode()

    assert "Kinderladen Sonnenblume" not in html
    assert "keine offene Einladung" in html


def test_members_and_the_coordinator_go_to_the_start_page_after_signing_in():
    member_of(CompanyFactory(), email="mitglied@example.org")
    CoordinatorFactory(email="koordination@example.org")

    assert _sign_in("mitglied@example.org")[1] == "/"
    assert _sign_in("koordination@example.org")[1] == "/"


def test_a_next_address_wins_over_the_welcome_page():
    # (as when an invitation link sent someone to sign in first)
    UserFactory(email="neu@example.org")

    assert _sign_in("neu@example.org", "/angebote/1/")[1] == "/angebote/1/"


@pytest.mark.parametrize("path", ["/buchungen/", "/organisationen/"])
def test_pages_that_need_an_organisation_lead_there(signed_in, path):
    newcomer = signed_in(UserFactory())
    member = signed_in(member_of(CompanyFactory()))
    coordinator = signed_in(CoordinatorFactory())

    response = newcomer.get(path)

    assert response.status_code == 302 and response["Location"] == "/willkommen/"
    assert member.get(path).status_code == 200
    assert coordinator.get(path).status_code == 200


def test_a_member_who_opens_the_welcome_page_goes_to_their_organisations(signed_in):
    response = signed_in(member_of(CompanyFactory())).get("/willkommen/")

    assert response.status_code == 302 and response["Location"] == "/organisationen/"


def test_the_welcome_page_needs_a_sign_in():
    response = Client().get("/willkommen/")

    assert response.status_code == 302 and response["Location"].startswith("/anmelden/")


def test_an_offer_tells_a_person_without_organisation_where_to_go(signed_in):
    offer = EquipmentFactory(status=ListingStatus.PUBLISHED)

    newcomer = signed_in(UserFactory()).get(f"/angebote/{offer.pk}/").content.decode()
    company_member = signed_in(member_of(CompanyFactory())).get(f"/angebote/{offer.pk}/")

    assert 'href="/willkommen/"' in newcomer
    assert 'href="/willkommen/"' not in company_member.content.decode()


def test_the_welcome_page_in_english(signed_in):
    client = signed_in(UserFactory(full_name="Nora Neu", language="en"))
    client.post("/sprache/", {"language": "en", "next": "/"})

    html = client.get("/willkommen/").content.decode()

    assert "Welcome to Kiezmarkt, Nora!" in html
    assert "You do not belong to an organisation yet." in html

"""`manage.py seed_demo`: the demo Wassertorkiez that `make run` loads into an empty database."""

import re
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from marketplace.management.commands.seed_demo import DEMO_PASSWORD
from marketplace.models import (
    COORDINATORS_GROUP,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OrganisationStatusChange,
    Role,
    TaxExemption,
    User,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COORDINATOR_EMAIL = "koordination@kiezmarkt.example"


def seed_demo(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_logins(output: str) -> list[str]:
    return re.findall(r"^\s+(\S+@\S+\.example)\s", output, flags=re.MULTILINE)


def row_counts() -> dict[str, int]:
    models = [User, Organisation, Membership, TaxExemption, OrganisationStatusChange, Group]
    return {model.__name__: model.objects.count() for model in models}


def test_empty_database_gets_approved_companies_and_social_organisations():
    # When the demo is seeded into an empty database
    output = seed_demo("--if-empty")

    # Then there are invented companies and social organisations, all approved
    companies = set(
        Organisation.objects.filter(kind=OrganisationKind.COMPANY).values_list("name", flat=True)
    )
    social = set(
        Organisation.objects.filter(kind=OrganisationKind.SOCIAL).values_list("name", flat=True)
    )
    assert {"Spreewerk Design GmbH", "Kanalblick IT", "Görlitzer Druckhaus"} <= companies
    assert {"Nachbarschaftshaus am Wassertor e.V.", "Kinderladen Sonnenblume e.V."} <= social
    assert any("Kirchengemeinde" in name for name in social)
    assert any("Grundschule" in name for name in social)
    assert set(Organisation.objects.values_list("status", flat=True)) == {
        OrganisationStatus.APPROVED
    }
    # every organisation has an admin, and the associations their tax-exemption data
    for organisation in Organisation.objects.all():
        assert organisation.memberships.filter(role=Role.ADMIN).exists(), organisation
    for organisation in Organisation.objects.filter(name__contains="e.V."):
        exemption = organisation.tax_exemption
        assert exemption.tax_office and exemption.tax_number and exemption.purposes
    assert "Demodaten angelegt" in output
    assert DEMO_PASSWORD in output


def test_coordinator_is_staff_in_the_group_but_not_superuser():
    seed_demo()

    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    assert coordinator.is_staff and not coordinator.is_superuser
    assert coordinator.groups.filter(name=COORDINATORS_GROUP).exists()
    assert coordinator.is_coordinator
    # may moderate organisations, but not make anyone (herself included) superuser
    assert coordinator.has_perm("marketplace.change_organisation")
    assert coordinator.has_perm("marketplace.view_user")
    assert not coordinator.has_perm("marketplace.change_user")
    assert not coordinator.has_perm("auth.change_group")


def test_coordinator_signs_in_to_the_admin(client):
    seed_demo()

    # When the coordinator uses the admin's sign-in form
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": COORDINATOR_EMAIL, "password": DEMO_PASSWORD, "next": "/admin/"},
    )

    # Then she is let in and sees the admin index (and organisations, once they are registered)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    if admin.site.is_registered(Organisation):
        assert client.get("/admin/marketplace/organisation/").status_code == 200


def test_an_organisation_member_cannot_use_the_admin(client):
    seed_demo()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "mara.sommer@spreewerk.example", "password": DEMO_PASSWORD},
    )

    assert response.status_code == 200  # the form again, with an error
    assert client.get("/admin/").status_code == 302


def test_every_printed_login_signs_in(api_client):
    output = seed_demo()
    emails = printed_logins(output)
    assert COORDINATOR_EMAIL in emails
    assert len(emails) == User.objects.count()

    try:
        resolve("/api/v1/auth/token/")
        token_endpoint = True
    except Resolver404:  # built in parallel; until it lands, sign in as the endpoint would
        token_endpoint = False
    for email in emails:
        if token_endpoint:
            response = api_client.post(
                "/api/v1/auth/token/", {"email": email, "password": DEMO_PASSWORD}, format="json"
            )
            assert response.status_code == 200, (email, response.json())
            assert response.json()["token"]
        else:
            request = RequestFactory().post("/api/v1/auth/token/")
            user = authenticate(request=request, email=email, password=DEMO_PASSWORD)
            assert user is not None and user.email_verified, email


def test_running_twice_creates_nothing_new():
    seed_demo()
    before = row_counts()

    output = seed_demo()

    assert row_counts() == before
    assert "nichts angelegt" in output
    # and the logins are printed again
    assert COORDINATOR_EMAIL in printed_logins(output)


def test_if_empty_leaves_a_database_with_data_alone():
    # Given a database where someone already signed up
    UserFactory(email="echte.person@example.org")

    output = seed_demo("--if-empty")

    assert Organisation.objects.count() == 0
    assert list(User.objects.values_list("email", flat=True)) == ["echte.person@example.org"]
    assert "keine Demodaten angelegt" in output
    assert printed_logins(output) == []


def test_if_empty_after_a_seed_still_prints_the_logins():
    seed_demo()
    before = row_counts()

    output = seed_demo("--if-empty")

    assert row_counts() == before
    assert COORDINATOR_EMAIL in printed_logins(output)


def test_changes_made_after_seeding_are_kept():
    seed_demo()
    Organisation.objects.filter(slug="kanalblick-it").update(description="Neu beschrieben")

    seed_demo()

    assert Organisation.objects.get(slug="kanalblick-it").description == "Neu beschrieben"

"""Organisation pages: apply, profile, tax-exemption data, members, invitations."""

import re

import pytest
from django.core import mail
from django.test import Client

from marketplace.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationStatus,
    Role,
    TaxExemption,
)
from marketplace.tokens import invitation_token
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    TaxExemptionFactory,
    UserFactory,
    member_of,
)
from tests.marketplace.organisations_support import image_bytes, snapshot, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def send(client, path, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {}, **extra)

    return send


@pytest.fixture
def social():
    return SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")


@pytest.fixture
def admin(social):
    return member_of(social, Role.ADMIN, full_name="Ayşe Demir")


@pytest.fixture
def member(social):
    return member_of(social, Role.MEMBER, full_name="Klaus Richter")


def apply_data(**overrides):
    return {
        "kind": "company",
        "name": "Spreewerk Design GmbH",
        "description": "Grafik und Web aus dem Kiez.",
        "street": "Wassertorstraße 10",
        "postcode": "10969",
        "city": "Berlin",
        "district": "Wassertorkiez",
        "website": "spreewerk.example",
        "contact_email": "hallo@spreewerk.example",
        "phone": "+49 30 1234567",
        **overrides,
    }


# --- applying -------------------------------------------------------------------------------


def test_applying_creates_a_pending_organisation_with_me_as_admin(signed_in, submit):
    coordinator = CoordinatorFactory()
    applicant = UserFactory()
    client = signed_in(applicant)
    assert client.get("/organisationen/neu/").status_code == 200

    response = submit(
        client, "/organisationen/neu/", apply_data(logo=upload("logo.png", image_bytes()))
    )

    organisation = Organisation.objects.get(name="Spreewerk Design GmbH")
    assert response.status_code == 302
    assert response["Location"] == f"/organisationen/{organisation.pk}/"
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.website == "https://spreewerk.example"
    assert organisation.logo.name.endswith(".png")
    assert Membership.objects.get(organisation=organisation).user == applicant
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    page = client.get(response["Location"]).content.decode()
    assert "wartet auf die Freigabe" in page


def test_apply_shows_every_wrong_field_and_creates_nothing(signed_in, submit):
    client = signed_in(UserFactory())
    before = snapshot()

    response = submit(
        client,
        "/organisationen/neu/",
        apply_data(kind="bank", postcode="1096", name="", logo=upload("x.png", b"not an image")),
    )

    assert response.status_code == 400
    html = response.content.decode()
    for field in ("kind", "postcode", "name", "logo"):
        assert f'id="id_{field}_error"' in html, field
    assert snapshot() == before


def test_apply_with_nul_bytes_is_refused(signed_in, submit):
    client = signed_in(UserFactory())
    before = snapshot()

    response = submit(client, "/organisationen/neu/", apply_data(name="Kiez\x00Firma"))

    assert response.status_code == 400
    assert snapshot() == before


def test_pages_need_sign_in():
    response = Client().get("/organisationen/neu/")

    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


def test_my_organisations_lists_mine_only(signed_in, social, admin):
    CompanyFactory(name="Fremde Firma GmbH")

    html = signed_in(admin).get("/organisationen/").content.decode()

    assert "Nachbarschaftshaus am Wassertor e.V." in html
    assert "Fremde Firma GmbH" not in html


# --- seeing an organisation -----------------------------------------------------------------


def test_outsiders_see_the_public_profile_without_the_inside(signed_in, social):
    outsider = UserFactory()

    response = signed_in(outsider).get(f"/organisationen/{social.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert social.name in html
    assert f"/organisationen/{social.pk}/mitglieder/" not in html
    assert signed_in(outsider).get(f"/organisationen/{social.pk}/mitglieder/").status_code == 404


def test_a_pending_organisation_is_hidden_from_outsiders(signed_in):
    pending = SocialOrganisationFactory(status=OrganisationStatus.PENDING)

    assert signed_in(UserFactory()).get(f"/organisationen/{pending.pk}/").status_code == 404


@pytest.mark.parametrize("path", ["", "profil/", "steuerbefreiung/", "mitglieder/"])
def test_unknown_organisation_is_404(signed_in, path):
    response = signed_in(UserFactory()).get(f"/organisationen/987654/{path}")

    assert response.status_code == 404


# --- profile --------------------------------------------------------------------------------


def test_admin_edits_the_profile(signed_in, social, admin):
    client = signed_in(admin)
    form = client.get(f"/organisationen/{social.pk}/profil/")
    assert form.status_code == 200

    response = client.post(
        f"/organisationen/{social.pk}/profil/",
        {
            "name": social.name,
            "description": "Offenes Haus für alle Generationen.",
            "street": social.street,
            "postcode": "10999",
            "city": "Berlin",
            "district": "Kreuzberg",
            "website": "",
            "contact_email": "info@example.org",
            "phone": "",
        },
    )

    assert response.status_code == 302
    social.refresh_from_db()
    assert social.description == "Offenes Haus für alle Generationen."
    assert social.postcode == "10999"


def test_profile_errors_change_nothing(signed_in, social, admin):
    before = snapshot()

    response = signed_in(admin).post(
        f"/organisationen/{social.pk}/profil/",
        {"name": "", "postcode": "abc", "city": "Berlin", "phone": "call me"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_postcode_error"' in html
    assert 'id="id_phone_error"' in html
    assert snapshot() == before


def test_a_member_who_is_not_admin_may_not_edit(signed_in, social, member):
    before = snapshot()

    get = signed_in(member).get(f"/organisationen/{social.pk}/profil/")
    post = signed_in(member).post(f"/organisationen/{social.pk}/profil/", {"name": "Gekapert"})

    assert get.status_code == post.status_code == 403
    assert snapshot() == before


def test_the_coordinator_may_edit_any_profile(signed_in, social):
    response = signed_in(CoordinatorFactory()).post(
        f"/organisationen/{social.pk}/profil/",
        {"name": "Neuer Name e.V.", "city": "Berlin"},
    )

    assert response.status_code == 302
    social.refresh_from_db()
    assert social.name == "Neuer Name e.V."


# --- tax exemption --------------------------------------------------------------------------


def tax_data(**overrides):
    return {
        "tax_office": "Finanzamt für Körperschaften I Berlin",
        "tax_number": "27/123/45678",
        "notice_kind": "freistellung",
        "notice_date": "2025-03-14",
        "purposes": "Förderung der Altenhilfe",
        **overrides,
    }


def test_admin_records_the_tax_exemption(signed_in, social, admin):
    client = signed_in(admin)
    assert client.get(f"/organisationen/{social.pk}/steuerbefreiung/").status_code == 200

    response = client.post(f"/organisationen/{social.pk}/steuerbefreiung/", tax_data())

    assert response.status_code == 302
    exemption = TaxExemption.objects.get(organisation=social)
    assert exemption.tax_number == "27/123/45678"
    assert exemption.machine_receipts_notified is False


def test_tax_exemption_errors_are_shown_at_their_fields(signed_in, social, admin):
    before = snapshot()

    response = signed_in(admin).post(
        f"/organisationen/{social.pk}/steuerbefreiung/",
        tax_data(tax_number="abc", notice_date="2999-01-01", notice_kind="other"),
    )

    assert response.status_code == 400
    html = response.content.decode()
    for field in ("tax_number", "notice_date", "notice_kind"):
        assert f'id="id_{field}_error"' in html, field
    assert snapshot() == before


def test_tax_exemption_is_private_to_admins(signed_in, social, member):
    TaxExemptionFactory(organisation=social)

    assert signed_in(member).get(f"/organisationen/{social.pk}/steuerbefreiung/").status_code == 404
    assert (
        signed_in(UserFactory()).get(f"/organisationen/{social.pk}/steuerbefreiung/").status_code
        == 404
    )


def test_companies_have_no_tax_exemption_page(signed_in):
    company = CompanyFactory()
    admin = member_of(company, Role.ADMIN)

    assert signed_in(admin).get(f"/organisationen/{company.pk}/steuerbefreiung/").status_code == 404


# --- members and invitations ----------------------------------------------------------------


def test_members_see_each_other(signed_in, social, admin, member):
    html = signed_in(member).get(f"/organisationen/{social.pk}/mitglieder/").content.decode()

    assert "Ayşe Demir" in html
    assert "Klaus Richter" in html
    assert "Jemanden einladen" not in html


def test_admin_invites_and_the_invitee_signs_up_and_accepts(signed_in, social, admin, submit):
    # Given the admin invites a new address
    response = submit(
        signed_in(admin),
        f"/organisationen/{social.pk}/mitglieder/",
        {"email": "Neu@Example.org", "role": "member"},
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["neu@example.org"]
    path = re.search(r"/einladung/[A-Za-z0-9_-]+/", message.body).group(0)

    # When the invitee opens the link without an account
    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert "/registrieren/?next=" in page.content.decode()

    # ... and later, signed in with that address, accepts
    invitee = UserFactory(email="neu@example.org")
    accepted = signed_in(invitee).post(path)

    # Then they are a member
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/organisationen/{social.pk}/"
    assert Membership.objects.filter(organisation=social, user=invitee, role="member").exists()
    assert Invitation.objects.get().accepted_by == invitee


def test_accepting_with_another_address_is_refused(signed_in, social, admin, submit):
    submit(
        signed_in(admin),
        f"/organisationen/{social.pk}/mitglieder/",
        {"email": "neu@example.org", "role": "member"},
    )
    invitation = Invitation.objects.get()
    someone_else = UserFactory(email="other@example.org")

    response = signed_in(someone_else).post(f"/einladung/{invitation_token(invitation)}/")

    assert response.status_code == 403
    assert "andere E-Mail-Adresse" in response.content.decode()
    assert not Membership.objects.filter(user=someone_else).exists()


def test_accepting_anonymously_leads_to_sign_in(social, admin, submit, signed_in):
    submit(
        signed_in(admin),
        f"/organisationen/{social.pk}/mitglieder/",
        {"email": "neu@example.org", "role": "member"},
    )
    token = invitation_token(Invitation.objects.get())

    response = Client().post(f"/einladung/{token}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/?next=")


def test_unknown_invitation_is_404():
    assert Client().get("/einladung/no-such-token/").status_code == 404
    assert Client().get("/einladung/bad%00token/").status_code == 404


def test_inviting_twice_shows_the_conflict_at_the_form(signed_in, social, admin, submit):
    client = signed_in(admin)
    submit(
        client,
        f"/organisationen/{social.pk}/mitglieder/",
        {"email": "a@example.org", "role": "member"},
    )

    response = submit(
        client,
        f"/organisationen/{social.pk}/mitglieder/",
        {"email": "a@example.org", "role": "member"},
    )

    assert response.status_code == 409
    assert "schon eine Einladung unterwegs" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_invitation_form_refuses_bad_input(signed_in, social, admin, submit):
    before = snapshot()

    response = submit(
        signed_in(admin),
        f"/organisationen/{social.pk}/mitglieder/",
        {"email": "kein-adresse\x00", "role": "boss"},
    )

    assert response.status_code == 400
    assert snapshot() == before


def test_a_member_may_not_invite(signed_in, social, member, submit):
    before = snapshot()

    response = submit(
        signed_in(member),
        f"/organisationen/{social.pk}/mitglieder/",
        {"email": "a@example.org", "role": "member"},
    )

    assert response.status_code == 403
    assert snapshot() == before


def test_admin_revokes_an_invitation(signed_in, social, admin, submit):
    client = signed_in(admin)
    submit(
        client,
        f"/organisationen/{social.pk}/mitglieder/",
        {"email": "a@example.org", "role": "member"},
    )
    invitation = Invitation.objects.get()

    response = client.post(f"/organisationen/{social.pk}/einladungen/{invitation.pk}/widerrufen/")

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_admin_changes_a_role_and_removes_a_member(signed_in, social, admin, member):
    client = signed_in(admin)
    membership = Membership.objects.get(user=member)

    client.post(f"/organisationen/{social.pk}/mitglieder/{membership.pk}/rolle/", {"role": "admin"})
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN

    client.post(f"/organisationen/{social.pk}/mitglieder/{membership.pk}/entfernen/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_cannot_leave(signed_in, social, admin):
    client = signed_in(admin)
    membership = Membership.objects.get(user=admin)

    response = client.post(
        f"/organisationen/{social.pk}/mitglieder/{membership.pk}/entfernen/", follow=True
    )

    assert "mindestens eine Administrator*in" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_member_cannot_change_roles(signed_in, social, admin, member):
    admin_membership = Membership.objects.get(user=admin)

    response = signed_in(member).post(
        f"/organisationen/{social.pk}/mitglieder/{admin_membership.pk}/rolle/",
        {"role": "member"},
        follow=True,
    )

    assert "Nur Administrator*innen" in response.content.decode()
    admin_membership.refresh_from_db()
    assert admin_membership.role == Role.ADMIN


def test_a_member_leaves(signed_in, social, member):
    membership = Membership.objects.get(user=member)

    response = signed_in(member).post(
        f"/organisationen/{social.pk}/mitglieder/{membership.pk}/entfernen/"
    )

    assert response["Location"] == "/organisationen/"
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_outsiders_cannot_touch_members(signed_in, social, member):
    membership = Membership.objects.get(user=member)
    outsider = signed_in(UserFactory())

    assert (
        outsider.post(
            f"/organisationen/{social.pk}/mitglieder/{membership.pk}/entfernen/"
        ).status_code
        == 404
    )
    assert Membership.objects.filter(pk=membership.pk).exists()

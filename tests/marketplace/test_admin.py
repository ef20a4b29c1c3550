"""/admin/ as coordinators and superusers use it: e-mail sign-in, finding organisations,
approving, rejecting and suspending them (through the same services as the API)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from marketplace.admin import DEFAULT_REJECT_REASON, DEFAULT_SUSPEND_REASON
from marketplace.models import (
    Organisation,
    OrganisationStatus,
    OrganisationStatusChange,
    Role,
    TaxExemption,
    User,
)
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

from .organisations_support import snapshot

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/marketplace/organisation/"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


class _FormFields(HTMLParser):
    """The values a browser would send for the first form with a given id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or (not attrs.get("name") and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("file", "submit"):
            if attrs.get("type") != "checkbox":
                self.data[attrs["name"]] = attrs.get("value") or ""
            elif "checked" in attrs:
                self.data[attrs["name"]] = attrs.get("value") or "on"
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            # Browsers drop the newline that follows <textarea>.
            if not self.data[self._textarea]:
                data = data.removeprefix("\n")
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def _change_form_data(response, form_id: str) -> dict:
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    return parser.data


# --- signing in -------------------------------------------------------------------------------


def test_superuser_signs_in_with_e_mail_address_and_password():
    User.objects.create_superuser(email="chefin@example.org", password=PASSWORD, full_name="C")
    client = Client()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "Chefin@Example.org", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "Organisationen" in index.content.decode()


def test_coordinator_without_model_permissions_works_with_organisations(coordinator):
    client = _signed_in(coordinator)

    index = client.get("/admin/")
    changelist = client.get(CHANGELIST)

    assert "Organisationen" in index.content.decode()
    assert changelist.status_code == 200


def test_staff_who_are_not_coordinators_do_not_see_organisations():
    staff = UserFactory(is_staff=True)

    response = _signed_in(staff).get(CHANGELIST)

    assert response.status_code == 403


# --- finding organisations --------------------------------------------------------------------


def test_search_and_filters_by_kind_and_status(coordinator):
    SocialOrganisationFactory(name="Kinderladen Wassertor", status=OrganisationStatus.PENDING)
    SocialOrganisationFactory(name="Seniorentreff Wassertor", status=OrganisationStatus.APPROVED)
    CompanyFactory(name="Druckerei Wassertor", status=OrganisationStatus.PENDING)
    client = _signed_in(coordinator)

    searched = client.get(CHANGELIST, {"q": "wassertor"}).content.decode()
    pending_social = client.get(
        CHANGELIST, {"kind__exact": "social", "status__exact": "pending"}
    ).content.decode()

    assert all(
        name in searched
        for name in ("Kinderladen Wassertor", "Seniorentreff Wassertor", "Druckerei Wassertor")
    )
    assert "Kinderladen Wassertor" in pending_social
    assert "Seniorentreff Wassertor" not in pending_social
    assert "Druckerei Wassertor" not in pending_social


# --- actions ----------------------------------------------------------------------------------


def _run_action(client, action, organisations):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [o.pk for o in organisations]},
        follow=True,
    )


@pytest.mark.parametrize("actor", ["coordinator", "superuser"])
def test_approve_action_approves_and_tells_the_admins(
    actor, django_capture_on_commit_callbacks, mailoutbox
):
    user = (
        CoordinatorFactory()
        if actor == "coordinator"
        else UserFactory(is_staff=True, is_superuser=True)
    )
    first = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    second = CompanyFactory(status=OrganisationStatus.PENDING)
    admins = [member_of(first, Role.ADMIN), member_of(second, Role.ADMIN)]

    with django_capture_on_commit_callbacks(execute=True):
        response = _run_action(_signed_in(user), "approve", [first, second])

    assert response.status_code == 200
    assert "2 Organisationen freigegeben." in response.content.decode()
    assert set(Organisation.objects.values_list("status", flat=True)) == {"approved"}
    changes = OrganisationStatusChange.objects.filter(to_status="approved")
    assert {c.by for c in changes} == {user}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(a.email for a in admins)


def test_reject_action_uses_the_default_reason(
    coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    organisation = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    admin = member_of(organisation, Role.ADMIN)

    with django_capture_on_commit_callbacks(execute=True):
        _run_action(_signed_in(coordinator), "reject", [organisation])

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REJECTED
    assert organisation.status_reason == str(DEFAULT_REJECT_REASON)
    assert [m.to for m in mailoutbox] == [[admin.email]]
    assert str(DEFAULT_REJECT_REASON) in mailoutbox[0].body


def test_suspend_action_suspends_approved_and_explains_what_it_refused(coordinator):
    approved = CompanyFactory(name="Kiezfirma", status=OrganisationStatus.APPROVED)
    pending = CompanyFactory(name="Neue Firma", status=OrganisationStatus.PENDING)

    response = _run_action(_signed_in(coordinator), "suspend", [approved, pending])

    approved.refresh_from_db()
    pending.refresh_from_db()
    assert approved.status == OrganisationStatus.SUSPENDED
    assert approved.status_reason == str(DEFAULT_SUSPEND_REASON)
    assert pending.status == OrganisationStatus.PENDING
    page = response.content.decode()
    assert "1 Organisation gesperrt." in page
    assert "Neue Firma: Eine Organisation im Status" in page


def test_actions_are_not_offered_to_staff_without_the_coordinator_role():
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_organisation"),
        Permission.objects.get(codename="change_organisation"),
    )
    organisation = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    before = snapshot()

    response = _run_action(_signed_in(staff), "approve", [organisation])

    assert response.status_code == 200
    assert snapshot() == before


# --- editing ----------------------------------------------------------------------------------


def test_change_form_saves_the_profile_through_the_service(coordinator):
    organisation = SocialOrganisationFactory(name="Alter Name")
    client = _signed_in(coordinator)
    url = f"{CHANGELIST}{organisation.pk}/change/"
    data = _change_form_data(client.get(url), "organisation_form")

    response = client.post(url, {**data, "name": "Neuer Name", "postcode": "10999"})

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.postcode) == ("Neuer Name", "10999")
    assert organisation.description == "Eine Organisation im Wassertorkiez."
    assert organisation.status == OrganisationStatus.APPROVED


def test_change_form_refuses_a_bad_postcode_and_keeps_the_old_one(coordinator):
    organisation = SocialOrganisationFactory(postcode="10969")
    client = _signed_in(coordinator)
    url = f"{CHANGELIST}{organisation.pk}/change/"
    data = _change_form_data(client.get(url), "organisation_form")

    response = client.post(url, {**data, "postcode": "abc"})

    assert response.status_code == 200
    assert "fünfstellige Postleitzahl" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.postcode == "10969"


def test_organisations_are_not_added_in_the_admin(coordinator):
    assert _signed_in(coordinator).get(f"{CHANGELIST}add/").status_code == 403


def test_coordinator_records_a_tax_exemption_for_a_social_organisation_only(coordinator):
    social = SocialOrganisationFactory(name="Nachbarschaftsverein")
    company = CompanyFactory(name="Kiezfirma")
    client = _signed_in(coordinator)
    data = {
        "tax_office": "Finanzamt für Körperschaften I Berlin",
        "tax_number": "27/601/54321",
        "notice_kind": "freistellung",
        "notice_date": "2024-05-02",
        "purposes": "Förderung der Jugendhilfe",
    }

    refused = client.post(
        "/admin/marketplace/taxexemption/add/", {**data, "organisation": company.pk}
    )
    added = client.post("/admin/marketplace/taxexemption/add/", {**data, "organisation": social.pk})

    assert refused.status_code == 200  # the form again, with an error
    assert added.status_code == 302
    exemption = TaxExemption.objects.get()
    assert exemption.organisation == social
    assert exemption.tax_number == "27/601/54321"


def test_invitations_are_revoked_from_the_admin(coordinator):
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    invitation = invitation_create(organisation=organisation, by=admin, email="gast@example.org")

    response = _signed_in(coordinator).post(
        "/admin/marketplace/invitation/",
        {"action": "revoke", "_selected_action": [invitation.pk]},
        follow=True,
    )

    assert "1 Einladung widerrufen." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert (
        invitation_token(invitation)
        not in _signed_in(coordinator)
        .get(f"/admin/marketplace/invitation/{invitation.pk}/change/")
        .content.decode()
    )


def test_memberships_are_shown_but_not_changed_in_the_admin(coordinator):
    organisation = SocialOrganisationFactory()
    member_of(organisation, Role.ADMIN, email="admin@example.org")
    membership = organisation.memberships.get()
    client = _signed_in(coordinator)

    listing = client.get("/admin/marketplace/membership/")
    change = client.post(
        f"/admin/marketplace/membership/{membership.pk}/change/", {"role": "member"}
    )

    assert "admin@example.org" in listing.content.decode()
    assert change.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


# --- people -----------------------------------------------------------------------------------


def test_superuser_adds_a_person_who_then_signs_in_with_e_mail():
    superuser = UserFactory(is_staff=True, is_superuser=True)

    response = _signed_in(superuser).post(
        "/admin/marketplace/user/add/",
        {
            "email": "Neue.Person@Example.org",
            "full_name": "Neue Person",
            "language": "de",
            "usable_password": "true",
            "password1": "Kiez-Sicher-2026!",
            "password2": "Kiez-Sicher-2026!",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(full_name="Neue Person")
    assert person.email == "neue.person@example.org"
    assert User.objects.get_by_natural_key("NEUE.PERSON@example.org") == person
    assert person.check_password("Kiez-Sicher-2026!")


def test_person_change_page_shows_memberships():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    organisation = SocialOrganisationFactory(name="Kiezküche")
    person = member_of(organisation)

    response = _signed_in(superuser).get(f"/admin/marketplace/user/{person.pk}/change/")

    assert response.status_code == 200
    assert "Kiezküche" in response.content.decode()

"""The organisation API as its users meet it: who may do what, what each person sees, and that
every list runs a fixed number of queries."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from marketplace.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Role,
    User,
)
from marketplace.tokens import invitation_token
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    MembershipFactory,
    SocialOrganisationFactory,
    TaxExemptionFactory,
    UserFactory,
    member_of,
    open_invitation,
)

from .organisations_support import API, org_url, snapshot

pytestmark = pytest.mark.django_db


@dataclass
class World:
    org: Organisation  # approved social organisation: member and admin belong here
    pending: Organisation  # pending application of the same people
    other: Organisation  # another organisation, where other_member belongs
    admin: User
    member: User
    other_member: User
    outsider: User
    coordinator: User
    target: Membership  # a plain member of `org` whom the requests act upon
    invitation: Invitation  # an open invitation of `org`


@pytest.fixture
def world() -> World:
    org = SocialOrganisationFactory(name="Mehrgenerationenhaus Wassertor")
    TaxExemptionFactory(organisation=org)
    pending = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    other = CompanyFactory()
    admin = member_of(org, Role.ADMIN)
    MembershipFactory(user=admin, organisation=pending, role=Role.ADMIN)
    member = member_of(org, Role.MEMBER)
    MembershipFactory(user=member, organisation=pending, role=Role.MEMBER)
    target = MembershipFactory(organisation=org, role=Role.MEMBER)
    invitation = open_invitation(
        organisation=org,
        email="eingeladen@example.org",
        invited_by=admin,
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )
    return World(
        org=org,
        pending=pending,
        other=other,
        admin=admin,
        member=member,
        other_member=member_of(other, Role.ADMIN),
        outsider=UserFactory(),
        coordinator=CoordinatorFactory(),
        target=target,
        invitation=invitation,
    )


ACTORS = ["anonymous", "outsider", "other_member", "member", "admin", "coordinator"]


def _actor(world: World, name: str) -> User | None:
    return None if name == "anonymous" else getattr(world, name)


def _invitation_for(world: World, user: User | None) -> Invitation:
    return open_invitation(
        organisation=world.org,
        email=user.email.upper() if user else "niemand@example.org",
        invited_by=world.admin,
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )


TAX_EXEMPTION = {
    "tax_office": "Finanzamt für Körperschaften I Berlin",
    "tax_number": "27/601/54321",
    "notice_kind": "feststellung_60a",
    "notice_date": "2025-03-01",
    "purposes": "Förderung der Altenhilfe",
    "machine_receipts_notified": True,
}

# endpoint: (method, url(world, user), body(world, user))
ENDPOINTS = {
    "list": ("get", lambda w, u: f"{API}/organisations/", None),
    "retrieve": ("get", lambda w, u: org_url(w.org), None),
    "retrieve_pending": ("get", lambda w, u: org_url(w.pending), None),
    "create": (
        "post",
        lambda w, u: f"{API}/organisations/",
        lambda w, u: {"kind": "company", "name": "Kiezbäckerei Schulz"},
    ),
    "update": ("patch", lambda w, u: org_url(w.org), lambda w, u: {"description": "Neu."}),
    "update_pending": (
        "patch",
        lambda w, u: org_url(w.pending),
        lambda w, u: {"description": "Neu."},
    ),
    "approve": ("post", lambda w, u: org_url(w.pending, "approve/"), lambda w, u: {}),
    "reject": (
        "post",
        lambda w, u: org_url(w.pending, "reject/"),
        lambda w, u: {"reason": "Kein Bezug zum Kiez."},
    ),
    "suspend": (
        "post",
        lambda w, u: org_url(w.org, "suspend/"),
        lambda w, u: {"reason": "Beschwerden."},
    ),
    "tax_exemption_get": ("get", lambda w, u: org_url(w.org, "tax-exemption/"), None),
    "tax_exemption_put": (
        "put",
        lambda w, u: org_url(w.org, "tax-exemption/"),
        lambda w, u: TAX_EXEMPTION,
    ),
    "members_list": ("get", lambda w, u: org_url(w.org, "members/"), None),
    "member_patch": (
        "patch",
        lambda w, u: org_url(w.org, f"members/{w.target.pk}/"),
        lambda w, u: {"role": "admin"},
    ),
    "member_delete": ("delete", lambda w, u: org_url(w.org, f"members/{w.target.pk}/"), None),
    "invitations_list": ("get", lambda w, u: org_url(w.org, "invitations/"), None),
    "invitation_create": (
        "post",
        lambda w, u: org_url(w.org, "invitations/"),
        lambda w, u: {"email": "neu@example.org", "role": "member"},
    ),
    "invitation_revoke": (
        "delete",
        lambda w, u: org_url(w.org, f"invitations/{w.invitation.pk}/"),
        None,
    ),
    "invitation_show": (
        "get",
        lambda w, u: f"{API}/invitations/{invitation_token(_invitation_for(w, u))}/",
        None,
    ),
    "invitation_accept": (
        "post",
        lambda w, u: f"{API}/invitations/{invitation_token(_invitation_for(w, u))}/accept/",
        lambda w, u: {},
    ),
}

# Expected status per actor, in the order of ACTORS:
#                        anonymous outsider other  member admin coordinator
MATRIX = {
    "list":               (401, 200, 200, 200, 200, 200),
    "retrieve":           (401, 200, 200, 200, 200, 200),
    "retrieve_pending":   (401, 404, 404, 200, 200, 200),
    "create":             (401, 201, 201, 201, 201, 201),
    "update":             (401, 403, 403, 403, 200, 200),
    "update_pending":     (401, 404, 404, 403, 200, 200),
    "approve":            (401, 404, 404, 403, 403, 200),
    "reject":             (401, 404, 404, 403, 403, 200),
    "suspend":            (401, 403, 403, 403, 403, 200),
    "tax_exemption_get":  (401, 404, 404, 404, 200, 200),
    "tax_exemption_put":  (401, 404, 404, 404, 200, 200),
    "members_list":       (401, 404, 404, 200, 200, 200),
    "member_patch":       (401, 404, 404, 403, 200, 200),
    "member_delete":      (401, 404, 404, 403, 204, 204),
    "invitations_list":   (401, 404, 404, 403, 200, 200),
    "invitation_create":  (401, 404, 404, 403, 201, 201),
    "invitation_revoke":  (401, 404, 404, 403, 204, 204),
    "invitation_show":    (401, 200, 200, 200, 200, 200),
    # member and admin already belong to the organisation they are invited to
    "invitation_accept":  (401, 201, 201, 409, 409, 201),
}  # fmt: skip

CASES = [
    pytest.param(endpoint, actor, expected, id=f"{endpoint}-{actor}")
    for endpoint, statuses in MATRIX.items()
    for actor, expected in zip(ACTORS, statuses, strict=True)
]


def test_matrix_covers_every_endpoint():
    assert set(MATRIX) == set(ENDPOINTS)


@pytest.mark.parametrize(("endpoint", "actor", "expected"), CASES)
def test_permission_matrix(world, client_for, endpoint, actor, expected):
    # Given a person in one of the roles
    user = _actor(world, actor)
    client = client_for(user)
    method, url, body = ENDPOINTS[endpoint]
    url = url(world, user)
    data = body(world, user) if body else None
    before = snapshot()

    # When they call the endpoint
    response = getattr(client, method)(url, data, format="json")

    # Then they get what their role allows, and a refusal changes nothing
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert "detail" in response.json()
        assert snapshot() == before


def test_member_can_leave_an_organisation(world, client_for):
    own = Membership.objects.get(user=world.member, organisation=world.org)

    response = client_for(world.member).delete(org_url(world.org, f"members/{own.pk}/"))

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=own.pk).exists()
    assert client_for(world.member).get(org_url(world.org, "members/")).status_code == 404


def test_admin_cannot_remove_themselves_as_last_admin(world, client_for):
    own = Membership.objects.get(user=world.admin, organisation=world.org)

    response = client_for(world.admin).delete(org_url(world.org, f"members/{own.pk}/"))

    assert response.status_code == 409
    assert "Administrator" in response.json()["detail"]
    assert Membership.objects.filter(pk=own.pk, role=Role.ADMIN).exists()


def test_membership_of_another_organisation_is_not_found_through_this_one(world, client_for):
    foreign = Membership.objects.get(user=world.other_member)

    response = client_for(world.admin).patch(
        org_url(world.org, f"members/{foreign.pk}/"), {"role": "member"}, format="json"
    )

    assert response.status_code == 404
    assert Membership.objects.get(pk=foreign.pk).role == Role.ADMIN


# --- what each person sees --------------------------------------------------------------------


def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


@pytest.fixture
def organisations_in_every_status():
    return {
        status: SocialOrganisationFactory(name=f"Verein {status}", status=status)
        for status in OrganisationStatus.values
    }


def test_outsider_sees_only_approved_organisations(client_for, organisations_in_every_status):
    response = client_for(UserFactory()).get(f"{API}/organisations/")

    assert response.status_code == 200
    assert _names(response) == {"Verein approved"}


def test_member_also_sees_own_organisation_in_any_status(client_for, organisations_in_every_status):
    person = UserFactory()
    for status in (OrganisationStatus.PENDING, OrganisationStatus.REJECTED):
        MembershipFactory(user=person, organisation=organisations_in_every_status[status])

    response = client_for(person).get(f"{API}/organisations/")

    assert _names(response) == {"Verein approved", "Verein pending", "Verein rejected"}
    rejected = next(r for r in response.json()["results"] if r["name"] == "Verein rejected")
    assert rejected["my_role"] == "member"
    assert rejected["status"] == "rejected"


def test_coordinator_sees_all_and_filters_by_status_and_kind(
    client_for, organisations_in_every_status
):
    CompanyFactory(name="Firma pending", status=OrganisationStatus.PENDING)
    client = client_for(CoordinatorFactory())

    everything = client.get(f"{API}/organisations/")
    pending = client.get(f"{API}/organisations/", {"status": "pending"})
    pending_social = client.get(f"{API}/organisations/", {"status": "pending", "kind": "social"})

    assert _names(everything) == {
        "Verein approved",
        "Verein pending",
        "Verein rejected",
        "Verein suspended",
        "Firma pending",
    }
    assert _names(pending) == {"Verein pending", "Firma pending"}
    assert _names(pending_social) == {"Verein pending"}


def test_mine_and_search_filters(client_for, organisations_in_every_status):
    person = member_of(organisations_in_every_status[OrganisationStatus.APPROVED])
    CompanyFactory(name="Kiezbäckerei")
    client = client_for(person)

    assert _names(client.get(f"{API}/organisations/", {"mine": "true"})) == {"Verein approved"}
    assert _names(client.get(f"{API}/organisations/", {"search": "bäcker"})) == {"Kiezbäckerei"}


def test_public_profile_hides_private_fields_from_outsiders(client_for):
    organisation = CompanyFactory(
        name="Kiezfirma", website="https://kiezfirma.example", status_reason="intern"
    )

    outsider_view = client_for(UserFactory()).get(org_url(organisation)).json()
    coordinator_view = client_for(CoordinatorFactory()).get(org_url(organisation)).json()

    assert outsider_view["name"] == "Kiezfirma"
    assert outsider_view["website"] == "https://kiezfirma.example"
    assert outsider_view["street"] == "Wassertorstraße 48"
    assert outsider_view["my_role"] is None
    assert outsider_view["status_reason"] is None
    assert outsider_view["created_at"] is None
    assert coordinator_view["status_reason"] == "intern"
    assert coordinator_view["created_at"] is not None


def test_apply_makes_a_pending_organisation_with_the_applicant_as_admin(
    client_for, django_capture_on_commit_callbacks, mailoutbox
):
    applicant = UserFactory(full_name="Aylin Demir")
    coordinator = CoordinatorFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(applicant).post(
            f"{API}/organisations/",
            {
                "kind": "social",
                "name": "Nachbarschaftstreff Wassertor e.V.",
                "postcode": "10969",
                "district": "Kreuzberg",
                "contact_email": "info@treff.example",
            },
            format="json",
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["my_role"] == "admin"
    assert body["slug"] == "nachbarschaftstreff-wassertor-ev"
    organisation = Organisation.objects.get(pk=body["id"])
    assert organisation.kind == OrganisationKind.SOCIAL
    assert Membership.objects.get(organisation=organisation).user == applicant
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert "Nachbarschaftstreff Wassertor e.V." in mailoutbox[0].subject
    assert "Aylin Demir" in mailoutbox[0].body


def test_coordinator_approves_and_admins_are_told(
    world, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.coordinator).post(
            org_url(world.pending, "approve/"), {}, format="json"
        )

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert [m.to for m in mailoutbox] == [[world.admin.email]]
    assert "freigegeben" in mailoutbox[0].subject


def test_approving_an_approved_organisation_is_a_conflict(world, client_for):
    before = snapshot()

    response = client_for(world.coordinator).post(org_url(world.org, "approve/"), {}, format="json")

    assert response.status_code == 409
    assert "freigegeben" in response.json()["detail"]
    assert snapshot() == before


def test_update_changes_the_profile(world, client_for):
    response = client_for(world.admin).patch(
        org_url(world.org),
        {"description": "Offen für alle Generationen.", "postcode": "10999"},
        format="json",
    )

    assert response.status_code == 200
    world.org.refresh_from_db()
    assert world.org.description == "Offen für alle Generationen."
    assert world.org.postcode == "10999"


def test_tax_exemption_of_a_company_is_refused(client_for):
    company = CompanyFactory()
    admin = member_of(company, Role.ADMIN)

    get = client_for(admin).get(org_url(company, "tax-exemption/"))
    put = client_for(admin).put(org_url(company, "tax-exemption/"), TAX_EXEMPTION, format="json")

    assert get.status_code == 400
    assert put.status_code == 400
    assert "sozial" in put.json()["detail"]


def test_tax_exemption_is_created_then_replaced(client_for):
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    client = client_for(admin)

    missing = client.get(org_url(organisation, "tax-exemption/"))
    created = client.put(org_url(organisation, "tax-exemption/"), TAX_EXEMPTION, format="json")
    replaced = client.put(
        org_url(organisation, "tax-exemption/"),
        {**TAX_EXEMPTION, "tax_number": "27/601/99999"},
        format="json",
    )

    assert missing.status_code == 404
    assert created.status_code == 201
    assert replaced.status_code == 200
    shown = client.get(org_url(organisation, "tax-exemption/")).json()
    assert shown["tax_number"] == "27/601/99999"
    assert shown["notice_kind"] == "feststellung_60a"
    assert shown["machine_receipts_notified"] is True


# --- a fixed number of queries per list -------------------------------------------------------


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("viewer", ["member", "coordinator"])
def test_organisation_list_query_count(
    client_for, django_assert_max_num_queries, page_size, viewer
):
    person = CoordinatorFactory() if viewer == "coordinator" else UserFactory()
    for organisation in SocialOrganisationFactory.create_batch(105):
        MembershipFactory(user=person, organisation=organisation)
    CompanyFactory.create_batch(3, status=OrganisationStatus.PENDING)
    client = client_for(person)

    with django_assert_max_num_queries(6):
        response = client.get(f"{API}/organisations/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [1, 100])
@pytest.mark.parametrize("viewer", ["admin", "coordinator"])
def test_member_and_invitation_list_query_count(
    client_for, django_assert_max_num_queries, page_size, viewer
):
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    for n in range(105):
        MembershipFactory(organisation=organisation)
        open_invitation(
            organisation=organisation,
            email=f"gast{n}@example.org",
            invited_by=admin,
            expires_at=timezone.now() + timezone.timedelta(days=1),
        )
    client = client_for(CoordinatorFactory() if viewer == "coordinator" else admin)

    for suffix in ("members/", "invitations/"):
        with django_assert_max_num_queries(6):
            response = client.get(org_url(organisation, suffix), {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size

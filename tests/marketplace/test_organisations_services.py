"""The organisation services: status transitions, who is told, profile and tax-exemption rules,
and that an organisation always keeps an admin."""

import datetime

import pytest
from django.core.files.storage import default_storage

from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.models import (
    ORGANISATION_TRANSITIONS,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OrganisationStatusChange,
    Role,
    TaxExemption,
)
from marketplace.services.organisations import (
    membership_change_role,
    membership_leave,
    membership_remove,
    organisation_apply,
    organisation_approve,
    organisation_reject,
    organisation_suspend,
    organisation_update,
    tax_exemption_update,
)
from notifications.models import Notification
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    MembershipFactory,
    SocialOrganisationFactory,
    TaxExemptionFactory,
    UserFactory,
    member_of,
)

from .organisations_support import image_bytes, snapshot, upload

pytestmark = pytest.mark.django_db

ACTIONS = {
    OrganisationStatus.APPROVED: (organisation_approve, "organisation_approved"),
    OrganisationStatus.REJECTED: (organisation_reject, "organisation_rejected"),
    OrganisationStatus.SUSPENDED: (organisation_suspend, "organisation_suspended"),
}
TRANSITION_CASES = [
    pytest.param(
        from_status,
        to_status,
        to_status in ORGANISATION_TRANSITIONS[from_status],
        id=f"{from_status}->{to_status}",
    )
    for from_status in OrganisationStatus.values
    for to_status in ACTIONS
]


@pytest.mark.parametrize(("from_status", "to_status", "allowed"), TRANSITION_CASES)
def test_status_transitions_follow_the_table(
    from_status, to_status, allowed, django_capture_on_commit_callbacks, mailoutbox
):
    # Given an organisation in `from_status` with an admin and a plain member
    organisation = SocialOrganisationFactory(status=from_status)
    admin = member_of(organisation, Role.ADMIN)
    member_of(organisation, Role.MEMBER)
    coordinator = CoordinatorFactory()
    service, kind = ACTIONS[to_status]
    before = snapshot()

    # When the coordinator moves it to `to_status`
    with django_capture_on_commit_callbacks(execute=True):
        try:
            service(organisation=organisation, by=coordinator, reason="Begründung im Test")
        except Conflict as error:
            refused = error
        else:
            refused = None

    # Then an allowed move changes the status, is recorded and tells the admins only;
    # a move the table does not allow is refused and changes nothing
    organisation.refresh_from_db()
    if allowed:
        assert refused is None
        assert organisation.status == to_status
        assert organisation.status_reason == "Begründung im Test"
        change = OrganisationStatusChange.objects.get(organisation=organisation)
        assert (change.from_status, change.to_status, change.by) == (
            from_status,
            to_status,
            coordinator,
        )
        assert change.reason == "Begründung im Test"
        assert [m.to for m in mailoutbox] == [[admin.email]]
        assert list(Notification.objects.values_list("kind", flat=True)) == [kind]
    else:
        assert refused is not None and refused.status_code == 409
        assert snapshot() == before
        assert mailoutbox == []


def test_only_approved_organisations_may_post_or_book():
    assert [s for s in OrganisationStatus.values if Organisation(status=s).is_approved] == [
        "approved"
    ]


@pytest.mark.parametrize("service", [organisation_reject, organisation_suspend])
@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_suspend_need_a_reason(service, reason):
    organisation = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    if service is organisation_suspend:
        organisation.status = OrganisationStatus.APPROVED
        organisation.save()
    before = snapshot()

    with pytest.raises(InvalidInput) as error:
        service(organisation=organisation, by=CoordinatorFactory(), reason=reason)

    assert error.value.field == "reason"
    assert snapshot() == before


def test_superuser_counts_as_coordinator_but_staff_alone_does_not():
    organisation = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    staff = UserFactory(is_staff=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)

    with pytest.raises(NotAllowed):
        organisation_approve(organisation=organisation, by=staff)
    organisation_approve(organisation=organisation, by=superuser)

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED


def test_admin_of_the_organisation_cannot_approve_it():
    organisation = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    admin = member_of(organisation, Role.ADMIN)

    with pytest.raises(NotAllowed):
        organisation_approve(organisation=organisation, by=admin)

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING


def test_reinstating_a_suspended_organisation_says_so(
    django_capture_on_commit_callbacks, mailoutbox
):
    organisation = CompanyFactory(name="Kiezfirma", status=OrganisationStatus.SUSPENDED)
    member_of(organisation, Role.ADMIN)

    with django_capture_on_commit_callbacks(execute=True):
        organisation_approve(organisation=organisation, by=CoordinatorFactory())

    assert mailoutbox[0].subject == "Kiezfirma ist wieder freigegeben"
    assert "Sperre" in mailoutbox[0].body


def test_rejection_e_mail_carries_the_reason(django_capture_on_commit_callbacks, mailoutbox):
    organisation = SocialOrganisationFactory(
        name="Müller & Söhne", status=OrganisationStatus.PENDING
    )
    admin = member_of(organisation, Role.ADMIN, full_name="Jana Müller")

    with django_capture_on_commit_callbacks(execute=True):
        organisation_reject(
            organisation=organisation, by=CoordinatorFactory(), reason="Kein Sitz im Kiez."
        )

    (message,) = mailoutbox
    assert message.to == [admin.email]
    assert "Müller & Söhne" in message.subject  # plain text: not HTML-escaped
    assert "Kein Sitz im Kiez." in message.body
    assert "Jana Müller" in message.body
    html = message.alternatives[0][0]
    assert "Müller &amp; Söhne" in html


# --- applying ---------------------------------------------------------------------------------


def test_applying_tells_every_active_coordinator(django_capture_on_commit_callbacks, mailoutbox):
    coordinators = CoordinatorFactory.create_batch(2)
    CoordinatorFactory(is_active=False)
    applicant = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        organisation = organisation_apply(
            applicant=applicant,
            kind=OrganisationKind.COMPANY,
            profile={"name": "Kiezfirma GmbH", "district": "Kreuzberg"},
        )

    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.applied_by == applicant
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    change = OrganisationStatusChange.objects.get(organisation=organisation)
    assert (change.from_status, change.to_status, change.by) == ("", "pending", applicant)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in coordinators)
    assert f"/admin/marketplace/organisation/{organisation.pk}/change/" in mailoutbox[0].body


def test_slugs_are_made_unique_from_the_name():
    applicant = UserFactory()

    first = organisation_apply(applicant=applicant, kind="social", profile={"name": "Kiez e.V."})
    second = organisation_apply(applicant=applicant, kind="social", profile={"name": "Kiez e.V."})

    assert (first.slug, second.slug) == ("kiez-ev", "kiez-ev-2")


@pytest.mark.parametrize(
    ("kind", "profile", "field"),
    [
        ("verein", {"name": "X"}, "kind"),
        ("social", {"name": ""}, "name"),
        ("social", {"name": "X", "status": "approved"}, "status"),
        ("social", {"name": "X", "postcode": "123"}, "postcode"),
        ("social", {"name": "X", "logo": upload("l.png", b"kein bild")}, "logo"),
    ],
)
def test_apply_refuses_invalid_profiles(kind, profile, field):
    before = snapshot()

    with pytest.raises(InvalidInput) as error:
        organisation_apply(applicant=UserFactory(), kind=kind, profile=profile)

    assert error.value.field == field
    assert snapshot() == before


# --- profile ----------------------------------------------------------------------------------


def test_only_admins_and_the_coordinator_update_the_profile():
    organisation = SocialOrganisationFactory()
    member = member_of(organisation, Role.MEMBER)

    with pytest.raises(NotAllowed):
        organisation_update(organisation=organisation, by=member, changes={"name": "Neu"})
    organisation_update(organisation=organisation, by=CoordinatorFactory(), changes={"name": "Neu"})

    organisation.refresh_from_db()
    assert organisation.name == "Neu"


def test_a_replaced_logo_file_is_deleted_after_commit(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    organisation_update(
        organisation=organisation, by=admin, changes={"logo": upload("a.png", image_bytes())}
    )
    organisation.refresh_from_db()
    old_name = organisation.logo.name
    assert default_storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(
            organisation=organisation,
            by=admin,
            changes={"logo": upload("b.webp", image_bytes("WEBP"))},
        )

    organisation.refresh_from_db()
    assert organisation.logo.name.endswith(".webp")
    assert default_storage.exists(organisation.logo.name)
    assert not default_storage.exists(old_name)


# --- tax exemption ----------------------------------------------------------------------------

EXEMPTION = {
    "tax_office": "Finanzamt für Körperschaften I Berlin",
    "tax_number": "27/601/54321",
    "notice_kind": "freistellung",
    "notice_date": datetime.date(2024, 5, 2),
    "purposes": "Förderung der Altenhilfe",
}


def test_tax_exemption_is_only_for_social_organisations():
    company = CompanyFactory()

    with pytest.raises(InvalidInput):
        tax_exemption_update(organisation=company, by=CoordinatorFactory(), data=EXEMPTION)

    assert not TaxExemption.objects.exists()


def test_members_who_are_not_admins_cannot_change_the_tax_exemption():
    organisation = SocialOrganisationFactory()

    with pytest.raises(NotAllowed):
        tax_exemption_update(organisation=organisation, by=member_of(organisation), data=EXEMPTION)

    assert not TaxExemption.objects.exists()


def test_tax_exemption_is_created_and_updated_in_place():
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)

    first, created = tax_exemption_update(organisation=organisation, by=admin, data=EXEMPTION)
    second, created_again = tax_exemption_update(
        organisation=organisation, by=admin, data={"machine_receipts_notified": True}
    )

    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    second.refresh_from_db()
    assert second.tax_number == "27/601/54321"
    assert second.machine_receipts_notified is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tax_number": "abc"}, "tax_number"),
        ({"notice_date": datetime.date(2999, 1, 1)}, "notice_date"),
        ({"notice_kind": "irgendein"}, "notice_kind"),
        ({"organisation": 5}, "organisation"),
    ],
)
def test_invalid_tax_exemption_data_is_refused(changes, field):
    exemption = TaxExemptionFactory()
    before = snapshot()

    with pytest.raises(InvalidInput) as error:
        tax_exemption_update(
            organisation=exemption.organisation,
            by=CoordinatorFactory(),
            data={**EXEMPTION, **changes},
        )

    assert error.value.field == field
    assert snapshot() == before


@pytest.mark.parametrize(
    ("notice_kind", "notice_date", "receipt_date", "allowed"),
    [
        ("freistellung", datetime.date(2020, 3, 1), datetime.date(2025, 3, 1), True),
        ("freistellung", datetime.date(2020, 3, 1), datetime.date(2025, 3, 2), False),
        ("feststellung_60a", datetime.date(2022, 3, 1), datetime.date(2025, 3, 1), True),
        ("feststellung_60a", datetime.date(2022, 3, 1), datetime.date(2025, 3, 2), False),
        ("freistellung", datetime.date(2024, 2, 29), datetime.date(2029, 2, 28), True),
        ("freistellung", datetime.date(2024, 3, 1), datetime.date(2024, 2, 28), False),
    ],
)
def test_a_notice_is_valid_for_receipts_for_five_or_three_years(
    notice_kind, notice_date, receipt_date, allowed
):
    exemption = TaxExemption(notice_kind=notice_kind, notice_date=notice_date)

    assert exemption.allows_receipts_on(receipt_date) is allowed


# --- the last admin stays ---------------------------------------------------------------------


@pytest.fixture
def sole_admin_org():
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    member = member_of(organisation, Role.MEMBER)
    return organisation, Membership.objects.get(user=admin), Membership.objects.get(user=member)


@pytest.mark.parametrize("by", ["self", "coordinator"])
def test_the_last_admin_cannot_be_demoted(sole_admin_org, by):
    _, admin, _ = sole_admin_org
    actor = admin.user if by == "self" else CoordinatorFactory()

    with pytest.raises(Conflict) as error:
        membership_change_role(membership=admin, by=actor, role=Role.MEMBER)

    assert error.value.code == "last_admin"
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


@pytest.mark.parametrize("by", ["self", "coordinator"])
def test_the_last_admin_can_neither_leave_nor_be_removed(sole_admin_org, by):
    organisation, admin, _ = sole_admin_org
    actor = admin.user if by == "self" else CoordinatorFactory()

    with pytest.raises(Conflict):
        membership_remove(membership=admin, by=actor)
    with pytest.raises(Conflict):
        membership_leave(organisation=organisation, user=admin.user)

    assert Membership.objects.filter(pk=admin.pk).exists()


def test_with_a_second_admin_the_first_may_step_down_and_leave(sole_admin_org):
    organisation, admin, member = sole_admin_org
    membership_change_role(membership=member, by=admin.user, role=Role.ADMIN)

    membership_change_role(membership=admin, by=admin.user, role=Role.MEMBER)
    membership_leave(organisation=organisation, user=admin.user)

    assert list(Membership.objects.filter(organisation=organisation)) == [member]
    member.refresh_from_db()
    assert member.role == Role.ADMIN


def test_a_member_may_leave_but_not_remove_others(sole_admin_org):
    organisation, admin, member = sole_admin_org
    other = MembershipFactory(organisation=organisation)

    with pytest.raises(NotAllowed):
        membership_remove(membership=other, by=member.user)
    membership_leave(organisation=organisation, user=member.user)

    assert set(Membership.objects.filter(organisation=organisation)) == {admin, other}


def test_leaving_an_organisation_one_does_not_belong_to_is_not_found(sole_admin_org):
    organisation, _, _ = sole_admin_org

    with pytest.raises(NotFound):
        membership_leave(organisation=organisation, user=UserFactory())


def test_unknown_role_is_refused(sole_admin_org):
    _, admin, member = sole_admin_org

    with pytest.raises(InvalidInput):
        membership_change_role(membership=member, by=admin.user, role="owner")

    member.refresh_from_db()
    assert member.role == Role.MEMBER

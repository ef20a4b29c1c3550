"""Reads about people and organisations that every app shares (permissions, recipients)."""

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from .legal_defaults import DEFAULT_TEXTS
from .models import (
    OPEN_FOR_MEMBERS,
    Invitation,
    LegalText,
    Membership,
    Organisation,
    OrganisationStatus,
    OrganisationStatusChange,
    Role,
    User,
    VolunteerHourRate,
)
from .rows import Shape, fetch


def membership_of(user: User, organisation: Organisation | int) -> Membership | None:
    """The person's membership in the organisation, or None."""
    if not user.is_authenticated:
        return None
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return Membership.objects.filter(user=user, organisation_id=org_id).first()


_ORGANISATION = Shape(Organisation)


def memberships_among(user: User, organisation_ids: list[int]) -> dict[int, Organisation]:
    """Those of the organisations (by id) the person belongs to, with their rows: one query
    written once (it runs in every booking request; marketplace/rows.py)."""
    ids = list(dict.fromkeys(organisation_ids))
    membership, organisation = Membership._meta.db_table, Organisation._meta.db_table
    # Names from the models only, values as parameters.
    sql = (
        f'SELECT {_ORGANISATION.columns} FROM "{membership}" INNER JOIN "{organisation}" '  # noqa: S608
        f'ON ("{membership}"."organisation_id" = "{organisation}"."id") '
        f'WHERE "{membership}"."user_id" = %s AND "{membership}"."organisation_id" IN '
        f"({', '.join(['%s'] * len(ids))})"
    )
    found = (_ORGANISATION.load(row) for row in fetch(sql, [user.pk, *ids]))
    return {row.pk: row for row in found}


def is_member(user: User, organisation: Organisation | int) -> bool:
    return membership_of(user, organisation) is not None


def is_admin(user: User, organisation: Organisation | int) -> bool:
    membership = membership_of(user, organisation)
    return membership is not None and membership.role == Role.ADMIN


def organisation_ids_of(user: User) -> list[int]:
    """Ids of every organisation the person belongs to (any status)."""
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def network_member_condition(user: User) -> Exists | bool:
    """Whether the person is a network member (signed in, in an approved organisation, or the
    coordinator), as a condition a query can use without a separate read. Members see
    members-only offers and, where an organisation shows them, contact people."""
    if not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    return Exists(
        Membership.objects.filter(user=user, organisation__status=OrganisationStatus.APPROVED)
    )


def is_network_member(user: User) -> bool:
    condition = network_member_condition(user)
    if isinstance(condition, bool):
        return condition
    return Membership.objects.filter(
        user=user, organisation__status=OrganisationStatus.APPROVED
    ).exists()


def approved_organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, status=OrganisationStatus.APPROVED)


def admins_of(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.ADMIN, is_active=True
    )


def members_of(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation, is_active=True)


def coordinators() -> QuerySet[User]:
    from .models import COORDINATORS_GROUP

    return User.objects.filter(is_active=True, is_staff=True, groups__name=COORDINATORS_GROUP)


def organisations_for(user: User) -> QuerySet[Organisation]:
    """Organisations the person may see, each with `my_role` (None when not a member); the API
    and the web pages both start here, so they give the same answers."""
    role = Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("role")
    return Organisation.objects.visible_to(user).annotate(my_role=Subquery(role[:1]))


def belongs(user: User, organisation: Organisation) -> bool:
    """Members and the coordinator see the organisation's inside (members, offers, bookings).
    `organisation` comes from organisations_for() (it carries `my_role`)."""
    return organisation.my_role is not None or user.is_coordinator


def manages(user: User, organisation: Organisation) -> bool:
    """Admins and the coordinator edit the profile, tax data, members and invitations.
    `organisation` comes from organisations_for()."""
    return organisation.my_role == Role.ADMIN or user.is_coordinator


def legal_text_current(kind: str) -> LegalText:
    """The version of the privacy notice or imprint in force: the newest one. Before any exists
    (a database nobody migrated), the built-in text, unsaved."""
    current = LegalText.objects.filter(kind=kind).order_by("-version").first()
    if current is None:
        body_de, body_en = DEFAULT_TEXTS[kind]
        current = LegalText(kind=kind, version=1, body_de=body_de, body_en=body_en)
    return current


def has_organisation(user: User) -> bool:
    """Whether the person belongs to any organisation, in any status."""
    return user.is_authenticated and Membership.objects.filter(user=user).exists()


def open_invitations_for(user: User) -> QuerySet[Invitation]:
    """Invitations to the person's own address they can still accept: not used, revoked or
    expired, into an organisation that still takes members."""
    return (
        Invitation.objects.filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            organisation__status__in=OPEN_FOR_MEMBERS,
        )
        .exclude(organisation__memberships__user=user)
        .select_related("organisation")
        .order_by("-created_at", "-id")
    )


# --- the public member directory ---------------------------------------------------------------

DIRECTORY_FIELDS = (
    "id",
    "name",
    "slug",
    "kind",
    "district",
    "description",
    "website",
    "logo",
)


def directory_organisations(*, q: str = "", kind: str = "", district: str = "") -> QuerySet:
    """Approved organisations for the public directory, sorted by name, with `purposes` (a
    social organisation's tax-privileged purposes, which its receipts print; the tax office
    and number stay private). Words in `q` must each appear in the name or the description."""
    queryset = Organisation.objects.approved()
    for word in q.split()[:8]:
        queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if kind:
        queryset = queryset.filter(kind=kind)
    if district:
        queryset = queryset.filter(district__iexact=district)
    return (
        queryset.only(*DIRECTORY_FIELDS)
        .annotate(purposes=F("tax_exemption__purposes"))
        .order_by("name", "id")
    )


def directory_districts() -> list[str]:
    """The districts approved organisations name, for the directory's filter."""
    return list(
        Organisation.objects.approved()
        .exclude(district="")
        .values_list("district", flat=True)
        .distinct()
        .order_by("district")
    )


def contact_people_of(organisation: Organisation) -> list[User]:
    """Who to ask at an organisation: its active admins (names and e-mail addresses)."""
    return list(admins_of(organisation).order_by("full_name", "id").only("full_name", "email"))


def volunteer_hour_rates() -> list:
    """Every rate a volunteer hour was valued at, oldest first (one query)."""
    return list(VolunteerHourRate.objects.order_by("valid_from"))


# --- reads for the reports ---------------------------------------------------------------------


def organisations_as_of(moment) -> QuerySet[Organisation]:
    """Organisations that existed before `moment` (an aware datetime), each annotated with
    `status_at` (its status then, from the status history; without history, its status now)
    and `first_approved_at` (its first approval; without history, its creation if approved)."""
    last_before = (
        OrganisationStatusChange.objects.filter(organisation=OuterRef("pk"), at__lt=moment)
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    first_after = (
        OrganisationStatusChange.objects.filter(organisation=OuterRef("pk"), at__gte=moment)
        .order_by("at", "id")
        .values("from_status")[:1]
    )
    first_approval = (
        OrganisationStatusChange.objects.filter(
            organisation=OuterRef("pk"), to_status=OrganisationStatus.APPROVED
        )
        .order_by("at", "id")
        .values("at")[:1]
    )
    return Organisation.objects.filter(created_at__lt=moment).annotate(
        status_at=Coalesce(
            Subquery(last_before), NullIf(Subquery(first_after), Value("")), "status"
        ),
        first_approved_at=Coalesce(
            Subquery(first_approval),
            Case(When(status=OrganisationStatus.APPROVED, then=F("created_at"))),
        ),
    )


def suspensions_between(start, end) -> QuerySet[OrganisationStatusChange]:
    """Approved organisations suspended in [start, end)."""
    return OrganisationStatusChange.objects.filter(
        from_status=OrganisationStatus.APPROVED,
        to_status=OrganisationStatus.SUSPENDED,
        at__gte=start,
        at__lt=end,
    )


def people_with_account_as_of(moment) -> QuerySet[User]:
    """Active people registered before `moment` who belong to an organisation."""
    return User.objects.filter(
        is_active=True,
        date_joined__lt=moment,
        pk__in=Membership.objects.filter(created_at__lt=moment).values("user_id"),
    )

"""Reads about people and organisations that every app shares (permissions, recipients)."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from .legal_defaults import DEFAULT_TEXTS
from .models import (
    OPEN_FOR_MEMBERS,
    Invitation,
    LegalText,
    Membership,
    Organisation,
    OrganisationStatus,
    Role,
    User,
)


def membership_of(user: User, organisation: Organisation | int) -> Membership | None:
    """The person's membership in the organisation, or None."""
    if not user.is_authenticated:
        return None
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return Membership.objects.filter(user=user, organisation_id=org_id).first()


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

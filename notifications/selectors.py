"""Reads that domain services, the API and the sender share."""

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from marketplace.models import Membership, Organisation, Role, User

from .kinds import get_kind, in_app_kind_names, optional_kinds
from .models import Notification, NotificationOptOut


def _recipient_memberships(organisation: Organisation, kind: str) -> QuerySet[Membership]:
    """The memberships of who in `organisation` should hear about `kind`: its active admins
    always, its other active members unless they switched this (optional) kind off. Raises
    ValueError for an unknown kind. Ordered by membership, so the order is stable."""
    memberships = Membership.objects.filter(organisation=organisation, user__is_active=True)
    if get_kind(kind).optional:
        opted_out = NotificationOptOut.objects.filter(user_id=OuterRef("user_id"), kind=kind)
        memberships = memberships.filter(Q(role=Role.ADMIN) | ~Exists(opted_out))
    return memberships.order_by("id")


def recipients_for(organisation: Organisation, kind: str) -> list[User]:
    """The people of `organisation` who should hear about `kind` (see _recipient_memberships)."""
    memberships = _recipient_memberships(organisation, kind).select_related("user")
    return [membership.user for membership in memberships]


def recipient_addresses_for(organisation: Organisation, kind: str) -> list[tuple[int, str, str]]:
    """(user id, e-mail, language) of recipients_for(), in the same order: what notify needs.

    This runs in every booking request, so it is two plain queries instead of the subquery
    above (measured cheaper to build), and the second only when there is a member who is not
    an admin and the kind can be switched off.
    """
    optional = get_kind(kind).optional
    members = Membership.objects.filter(organisation=organisation, user__is_active=True).order_by(
        "id"
    )
    rows = list(members.values_list("user_id", "user__email", "user__language", "role"))
    others = [user_id for user_id, _email, _language, role in rows if role != Role.ADMIN]
    switched_off = set()
    if optional and others:
        switched_off = set(
            NotificationOptOut.objects.filter(kind=kind, user_id__in=others).values_list(
                "user_id", flat=True
            )
        )
    return [
        (user_id, email, language)
        for user_id, email, language, role in rows
        if role == Role.ADMIN or user_id not in switched_off
    ]


def opted_out_user_ids(kind: str, user_ids: list[int], *, organisation=None) -> set[int]:
    """Those of `user_ids` who switched `kind` off, leaving out admins of `organisation`."""
    if not user_ids or not get_kind(kind).optional:
        return set()
    opted_out = set(
        NotificationOptOut.objects.filter(kind=kind, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    if opted_out and organisation is not None:
        opted_out -= set(
            Membership.objects.filter(
                organisation=organisation, role=Role.ADMIN, user_id__in=opted_out
            ).values_list("user_id", flat=True)
        )
    return opted_out


def in_app_notifications_of(user: User) -> QuerySet[Notification]:
    """The person's notifications that the app lists: unread first, then newest first."""
    return (
        Notification.objects.filter(recipient=user, kind__in=in_app_kind_names())
        .annotate(unread_first=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1)))
        .select_related("organisation", "recipient")
        .order_by("unread_first", "-created_at", "-id")
    )


def preferences_of(user: User) -> list[dict]:
    """Every optional kind with whether the person receives it."""
    switched_off = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [
        {
            "kind": kind.name,
            "description": str(kind.description),
            "recipients": str(kind.recipients),
            "enabled": kind.name not in switched_off,
        }
        for kind in optional_kinds()
    ]

"""Reads that domain services, the API and the sender share."""

from django.db.models import Case, QuerySet, Value, When

from marketplace.models import Membership, Organisation, Role, User

from .kinds import get_kind, in_app_kind_names, optional_kinds
from .models import Notification, NotificationOptOut


def recipient_addresses_for(organisation: Organisation, kind: str) -> list[tuple[int, str, str]]:
    """(user id, e-mail, language) of who in `organisation` should hear about `kind`: its
    active admins always, its other active members unless they switched this (optional) kind
    off. Ordered by membership, so the order is stable. Raises ValueError for an unknown kind.

    This runs in every booking request, so it is two plain queries (measured cheaper to build
    than one with a subquery), the second only for members who are not admins.
    """
    get_kind(kind)
    members = Membership.objects.filter(organisation=organisation, user__is_active=True).order_by(
        "id"
    )
    rows = list(members.values_list("user_id", "user__email", "user__language", "role"))
    switched_off = opted_out_user_ids(
        kind, [user_id for user_id, _email, _language, role in rows if role != Role.ADMIN]
    )
    return [
        (user_id, email, language)
        for user_id, email, language, _role in rows
        if user_id not in switched_off
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

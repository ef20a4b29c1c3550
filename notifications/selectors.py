"""Reads that domain services, the API and the sender share."""

from django.db.models import Case, QuerySet, Value, When

from marketplace.models import Membership, Organisation, Role, User
from marketplace.rows import fetch

from .kinds import get_kind, in_app_kind_names, optional_kinds
from .models import Notification, NotificationOptOut


def recipient_addresses_for(organisation: Organisation, kind: str) -> list[tuple[int, str, str]]:
    """(user id, e-mail, language) of who in `organisation` should hear about `kind`: its
    active admins always, its other members unless they switched this (optional) kind
    off. Ordered by membership, so the order is stable. Raises ValueError for an unknown kind.
    """
    source, params = recipients_source(organisation, kind)
    return fetch(f'SELECT m."user_id", u."email", u."language" {source} ORDER BY m."id"', params)


def recipients_source(organisation: Organisation | int, kind: str) -> tuple[str, list]:
    """The FROM and WHERE clause (with its values) that finds recipient_addresses_for()'s
    people: memberships `m` joined to their users `u`. Written once (marketplace/rows.py):
    it runs in every booking request, where services.notify_organisation() inserts the
    notifications straight from it. Raises ValueError for an unknown kind."""
    optional = get_kind(kind).optional
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return _RECIPIENTS_SOURCE, [org_id, not optional, Role.ADMIN.value, kind]


_MEMBERSHIP, _USER, _OPT_OUT = (
    model._meta.db_table for model in (Membership, User, NotificationOptOut)
)
# Names from the models only, values as parameters.
_RECIPIENTS_SOURCE = (
    f'FROM "{_MEMBERSHIP}" m INNER JOIN "{_USER}" u ON (m."user_id" = u."id") '  # noqa: S608
    'WHERE m."organisation_id" = %s AND u."is_active" AND (%s OR m."role" = %s OR NOT EXISTS '
    f'(SELECT 1 FROM "{_OPT_OUT}" o WHERE o."user_id" = m."user_id" AND o."kind" = %s))'
)


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

"""The coordinators group and what it may do in /admin/.

Kept in step after every `migrate` (apps.py), so a production database gets the same
permissions as the demo data without anyone clicking them together.
"""

from django.contrib.auth.models import Group, Permission

from .models import COORDINATORS_GROUP

COORDINATOR_APPS = (
    "marketplace",
    "notifications",
    "listings",
    "bookings",
    "needs",
    "donations",
    "network",
)
COORDINATOR_VIEW_ONLY = {("marketplace", "user")}
# What the law or the services keep: never deleted in the admin (removal goes through services).
# Sign-in lockouts (django-axes) are for superusers only, so the group gets none of them.
COORDINATOR_NO_DELETE_APPS = {"bookings", "donations"}
COORDINATOR_NO_DELETE = {
    ("marketplace", model)
    for model in (
        "organisation",
        "user",
        "membership",
        "organisationstatuschange",
        "invitation",
        "legaltext",
        "privacyconsent",
    )
}


def coordinators_group_sync() -> Group:
    """The coordinators group with exactly the permissions /admin/ needs for their work."""
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    wanted = []
    for permission in Permission.objects.select_related("content_type").filter(
        content_type__app_label__in=COORDINATOR_APPS
    ):
        key = (permission.content_type.app_label, permission.content_type.model)
        if key in COORDINATOR_VIEW_ONLY and not permission.codename.startswith("view_"):
            continue
        if permission.codename.startswith("delete_") and (
            key in COORDINATOR_NO_DELETE or key[0] in COORDINATOR_NO_DELETE_APPS
        ):
            continue
        wanted.append(permission)
    group.permissions.set(wanted)
    return group

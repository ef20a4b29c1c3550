"""The coordinators group and what it may do in /admin/.

Kept in step after every `migrate` (apps.py), so a production database gets the same
permissions as the demo data without anyone clicking them together.
"""

from django.contrib.auth.models import Group, Permission

from .models import COORDINATORS_GROUP

COORDINATOR_APPS = ("marketplace", "notifications", "listings", "bookings", "donations")
COORDINATOR_VIEW_ONLY = {("marketplace", "user")}
COORDINATOR_EXTRA = [("axes", "view_accessattempt"), ("axes", "delete_accessattempt")]


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
        wanted.append(permission)
    for app_label, codename in COORDINATOR_EXTRA:
        wanted.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(wanted)
    return group

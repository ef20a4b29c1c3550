"""Who may read and write the minutes of an event, and the reads of minutes that the API, the
pages and the notices share.

Reading (everything else is a 404):
- Minutes of a network event (no working group): network members (signed in, in an approved
  organisation) who may see the event (network.selectors.events_visible_to()), the hosts and
  the coordinator; drafts (not yet published) only the hosts and the coordinator.
- Minutes of an AG meeting follow the group's `meetings_visibility`: only the group's active
  members ("group") or all network members ("members"); the hosts (the group's leads among
  them) and the coordinator always.
Writing: the event's hosts (network.selectors.can_host(): the coordinator, the creator, members
of a host organisation, for an AG meeting its leads).
"""

from django.db.models import Prefetch, QuerySet

from marketplace.models import User
from marketplace.selectors import is_network_member

from .models import (
    Decision,
    Event,
    GroupMembership,
    GroupMembershipState,
    MeetingsVisibility,
    Minutes,
    OrganisationAttendance,
)
from .selectors import can_host, events_visible_to
from .selectors_groups import is_lead


def may_read_minutes(user: User, event: Event, *, published: bool) -> bool:
    """Whether the person may read the event's minutes (`published`: whether they are out)."""
    if not user.is_authenticated:
        return False
    if user.is_coordinator or can_host(user, event):
        return True
    if not published or not is_network_member(user):
        return False
    if not events_visible_to(user).filter(pk=event.pk).exists():
        return False
    if event.group_id is None:
        return True
    if event.group.meetings_visibility == MeetingsVisibility.MEMBERS:
        return True
    return GroupMembership.objects.filter(
        group_id=event.group_id, person=user, state=GroupMembershipState.ACTIVE
    ).exists()


def may_write_minutes(user: User, event: Event) -> bool:
    return user.is_authenticated and can_host(user, event)


def minutes_with_details() -> QuerySet[Minutes]:
    """Minutes with everything the page and the API show, in a fixed number of queries."""
    return Minutes.objects.select_related("event", "event__group", "written_by").prefetch_related(
        "organisations",
        Prefetch("decisions", queryset=Decision.objects.select_related("owner")),
        "attachments",
    )


def minutes_of_event(event: Event) -> Minutes | None:
    return minutes_with_details().filter(event=event).first()


def attendance_of(event: Event) -> QuerySet[OrganisationAttendance]:
    return (
        OrganisationAttendance.objects.filter(event=event)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def published_minutes_of_group(group, user: User) -> QuerySet[Minutes]:
    """The group's minutes history, newest meeting first: published ones, and drafts too for
    those who may write them (the leads, the coordinator). The caller checked that the person
    may read the group's minutes (may_read_group_minutes)."""
    minutes = Minutes.objects.filter(event__group=group).select_related("event")
    if not (user.is_coordinator or is_lead(user, group)):
        minutes = minutes.filter(published_at__isnull=False)
    return minutes.order_by("-event__starts_at", "-id")


def may_read_group_minutes(user: User, group) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    if group.meetings_visibility == MeetingsVisibility.MEMBERS:
        return is_network_member(user)
    return GroupMembership.objects.filter(
        group=group, person=user, state=GroupMembershipState.ACTIVE
    ).exists()

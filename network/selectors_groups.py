"""Reads of working groups that the API, the pages and the notices share.

Who sees what (404 for everything else, never a 403):
- A group itself (name, topic, leads, projects, how many members): network members (people in
  an approved organisation) and the coordinator.
- Its member list and its messages: the group's active members and the coordinator; the leads
  also see open join requests.
- Its meetings and their minutes: network/selectors_minutes.py (the group's
  `meetings_visibility`).
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from marketplace.models import User
from marketplace.selectors import network_member_condition

from .models import (
    GroupMembership,
    GroupMembershipState,
    GroupMessage,
    GroupRole,
    Project,
    WorkingGroup,
)

ACTIVE = GroupMembershipState.ACTIVE
REQUESTED = GroupMembershipState.REQUESTED
OPEN_STATES = (REQUESTED, ACTIVE)


def groups_visible_to(user: User) -> QuerySet[WorkingGroup]:
    """Every group the person may see, with `member_count` (active members), `my_state` and
    `my_role` (of the person's open membership, None without one) and the active leads
    prefetched as `leads` (a list of memberships): one query for the groups, one for the
    leads, whatever the number of groups."""
    groups = WorkingGroup.objects.all()
    if not user.is_authenticated:
        return groups.none()
    condition = network_member_condition(user)
    if condition is False:
        return groups.none()
    if condition is not True:
        groups = groups.filter(condition)
    mine = GroupMembership.objects.filter(group=OuterRef("pk"), person=user, state__in=OPEN_STATES)
    return groups.annotate(
        member_count=Count("memberships", filter=Q(memberships__state=ACTIVE)),
        my_state=Subquery(mine.values("state")[:1]),
        my_role=Subquery(mine.values("role")[:1]),
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMembership.objects.filter(state=ACTIVE, role=GroupRole.LEAD)
            .select_related("person", "organisation")
            .order_by("created_at", "id"),
            to_attr="leads",
        )
    )


def group_for(user: User, pk: int) -> WorkingGroup | None:
    return groups_visible_to(user).filter(pk=pk).first()


def open_membership(user: User, group: WorkingGroup) -> GroupMembership | None:
    """The person's requested or active membership of the group, or None."""
    if not user.is_authenticated:
        return None
    return (
        GroupMembership.objects.filter(group=group, person=user, state__in=OPEN_STATES)
        .select_related("organisation")
        .first()
    )


def is_lead(user: User, group: WorkingGroup | int) -> bool:
    group_id = group if isinstance(group, int) else group.pk
    return (
        user.is_authenticated
        and GroupMembership.objects.filter(
            group_id=group_id, person=user, state=ACTIVE, role=GroupRole.LEAD
        ).exists()
    )


def is_active_member(user: User, group: WorkingGroup | int) -> bool:
    group_id = group if isinstance(group, int) else group.pk
    return (
        user.is_authenticated
        and GroupMembership.objects.filter(group_id=group_id, person=user, state=ACTIVE).exists()
    )


def may_manage(user: User, group: WorkingGroup) -> bool:
    """Leads and the coordinator answer requests, keep the projects and write to members."""
    return user.is_authenticated and (user.is_coordinator or is_lead(user, group))


def may_see_inside(user: User, group: WorkingGroup) -> bool:
    """Active members and the coordinator see the member list and the messages."""
    return user.is_authenticated and (user.is_coordinator or is_active_member(user, group))


def memberships_of(group: WorkingGroup, *, states=(ACTIVE,)) -> QuerySet[GroupMembership]:
    """The group's memberships in the given states, leads first ("lead" sorts before
    "member"), then by when they joined."""
    return (
        GroupMembership.objects.filter(group=group, state__in=states)
        .select_related("person", "organisation")
        .order_by("state", "role", "created_at", "id")
    )


def active_member_ids(group: WorkingGroup) -> list[int]:
    return list(
        GroupMembership.objects.filter(group=group, state=ACTIVE, person__is_active=True)
        .values_list("person_id", flat=True)
        .distinct()
    )


def lead_people(group: WorkingGroup) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        group_memberships__group=group,
        group_memberships__state=ACTIVE,
        group_memberships__role=GroupRole.LEAD,
    ).distinct()


def projects_of(group: WorkingGroup) -> QuerySet[Project]:
    return (
        Project.objects.filter(group=group)
        .select_related("next_step_owner")
        .prefetch_related("organisations")
    )


def messages_of(group: WorkingGroup) -> QuerySet[GroupMessage]:
    return GroupMessage.objects.filter(group=group).select_related("sent_by")


def network_people(user_ids) -> QuerySet[User]:
    """People among `user_ids` who are active (for owners of next steps and decisions)."""
    return User.objects.filter(pk__in=user_ids, is_active=True)


def groups_of_person(user: User) -> QuerySet[WorkingGroup]:
    return groups_visible_to(user).filter(
        Exists(GroupMembership.objects.filter(group=OuterRef("pk"), person=user, state=ACTIVE))
    )

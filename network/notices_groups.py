"""Who hears about working groups and minutes, and what the e-mail says (its context).

Called by network.services.groups and network.services.minutes inside the transaction of the
change; notify() writes the outbox rows there and sends after commit. Event keys name the step
once, so a repeated call tells nobody twice.
"""

from django.conf import settings
from django.utils import timezone

from marketplace.models import User
from notifications.services import notify

from .models import GroupMembership, GroupMembershipState, GroupMessage, Minutes
from .selectors_groups import lead_people

DATE = "%d.%m.%Y"
TIME = "%H:%M"


def group_path(group_id: int) -> str:
    return f"/arbeitsgruppen/{group_id}/"


def minutes_path(event_id: int) -> str:
    return f"/protokolle/{event_id}/"


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _name(user: User | None) -> str:
    return (user.full_name or user.email) if user is not None else ""


def join_requested(membership: GroupMembership) -> None:
    """A request to join a group on request: its leads hear of it."""
    group = membership.group
    notify(
        kind="group_join_requested",
        recipients=list(lead_people(group)),
        context={
            "group_name": group.name,
            "person_name": _name(membership.person),
            "person_organisation": membership.organisation.name,
            "url": _url(group_path(group.pk)),
        },
        event_key=f"group_membership:{membership.pk}:requested",
    )


def join_answered(membership: GroupMembership) -> None:
    """The person who asked hears whether the lead let them in."""
    group = membership.group
    notify(
        kind="group_join_answered",
        recipients=[membership.person],
        context={
            "group_name": group.name,
            "approved": membership.state == GroupMembershipState.ACTIVE,
            "lead_name": _name(membership.decided_by),
            "url": _url(group_path(group.pk)),
        },
        event_key=f"group_membership:{membership.pk}:{membership.state}",
    )


def group_message(message: GroupMessage) -> None:
    """Every active member of the group (the writer too, as a copy) gets the lead's message."""
    group = message.group
    people = User.objects.filter(
        is_active=True,
        group_memberships__group=group,
        group_memberships__state=GroupMembershipState.ACTIVE,
    ).distinct()
    notify(
        kind="group_message",
        recipients=list(people),
        context={
            "group_name": group.name,
            "subject": message.subject,
            "message": message.body,
            "author_name": _name(message.sent_by),
            "url": _url(group_path(group.pk)),
        },
        event_key=f"group_message:{message.pk}",
    )


def minutes_published(minutes: Minutes, recipients) -> None:
    """The minutes of an event are out: `recipients` (the registered people of a network event,
    the members of the group for an AG meeting) hear of it."""
    event = minutes.event
    start = timezone.localtime(event.starts_at)
    notify(
        kind="minutes_published",
        recipients=list(recipients),
        context={
            "event_title": event.title,
            "when": f"{start:{DATE}}, {start:{TIME}}",
            "group_name": event.group.name if event.group_id else "",
            "author_name": _name(minutes.written_by),
            "decision_count": minutes.decisions.count(),
            "url": _url(minutes_path(event.pk)),
        },
        event_key=f"minutes:{minutes.pk}:published",
    )

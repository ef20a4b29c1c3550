"""Building blocks of the working-group and minutes tests."""

from django.core import mail

from network.models import (
    GroupMembership,
    GroupMembershipState,
    GroupRole,
    JoinPolicy,
    MeetingsVisibility,
    WorkingGroup,
)

from .support import person_in_new_organisation


def make_group(
    *,
    name="AG Moritzplatz",
    join_policy=JoinPolicy.OPEN,
    meetings_visibility=MeetingsVisibility.GROUP,
    lead=None,
    members=(),
):
    """A group written straight to the table, with a lead (person, organisation) and members.
    Returns (group, lead person, lead organisation)."""
    group = WorkingGroup.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        description="Der Platz soll schöner werden.",
        join_policy=join_policy,
        meetings_visibility=meetings_visibility,
    )
    person, organisation = lead or person_in_new_organisation()
    GroupMembership.objects.create(
        group=group,
        person=person,
        organisation=organisation,
        role=GroupRole.LEAD,
        state=GroupMembershipState.ACTIVE,
    )
    for member, member_organisation in members:
        add_member(group, member, member_organisation)
    return group, person, organisation


def add_member(group, person, organisation, role=GroupRole.MEMBER):
    return GroupMembership.objects.create(
        group=group,
        person=person,
        organisation=organisation,
        role=role,
        state=GroupMembershipState.ACTIVE,
    )


def sent_to(kind_subject_part: str) -> list[str]:
    """Addresses of the e-mails sent so far whose subject contains the text."""
    return sorted(
        address
        for message in mail.outbox
        if kind_subject_part in message.subject
        for address in message.to
    )

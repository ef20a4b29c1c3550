"""The demo's working groups and minutes (`manage.py seed_demo`): three groups with leads,
members and a project each, a request waiting, the spring Netzwerktreffen's minutes and an AG
meeting's; readable by the right people through the API; a second run creates nothing."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from marketplace.models import User
from network.models import (
    Decision,
    GroupMembership,
    GroupMembershipState,
    GroupRole,
    Minutes,
    Project,
    WorkingGroup,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_three_working_groups_and_the_spring_minutes(client_for):
    call_command("seed_demo", stdout=StringIO())

    groups = {g.name: g for g in WorkingGroup.objects.all()}
    assert set(groups) == {"AG Moritzplatz", "Prinzen und Ritter", "Grüne 20er"}
    for group in groups.values():
        active = GroupMembership.objects.filter(group=group, state=GroupMembershipState.ACTIVE)
        assert active.filter(role=GroupRole.LEAD).count() == 1
        assert active.filter(role=GroupRole.MEMBER).count() >= 2
        assert Project.objects.filter(group=group).count() == 1
    assert (
        GroupMembership.objects.filter(
            group=groups["Prinzen und Ritter"], state=GroupMembershipState.REQUESTED
        ).count()
        == 1
    )

    spring = Minutes.objects.get(event__title__startswith="Netzwerktreffen Frühjahr")
    assert spring.published_at is not None
    assert spring.organisations.count() == 5
    assert Decision.objects.filter(minutes=spring, owner__isnull=False).count() == 3
    ag = Minutes.objects.get(event__group=groups["AG Moritzplatz"])
    assert ag.published_at is not None

    # A network member outside the AG reads both (the AG opened its meetings to the network);
    # the Grüne 20er keep theirs to the group.
    reader = User.objects.get(email="tobias.hartmann@grundschule-wassertorplatz.example")
    client = client_for(reader)
    assert client.get(f"/api/v1/events/{spring.event_id}/minutes/").status_code == 200
    assert client.get(f"/api/v1/events/{ag.event_id}/minutes/").status_code == 200
    listed = client.get("/api/v1/working-groups/").json()["results"]
    assert [g["name"] for g in listed] == ["AG Moritzplatz", "Grüne 20er", "Prinzen und Ritter"]
    assert (
        client.get(f"/api/v1/working-groups/{groups['Grüne 20er'].pk}/minutes/").status_code == 404
    )

    counts = (
        WorkingGroup.objects.count(),
        GroupMembership.objects.count(),
        Project.objects.count(),
        Minutes.objects.count(),
        Decision.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert (
        WorkingGroup.objects.count(),
        GroupMembership.objects.count(),
        Project.objects.count(),
        Minutes.objects.count(),
        Decision.objects.count(),
    ) == counts
    assert mail.outbox == []

"""Working groups through the API: the coordinator creates a group with a lead, people join
(open, or on request with the lead's answer told by e-mail), leave, the lead keeps projects and
writes to all members; members and messages are 404 for outsiders."""

import pytest
from django.core import mail

from network.models import (
    GroupMembership,
    GroupMembershipState,
    GroupMessage,
    GroupRole,
    JoinPolicy,
    Project,
    WorkingGroup,
)
from notifications.models import Notification

from .groups_support import add_member, make_group, sent_to
from .support import CoordinatorFactory, person_in_new_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """Runs what the outbox schedules after commit (the e-mails), as a real commit would."""
    return django_capture_on_commit_callbacks


def test_the_coordinator_creates_a_group_and_people_join_and_leave(client_for):
    coordinator = CoordinatorFactory()
    lead, lead_org = person_in_new_organisation(full_name="Lea Leitung")
    response = client_for(coordinator).post(
        "/api/v1/working-groups/",
        {
            "name": "Grüne 20er",
            "description": "Bäume, Beete und Höfe in der Gitschiner Straße.",
            "join_policy": "open",
            "meetings_visibility": "group",
            "leads": [{"person": lead.pk, "organisation": lead_org.pk}],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "grune-20er"
    assert body["member_count"] == 1
    assert [row["person"]["name"] for row in body["leads"]] == ["Lea Leitung"]
    group_id = body["id"]

    member, member_org = person_in_new_organisation()
    client = client_for(member)
    joined = client.post(
        f"/api/v1/working-groups/{group_id}/join/", {"organisation": member_org.pk}
    )
    assert joined.status_code == 201, joined.json()
    assert joined.json()["state"] == "active"
    again = client.post(f"/api/v1/working-groups/{group_id}/join/", {"organisation": member_org.pk})
    assert again.status_code == 409
    assert client.get(f"/api/v1/working-groups/{group_id}/").json()["my_membership"] == {
        "state": "active",
        "role": "member",
    }
    members = client.get(f"/api/v1/working-groups/{group_id}/members/").json()["results"]
    assert {row["person"]["id"] for row in members} == {lead.pk, member.pk}

    left = client.post(f"/api/v1/working-groups/{group_id}/leave/", {})
    assert left.status_code == 200
    assert left.json()["state"] == "left"
    assert client.get(f"/api/v1/working-groups/{group_id}/members/").status_code == 404
    # Rejoining after leaving is possible (the old membership stays as history).
    assert (
        client.post(
            f"/api/v1/working-groups/{group_id}/join/", {"organisation": member_org.pk}
        ).status_code
        == 201
    )
    assert GroupMembership.objects.filter(group_id=group_id, person=member).count() == 2


def test_joining_on_request_waits_for_the_lead_who_is_told_and_answers(client_for, sending):
    group, lead, _ = make_group(name="Prinzen und Ritter", join_policy=JoinPolicy.ON_REQUEST)
    asker, asker_org = person_in_new_organisation(full_name="Ali Anfrage")
    mail.outbox.clear()

    with sending(execute=True):
        response = client_for(asker).post(
            f"/api/v1/working-groups/{group.pk}/join/", {"organisation": asker_org.pk}
        )

    assert response.status_code == 201
    assert response.json()["state"] == "requested"
    assert sent_to("beitreten") == [lead.email]
    assert "Ali Anfrage" in mail.outbox[0].body
    requests = client_for(lead).get(
        f"/api/v1/working-groups/{group.pk}/members/", {"state": "requested"}
    )
    assert [row["person"]["id"] for row in requests.json()["results"]] == [asker.pk]
    membership_id = response.json()["id"]

    # The asker cannot answer their own request; the lead can, once.
    own = client_for(asker).post(
        f"/api/v1/working-groups/{group.pk}/members/{membership_id}/approve/", {}
    )
    assert own.status_code == 404
    mail.outbox.clear()
    with sending(execute=True):
        approved = client_for(lead).post(
            f"/api/v1/working-groups/{group.pk}/members/{membership_id}/approve/", {}
        )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "active"
    assert sent_to("Willkommen") == [asker.email]
    twice = client_for(lead).post(
        f"/api/v1/working-groups/{group.pk}/members/{membership_id}/decline/", {}
    )
    assert twice.status_code == 409
    assert GroupMembership.objects.get(pk=membership_id).state == GroupMembershipState.ACTIVE


def test_a_declined_request_is_told_in_english_to_an_english_speaker(client_for, sending):
    group, lead, _ = make_group(join_policy=JoinPolicy.ON_REQUEST)
    asker, asker_org = person_in_new_organisation(language="en")
    membership_id = (
        client_for(asker)
        .post(f"/api/v1/working-groups/{group.pk}/join/", {"organisation": asker_org.pk})
        .json()["id"]
    )
    mail.outbox.clear()

    with sending(execute=True):
        response = client_for(lead).post(
            f"/api/v1/working-groups/{group.pk}/members/{membership_id}/decline/", {}
        )

    assert response.status_code == 200
    assert response.json()["state"] == "declined"
    [message] = mail.outbox
    assert message.to == [asker.email]
    assert "declined" in message.body
    assert Notification.objects.get(recipient=asker).kind == "group_join_answered"


def test_the_last_lead_cannot_leave_until_the_coordinator_appoints_another(client_for):
    group, lead, _ = make_group()
    member, member_org = person_in_new_organisation()
    membership = add_member(group, member, member_org)

    refused = client_for(lead).post(f"/api/v1/working-groups/{group.pk}/leave/", {})
    assert refused.status_code == 409
    assert "einzige Leitung" in refused.json()["detail"]

    not_allowed = client_for(lead).post(
        f"/api/v1/working-groups/{group.pk}/members/{membership.pk}/role/", {"role": "lead"}
    )
    assert not_allowed.status_code == 403
    coordinator = CoordinatorFactory()
    promoted = client_for(coordinator).post(
        f"/api/v1/working-groups/{group.pk}/members/{membership.pk}/role/", {"role": "lead"}
    )
    assert promoted.status_code == 200
    assert client_for(lead).post(f"/api/v1/working-groups/{group.pk}/leave/", {}).status_code == 200
    assert list(
        GroupMembership.objects.filter(
            group=group, role=GroupRole.LEAD, state=GroupMembershipState.ACTIVE
        ).values_list("person_id", flat=True)
    ) == [member.pk]


def test_the_coordinator_appoints_a_lead_who_was_not_a_member(client_for):
    group, _lead, _ = make_group()
    newcomer, newcomer_org = person_in_new_organisation()

    response = client_for(CoordinatorFactory()).post(
        f"/api/v1/working-groups/{group.pk}/leads/",
        {"person": newcomer.pk, "organisation": newcomer_org.pk},
    )

    assert response.status_code == 201
    assert (response.json()["role"], response.json()["state"]) == ("lead", "active")


def test_the_lead_keeps_the_projects_and_members_read_them(client_for):
    group, lead, lead_org = make_group()
    member, member_org = person_in_new_organisation()
    add_member(group, member, member_org)
    client = client_for(lead)

    created = client.post(
        f"/api/v1/working-groups/{group.pk}/projects/",
        {
            "title": "Bänke am Moritzplatz",
            "description": "Drei Bänke mit dem Bezirksamt abstimmen.",
            "status": "in_progress",
            "organisations": [lead_org.pk, member_org.pk],
            "next_step": "Termin beim Grünflächenamt",
            "next_step_owner": member.pk,
        },
    )
    assert created.status_code == 201, created.json()
    project = created.json()
    assert project["next_step_owner"]["id"] == member.pk
    assert {row["id"] for row in project["organisations"]} == {lead_org.pk, member_org.pk}

    changed = client.patch(
        f"/api/v1/working-groups/{group.pk}/projects/{project['id']}/",
        {"status": "done", "next_step": ""},
    )
    assert changed.status_code == 200
    assert changed.json()["status"] == "done"
    listed = client_for(member).get(f"/api/v1/working-groups/{group.pk}/projects/").json()
    assert [row["status"] for row in listed["results"]] == ["done"]
    assert (
        client_for(member)
        .patch(f"/api/v1/working-groups/{group.pk}/projects/{project['id']}/", {"title": "X"})
        .status_code
        == 403
    )
    deleted = client.delete(f"/api/v1/working-groups/{group.pk}/projects/{project['id']}/")
    assert deleted.status_code == 204
    assert not Project.objects.exists()


def test_the_leads_message_reaches_every_member_through_the_outbox(client_for, sending):
    group, lead, _ = make_group(name="AG Moritzplatz")
    members = [person_in_new_organisation() for _ in range(3)]
    for person, organisation in members:
        add_member(group, person, organisation)
    outsider, _ = person_in_new_organisation()
    mail.outbox.clear()

    with sending(execute=True):
        response = client_for(lead).post(
            f"/api/v1/working-groups/{group.pk}/messages/",
            {
                "subject": "Nächstes Treffen",
                "body": "Wir treffen uns am Dienstag im Prinzessinnengarten.",
            },
        )

    assert response.status_code == 201, response.json()
    expected = sorted([lead.email, *(person.email for person, _ in members)])
    assert sent_to("[AG Moritzplatz] Nächstes Treffen") == expected
    assert outsider.email not in sent_to("Nächstes Treffen")
    assert "Prinzessinnengarten" in mail.outbox[0].body
    assert Notification.objects.filter(kind="group_message").count() == 4
    history = client_for(members[0][0]).get(f"/api/v1/working-groups/{group.pk}/messages/")
    assert [row["subject"] for row in history.json()["results"]] == ["Nächstes Treffen"]
    refused = client_for(members[0][0]).post(
        f"/api/v1/working-groups/{group.pk}/messages/", {"subject": "Hallo", "body": "Spam"}
    )
    assert refused.status_code == 403
    assert GroupMessage.objects.count() == 1


def test_outsiders_do_not_see_groups_members_or_messages(client_for, api_client):
    group, _lead, _ = make_group()
    network_member, _ = person_in_new_organisation()
    no_organisation = person_in_new_organisation()[0]
    no_organisation.memberships.all().delete()

    # A network member sees the group, but not who is in it or what the lead wrote.
    client = client_for(network_member)
    assert client.get(f"/api/v1/working-groups/{group.pk}/").status_code == 200
    assert client.get(f"/api/v1/working-groups/{group.pk}/members/").status_code == 404
    assert client.get(f"/api/v1/working-groups/{group.pk}/messages/").status_code == 404
    # A person outside the network sees no group at all; without an account: 401.
    outsider = client_for(no_organisation)
    assert outsider.get("/api/v1/working-groups/").json()["results"] == []
    assert outsider.get(f"/api/v1/working-groups/{group.pk}/").status_code == 404
    assert (
        outsider.post(f"/api/v1/working-groups/{group.pk}/join/", {"organisation": 1}).status_code
        == 404
    )
    assert api_client.get("/api/v1/working-groups/").status_code == 401


def test_only_the_coordinator_creates_groups_and_a_lead_edits_only_topic_and_rules(client_for):
    group, lead, _ = make_group()
    member, _org = person_in_new_organisation()

    assert (
        client_for(member).post("/api/v1/working-groups/", {"name": "Meine AG"}).status_code == 403
    )
    edited = client_for(lead).patch(
        f"/api/v1/working-groups/{group.pk}/",
        {"description": "Neues Thema", "meetings_visibility": "members"},
    )
    assert edited.status_code == 200
    assert edited.json()["meetings_visibility"] == "members"
    renamed = client_for(lead).patch(f"/api/v1/working-groups/{group.pk}/", {"name": "Neu"})
    assert renamed.status_code == 403
    assert WorkingGroup.objects.get(pk=group.pk).name == "AG Moritzplatz"
    assert (
        client_for(member)
        .patch(f"/api/v1/working-groups/{group.pk}/", {"description": "x"})
        .status_code
        == 403
    )

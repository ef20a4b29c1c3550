"""Who sees what: members-only and group events, drafts, the hosts' notes and attendance are
404 for outsiders; a public event and its .ics are readable without an account; the online
link only reaches registered people."""

import pytest

from marketplace.models import Membership
from network.models import (
    EventState,
    EventVisibility,
    GroupMembership,
    Registration,
    WorkingGroup,
)
from tests.factories import CoordinatorFactory, UserFactory

from .support import person_in_new_organisation, published_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return person_in_new_organisation()[0]


def _status(client, url):
    return client.get(url).status_code


def test_a_members_only_event_is_404_without_an_account_and_for_people_outside_the_network(
    api_client, client_for, member
):
    event = published_event(visibility=EventVisibility.MEMBERS)
    outsider = UserFactory()  # an account, but no approved organisation
    for url in (f"/api/v1/events/{event.pk}/", f"/api/v1/events/{event.pk}/ics/"):
        assert _status(api_client, url) == 404
        assert _status(client_for(outsider), url) == 404
        assert _status(client_for(member), url) == 200
    assert api_client.get("/api/v1/events/").json()["results"] == []
    ids = [e["id"] for e in client_for(member).get("/api/v1/events/").json()["results"]]
    assert ids == [event.pk]


def test_a_public_event_and_its_calendar_file_are_readable_without_an_account(api_client):
    event = published_event(visibility=EventVisibility.PUBLIC, title="Tag der offenen Gewerbehöfe")
    published_event(visibility=EventVisibility.MEMBERS)

    response = api_client.get(f"/api/v1/events/{event.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Tag der offenen Gewerbehöfe"
    ics = api_client.get(f"/api/v1/events/{event.pk}/ics/")
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"Tag der offenen Gewerbeh" in ics.content
    listed = api_client.get("/api/v1/events/").json()["results"]
    assert [e["id"] for e in listed] == [event.pk]
    assert api_client.get(f"/api/v1/events/{event.pk}/stations/").status_code == 200


def test_a_draft_is_the_hosts_only(client_for, member):
    event = published_event()
    event.state = EventState.DRAFT
    event.save()
    assert _status(client_for(member), f"/api/v1/events/{event.pk}/") == 404
    host = person_in_new_organisation()[0]
    Membership.objects.create(user=host, organisation=event.hosts.get())
    assert _status(client_for(host), f"/api/v1/events/{event.pk}/") == 200


def test_a_group_event_is_404_for_members_outside_the_group(client_for, member):
    group = WorkingGroup.objects.create(name="AG Moritzplatz", slug="ag-moritzplatz")
    event = published_event(visibility=EventVisibility.GROUP, group=group, kind="ag_treffen")
    in_group, organisation = person_in_new_organisation()
    GroupMembership.objects.create(
        group=group, person=in_group, organisation=organisation, state="active"
    )
    assert _status(client_for(member), f"/api/v1/events/{event.pk}/") == 404
    assert _status(client_for(in_group), f"/api/v1/events/{event.pk}/") == 200
    response = client_for(member).post(
        f"/api/v1/events/{event.pk}/registrations/", {}, format="json"
    )
    assert response.status_code == 404
    assert Registration.objects.count() == 0


def test_notes_attendance_and_others_registrations_stay_with_the_hosts(client_for, member):
    event = published_event(capacity=10)
    other, other_org = person_in_new_organisation()
    client_for(other).post(
        f"/api/v1/events/{event.pk}/registrations/",
        {"organisation": other_org.pk, "note": "glutenfrei"},
        format="json",
    )
    mine = client_for(member).post(
        f"/api/v1/events/{event.pk}/registrations/", {"note": "vegan"}, format="json"
    )
    assert mine.status_code == 201, mine.json()

    listed = client_for(member).get(f"/api/v1/events/{event.pk}/registrations/").json()
    assert [(r["person"]["id"], r["note"]) for r in listed["results"]] == [(member.pk, "vegan")]
    assert _status(client_for(member), f"/api/v1/events/{event.pk}/attendance/") == 404
    # the hosts see everyone with the notes
    everyone = client_for(CoordinatorFactory()).get(f"/api/v1/events/{event.pk}/registrations/")
    assert {r["note"] for r in everyone.json()["results"]} == {"vegan", "glutenfrei"}
    # someone else's registration cannot be cancelled (or even found) by a member
    theirs = Registration.objects.get(person=other)
    response = client_for(member).post(
        f"/api/v1/events/{event.pk}/registrations/{theirs.pk}/cancel/", {}, format="json"
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "registered"


def test_the_online_link_reaches_only_registered_people(client_for, member):
    event = published_event(capacity=5, online=True, online_link="https://meet.example.org/kiez")
    url = f"/api/v1/events/{event.pk}/"
    assert client_for(member).get(url).json()["online_link"] is None
    assert b"meet.example.org" not in client_for(member).get(f"{url}ics/").content
    client_for(member).post(f"{url}registrations/", {}, format="json")
    assert client_for(member).get(url).json()["online_link"] == "https://meet.example.org/kiez"
    assert b"meet.example.org" in client_for(member).get(f"{url}ics/").content

"""The working-group and minutes pages: the list under "Arbeitsgruppen", a group's page with
joining (open and on request), the lead's answers, projects and message; the coordinator
creating a group; a host writing, illustrating and publishing minutes; who sees what (404);
English too."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from network.models import (
    EventKind,
    EventVisibility,
    GroupMembership,
    GroupMembershipState,
    GroupMessage,
    JoinPolicy,
    MeetingsVisibility,
    Minutes,
    MinutesAttachment,
    OrganisationAttendance,
    Project,
    Registration,
    RegistrationState,
    WorkingGroup,
)
from tests.factories import CoordinatorFactory, MembershipFactory
from tests.network.groups_support import add_member, make_group
from tests.network.support import person_in_new_organisation, published_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def send(client, path, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {}, **extra)

    return send


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_member_finds_the_groups_in_the_navigation_and_joins_an_open_one(signed_in, submit):
    group, _lead, _ = make_group(name="Grüne 20er")
    member, member_org = person_in_new_organisation()
    client = signed_in(member)

    start = client.get("/arbeitsgruppen/")
    assert start.status_code == 200
    assert 'href="/arbeitsgruppen/" aria-current="page">Arbeitsgruppen' in text_of(start)
    assert "Grüne 20er" in text_of(start)
    page = client.get(f"/arbeitsgruppen/{group.pk}/")
    assert "Beitreten" in text_of(page)
    assert 'id="mitglieder"' not in text_of(page)

    joined = submit(
        client, f"/arbeitsgruppen/{group.pk}/beitreten/", {"organisation": member_org.pk}
    )
    assert joined.status_code == 302
    page = client.get(f"/arbeitsgruppen/{group.pk}/")
    assert "Sie sind Mitglied" in text_of(page)
    assert 'id="mitglieder"' in text_of(page)
    left = submit(client, f"/arbeitsgruppen/{group.pk}/austreten/")
    assert left.status_code == 302
    assert not GroupMembership.objects.filter(
        person=member, state=GroupMembershipState.ACTIVE
    ).exists()


def test_a_request_is_answered_by_the_lead_on_the_groups_page(signed_in, submit):
    group, lead, _ = make_group(name="Prinzen und Ritter", join_policy=JoinPolicy.ON_REQUEST)
    asker, asker_org = person_in_new_organisation(full_name="Aylin Anfrage")
    submit(
        signed_in(asker), f"/arbeitsgruppen/{group.pk}/beitreten/", {"organisation": asker_org.pk}
    )
    membership = GroupMembership.objects.get(person=asker)
    assert membership.state == GroupMembershipState.REQUESTED

    lead_page = signed_in(lead).get(f"/arbeitsgruppen/{group.pk}/")
    assert "Aylin Anfrage" in text_of(lead_page)
    mail.outbox.clear()
    answered = submit(
        signed_in(lead), f"/arbeitsgruppen/{group.pk}/mitglieder/{membership.pk}/annehmen/"
    )
    assert answered.status_code == 302
    membership.refresh_from_db()
    assert membership.state == GroupMembershipState.ACTIVE
    assert [m.to for m in mail.outbox] == [[asker.email]]
    # The asker cannot answer requests; an unknown action is a 404.
    other, other_org = person_in_new_organisation()
    submit(
        signed_in(other), f"/arbeitsgruppen/{group.pk}/beitreten/", {"organisation": other_org.pk}
    )
    request_row = GroupMembership.objects.get(person=other)
    refused = submit(
        signed_in(asker), f"/arbeitsgruppen/{group.pk}/mitglieder/{request_row.pk}/annehmen/"
    )
    assert refused.status_code == 302
    request_row.refresh_from_db()
    assert request_row.state == GroupMembershipState.REQUESTED
    assert (
        submit(
            signed_in(lead), f"/arbeitsgruppen/{group.pk}/mitglieder/{request_row.pk}/zaubern/"
        ).status_code
        == 404
    )


def test_the_lead_adds_a_project_and_writes_to_everyone(signed_in, submit):
    group, lead, lead_org = make_group()
    member, member_org = person_in_new_organisation()
    add_member(group, member, member_org)
    client = signed_in(lead)

    bad = submit(client, f"/arbeitsgruppen/{group.pk}/vorhaben/", {"title": "", "status": "idea"})
    assert bad.status_code == 400
    assert "error-summary" in text_of(bad)
    created = submit(
        client,
        f"/arbeitsgruppen/{group.pk}/vorhaben/",
        {
            "title": "Bänke am Moritzplatz",
            "status": "in_progress",
            "organisations": [lead_org.pk],
            "next_step": "Antrag stellen",
            "next_step_owner": member.pk,
        },
    )
    assert created.status_code == 302
    project = Project.objects.get()
    assert project.next_step_owner == member
    page = text_of(signed_in(member).get(f"/arbeitsgruppen/{group.pk}/"))
    assert "Bänke am Moritzplatz" in page
    assert "Antrag stellen" in page

    mail.outbox.clear()
    sent = submit(
        client,
        f"/arbeitsgruppen/{group.pk}/nachricht/",
        {"subject": "Treffen am Dienstag", "body": "Bis dann!"},
    )
    assert sent.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, member.email])
    refused = submit(
        signed_in(member), f"/arbeitsgruppen/{group.pk}/nachricht/", {"subject": "x", "body": "y"}
    )
    assert refused.status_code == 403
    assert GroupMessage.objects.count() == 1


def test_the_coordinator_creates_a_group_with_a_lead_in_the_pages(signed_in):
    coordinator = CoordinatorFactory()
    lead, lead_org = person_in_new_organisation(full_name="Lena Leitung")
    client = signed_in(coordinator)

    form = client.get("/arbeitsgruppen/neu/")
    assert form.status_code == 200
    assert "Lena Leitung" in text_of(form)
    empty = client.post("/arbeitsgruppen/neu/", {"name": ""})
    assert empty.status_code == 400
    created = client.post(
        "/arbeitsgruppen/neu/",
        {
            "name": "AG Moritzplatz",
            "description": "Der Platz",
            "join_policy": "on_request",
            "meetings_visibility": "group",
            "lead": f"{lead.pk}:{lead_org.pk}",
        },
    )
    assert created.status_code == 302
    group = WorkingGroup.objects.get()
    assert group.memberships.get().person == lead
    # Members of the network cannot open the coordinator's form.
    assert signed_in(lead).get("/arbeitsgruppen/neu/").status_code == 404
    edited = signed_in(lead).post(
        f"/arbeitsgruppen/{group.pk}/bearbeiten/",
        {"description": "Neu", "join_policy": "open", "meetings_visibility": "members"},
    )
    assert edited.status_code == 302
    group.refresh_from_db()
    assert (group.description, group.join_policy) == ("Neu", "open")


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (500, 400), (10, 80, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_host_writes_illustrates_and_publishes_minutes(signed_in, submit):
    event = published_event(days=-3, title="Netzwerktreffen Frühjahr")
    host = event.hosts.get()
    writer = MembershipFactory(organisation=host).user
    guest, guest_org = person_in_new_organisation()
    owner, owner_org = person_in_new_organisation(full_name="Olga Owner")
    for person, organisation in ((guest, guest_org), (owner, owner_org)):
        Registration.objects.create(
            event=event,
            person=person,
            organisation=organisation,
            state=RegistrationState.REGISTERED,
        )
    client = signed_in(writer)

    page = client.get(f"/protokolle/{event.pk}/schreiben/")
    assert page.status_code == 200
    assert "Olga Owner" in text_of(page)
    data = {
        "text": "Drei neue Kooperationen.",
        "organisations": [host.pk, guest_org.pk],
        f"count_{guest_org.pk}": "4",
        "decisions-TOTAL_FORMS": "3",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "50",
        "decisions-0-text": "Herbsttreffen planen",
        "decisions-0-owner": str(owner.pk),
        "decisions-0-due": "2027-09-01",
        "decisions-1-text": "",
        "decisions-2-text": "",
    }
    saved = submit(client, f"/protokolle/{event.pk}/schreiben/", data)
    assert saved.status_code == 302, text_of(saved)[:2000]
    minutes = Minutes.objects.get()
    assert [d.text for d in minutes.decisions.all()] == ["Herbsttreffen planen"]
    assert OrganisationAttendance.objects.get().count == 4
    # A draft: the guests do not see it yet.
    assert signed_in(guest).get(f"/protokolle/{event.pk}/").status_code == 404

    uploaded = submit(
        client,
        f"/protokolle/{event.pk}/anhaenge/",
        {"file": SimpleUploadedFile("tafel.jpg", _jpeg(), content_type="image/jpeg")},
    )
    assert uploaded.status_code == 302
    refused = submit(
        client,
        f"/protokolle/{event.pk}/anhaenge/",
        {"file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="image/jpeg")},
    )
    assert refused.status_code == 400
    assert "PDF-Dateien" in text_of(refused)
    assert MinutesAttachment.objects.count() == 1

    mail.outbox.clear()
    published = submit(client, f"/protokolle/{event.pk}/veroeffentlichen/")
    assert published.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([guest.email, owner.email])
    read = signed_in(guest).get(f"/protokolle/{event.pk}/")
    assert read.status_code == 200
    body = text_of(read)
    assert "Herbsttreffen planen" in body and "Olga Owner" in body
    attachment = MinutesAttachment.objects.get()
    download = signed_in(guest).get(f"/protokolle/{event.pk}/anhaenge/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    # Somebody outside the network gets nothing.
    stranger, _ = person_in_new_organisation()
    stranger.memberships.all().delete()
    assert signed_in(stranger).get(f"/protokolle/{event.pk}/").status_code == 404
    assert (
        signed_in(stranger).get(f"/protokolle/{event.pk}/anhaenge/{attachment.pk}/").status_code
        == 404
    )
    # Guests may not write.
    assert signed_in(guest).get(f"/protokolle/{event.pk}/schreiben/").status_code == 403


def test_ag_minutes_and_the_groups_inside_are_404_for_outsiders(signed_in):
    group, lead, _ = make_group(meetings_visibility=MeetingsVisibility.GROUP)
    meeting = published_event(
        days=-1,
        kind=EventKind.AG_TREFFEN,
        title="AG-Treffen März",
        group=group,
        visibility=EventVisibility.MEMBERS,
    )
    Minutes.objects.create(event=meeting, text="Intern", published_at=meeting.starts_at)
    network_member, _ = person_in_new_organisation()

    assert signed_in(network_member).get(f"/protokolle/{meeting.pk}/").status_code == 404
    group_page = text_of(signed_in(network_member).get(f"/arbeitsgruppen/{group.pk}/"))
    assert "Protokoll lesen" not in group_page
    assert signed_in(lead).get(f"/protokolle/{meeting.pk}/").status_code == 200
    stranger, _ = person_in_new_organisation()
    stranger.memberships.all().delete()
    assert signed_in(stranger).get(f"/arbeitsgruppen/{group.pk}/").status_code == 404


def test_the_pages_speak_english(signed_in):
    group, lead, _ = make_group()
    lead.language = "en"
    lead.save()
    client = signed_in(lead)
    client.cookies["django_language"] = "en"

    page = client.get(f"/arbeitsgruppen/{group.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    body = text_of(page)
    assert "Working groups" in body
    assert "Projects" in body
    assert "Vorhaben" not in body


def _grow(group, n: int) -> None:
    for i in range(n):
        person, organisation = person_in_new_organisation()
        add_member(group, person, organisation)
        project = Project.objects.create(group=group, title=f"Vorhaben {i}", next_step_owner=person)
        project.organisations.add(organisation)
        GroupMessage.objects.create(group=group, subject=f"Nachricht {i}", body="Hallo")
        GroupMembership.objects.create(
            group=group,
            person=person_in_new_organisation()[0],
            organisation=organisation,
            state=GroupMembershipState.REQUESTED,
        )


def test_the_group_pages_run_the_same_number_of_queries_for_few_and_many(signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    group, lead, _ = make_group()
    other, _lead2, _ = make_group(name="Grüne 20er")
    client = signed_in(lead)
    _grow(group, 1)
    client.get("/arbeitsgruppen/")

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    small = (count("/arbeitsgruppen/"), count(f"/arbeitsgruppen/{group.pk}/"))
    _grow(group, 8)
    for n in range(6):
        make_group(name=f"AG {n}")
    large = (count("/arbeitsgruppen/"), count(f"/arbeitsgruppen/{group.pk}/"))

    assert small == large
    assert other.pk

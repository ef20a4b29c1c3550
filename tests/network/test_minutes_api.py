"""Minutes through the API: after an event a host writes them (text, organisations that took
part, how many of each came, decisions with an owner, photos and PDFs), publishing tells the
registered people (an AG meeting: the group's members); who may read them; bad input."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from network.models import (
    Decision,
    EventKind,
    EventVisibility,
    MeetingsVisibility,
    Minutes,
    MinutesAttachment,
    OrganisationAttendance,
    Registration,
    RegistrationState,
)
from tests.factories import MembershipFactory

from .groups_support import add_member, make_group, sent_to
from .support import CoordinatorFactory, person_in_new_organisation, published_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def picture(fmt="JPEG", size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


def pdf(pages=1, password=None) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for n in range(pages):
        page.drawString(72, 720, f"Protokoll Seite {n + 1}")
        page.showPage()
    page.save()
    if password is None:
        return buffer.getvalue()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def register(event, person, organisation, state=RegistrationState.REGISTERED):
    return Registration.objects.create(
        event=event, person=person, organisation=organisation, state=state
    )


def host_of(event):
    """A person of the event's host organisation."""
    host = event.hosts.get()
    return MembershipFactory(organisation=host).user, host


def upload(client, event, content: bytes, name: str):
    return client.post(
        f"/api/v1/events/{event.pk}/minutes/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
        format="multipart",
    )


def test_a_host_writes_and_publishes_the_minutes_of_a_netzwerktreffen(client_for, sending, media):
    event = published_event(days=-2, capacity=10)
    writer, host = host_of(event)
    guests = [person_in_new_organisation() for _ in range(3)]
    for person, organisation in guests:
        register(event, person, organisation)
    cancelled, cancelled_org = person_in_new_organisation()
    register(event, cancelled, cancelled_org, state=RegistrationState.CANCELLED)
    client = client_for(writer)

    saved = client.put(
        f"/api/v1/events/{event.pk}/minutes/",
        {
            "text": "Begrüßung, Vorstellungsrunde, drei neue Kooperationen.",
            "organisations": [host.pk, guests[0][1].pk, guests[1][1].pk],
            "attendance": [
                {"organisation": host.pk, "count": 2},
                {"organisation": guests[0][1].pk, "count": 3},
            ],
            "decisions": [
                {"text": "Herbsttreffen im Oktober", "owner": guests[0][0].pk, "due": "2027-10-01"},
                {"text": "Liste der Ansprechpersonen verschicken"},
            ],
        },
    )
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["published_at"] is None
    assert [d["text"] for d in body["decisions"]] == [
        "Herbsttreffen im Oktober",
        "Liste der Ansprechpersonen verschicken",
    ]
    assert body["decisions"][0]["owner"]["id"] == guests[0][0].pk
    assert {row["organisation"]["id"]: row["count"] for row in body["attendance"]} == {
        host.pk: 2,
        guests[0][1].pk: 3,
    }
    # A draft: a registered member cannot read it yet.
    assert client_for(guests[2][0]).get(f"/api/v1/events/{event.pk}/minutes/").status_code == 404

    photo = upload(client, event, picture(), "tafel.jpg")
    assert photo.status_code == 201, photo.json()
    slides = upload(client, event, pdf(pages=3), "folien.pdf")
    assert slides.status_code == 201, slides.json()
    assert slides.json()["content_type"] == "application/pdf"

    mail.outbox.clear()
    with sending(execute=True):
        published = client.post(f"/api/v1/events/{event.pk}/minutes/publish/")
    assert published.status_code == 200, published.json()
    assert published.json()["published_at"] is not None
    assert sent_to("Protokoll:") == sorted(person.email for person, _ in guests)
    assert client.post(f"/api/v1/events/{event.pk}/minutes/publish/").status_code == 409

    reader = client_for(guests[2][0])
    read = reader.get(f"/api/v1/events/{event.pk}/minutes/")
    assert read.status_code == 200
    assert len(read.json()["attachments"]) == 2
    download = reader.get(read.json()["attachments"][1]["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    # Corrections after publishing tell nobody again; decisions are replaced.
    mail.outbox.clear()
    with sending(execute=True):
        corrected = client.put(
            f"/api/v1/events/{event.pk}/minutes/",
            {"text": "Korrigiert.", "decisions": [{"text": "Nur noch einer"}]},
        )
    assert corrected.status_code == 200
    assert Decision.objects.count() == 1
    assert mail.outbox == []


def test_photos_are_reencoded_and_bad_files_refused(client_for, media, settings):
    event = published_event(days=-1)
    writer, _host = host_of(event)
    client = client_for(writer)
    assert client.put(f"/api/v1/events/{event.pk}/minutes/", {"text": "Kurz."}).status_code == 200

    cases = [
        (b"Nur Text", "note.pdf", "PDF-Dateien"),
        (b"%PDF-1.4 kaputt", "kaputt.pdf", "nicht lesbar"),
        (pdf(password="geheim"), "geheim.pdf", "Verschlüsselte"),
        (picture("PNG", size=(40, 40)), "klein.png", "zu klein"),
        (picture("BMP"), "bild.bmp", "JPEG, PNG oder WebP"),
        (b"", "leer.jpg", "leer"),
    ]
    for content, name, message in cases:
        response = upload(client, event, content, name)
        assert response.status_code == 400, (name, response.content)
        assert message in str(response.json()), (name, response.json())
    settings.MINUTES_ATTACHMENT_MAX_BYTES = 1000
    too_big = upload(client, event, pdf(pages=20), "gross.pdf")
    assert too_big.status_code == 400
    assert "zu groß" in too_big.json()["detail"]
    assert not MinutesAttachment.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]

    settings.MINUTES_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    exif = Image.Exif()
    exif[0x010F] = "Kamera mit GPS"
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (1, 2, 3)).save(buffer, "JPEG", exif=exif.tobytes())
    stored = upload(client, event, buffer.getvalue(), "C:\\Fotos\\tafel.jpg")
    assert stored.status_code == 201
    attachment = MinutesAttachment.objects.get()
    assert attachment.original_name == "tafel.jpg"
    assert "tafel" not in attachment.file.name
    with Image.open(media / attachment.file.name) as image:
        assert not image.getexif()


def test_attachments_need_minutes_first_and_are_limited(client_for, media):
    event = published_event(days=-1)
    writer, _host = host_of(event)
    client = client_for(writer)
    assert upload(client, event, picture(), "a.jpg").status_code == 409
    client.put(f"/api/v1/events/{event.pk}/minutes/", {"text": "Kurz."})
    for n in range(10):
        assert upload(client, event, picture(), f"{n}.jpg").status_code == 201
    eleventh = upload(client, event, picture(), "11.jpg")
    assert eleventh.status_code == 409
    assert MinutesAttachment.objects.count() == 10
    first = MinutesAttachment.objects.first()
    deleted = client.delete(f"/api/v1/events/{event.pk}/minutes/attachments/{first.pk}/")
    assert deleted.status_code == 204
    assert MinutesAttachment.objects.count() == 9


def test_ag_minutes_follow_the_groups_visibility(client_for, sending):
    group, lead, _lead_org = make_group(meetings_visibility=MeetingsVisibility.GROUP)
    member, member_org = person_in_new_organisation()
    add_member(group, member, member_org)
    network_member, _ = person_in_new_organisation()
    meeting = published_event(
        days=-1,
        kind=EventKind.AG_TREFFEN,
        title="AG Moritzplatz, Treffen im März",
        group=group,
        visibility=EventVisibility.GROUP,
    )
    client = client_for(lead)  # the group's lead hosts its meetings
    assert (
        client.put(
            f"/api/v1/events/{meeting.pk}/minutes/",
            {"text": "Bänke beantragt.", "decisions": [{"text": "Antrag", "owner": member.pk}]},
        ).status_code
        == 200
    )
    mail.outbox.clear()
    with sending(execute=True):
        assert client.post(f"/api/v1/events/{meeting.pk}/minutes/publish/").status_code == 200
    assert sent_to("Protokoll:") == sorted([lead.email, member.email])

    url = f"/api/v1/events/{meeting.pk}/minutes/"
    assert client_for(member).get(url).status_code == 200
    assert client_for(network_member).get(url).status_code == 404
    assert (
        client_for(network_member).get(f"/api/v1/working-groups/{group.pk}/minutes/").status_code
        == 404
    )
    history = client_for(member).get(f"/api/v1/working-groups/{group.pk}/minutes/").json()
    assert [row["event"]["id"] for row in history["results"]] == [meeting.pk]

    # The lead opens the meetings to the whole network: now every member reads them.
    group.meetings_visibility = MeetingsVisibility.MEMBERS
    group.save()
    meeting.visibility = EventVisibility.MEMBERS
    meeting.save()
    assert client_for(network_member).get(url).status_code == 200


def test_network_minutes_are_for_network_members_only(client_for, api_client):
    event = published_event(days=-1, visibility=EventVisibility.PUBLIC)
    writer, _host = host_of(event)
    client_for(writer).put(f"/api/v1/events/{event.pk}/minutes/", {"text": "Öffentlich?"})
    client_for(writer).post(f"/api/v1/events/{event.pk}/minutes/publish/")
    no_organisation, _ = person_in_new_organisation()
    no_organisation.memberships.all().delete()

    url = f"/api/v1/events/{event.pk}/minutes/"
    assert client_for(person_in_new_organisation()[0]).get(url).status_code == 200
    assert client_for(no_organisation).get(url).status_code == 404
    assert api_client.get(url).status_code == 401


def test_only_hosts_write_minutes_and_only_after_the_start(client_for):
    upcoming = published_event(days=3)
    writer, _ = host_of(upcoming)
    member, _member_org = person_in_new_organisation()

    early = client_for(writer).put(f"/api/v1/events/{upcoming.pk}/minutes/", {"text": "Zu früh"})
    assert early.status_code == 409
    past = published_event(days=-1)
    assert (
        client_for(member).put(f"/api/v1/events/{past.pk}/minutes/", {"text": "Ich?"}).status_code
        == 403
    )
    coordinator = CoordinatorFactory()
    assert (
        client_for(coordinator)
        .put(f"/api/v1/events/{past.pk}/minutes/", {"text": "Koordination"})
        .status_code
        == 200
    )
    assert Minutes.objects.count() == 1


BAD = [
    ({"text": ""}, "text"),
    ({}, "text"),
    ({"text": 5}, "text"),
    ({"text": "x", "mood": "gut"}, "mood"),
    ({"text": "x", "organisations": [999999]}, "organisations"),
    ({"text": "x", "organisations": "1,2"}, "organisations"),
    ({"text": "x", "decisions": [{"owner": 1}]}, "decisions"),
    ({"text": "x", "decisions": [{"text": "y", "due": "morgen"}]}, "decisions"),
    ({"text": "x", "decisions": [{"text": "y", "owner": 999999}]}, "decisions"),
    ({"text": "x", "decisions": [{"text": "y", "colour": 1}]}, "decisions"),
    ({"text": "x", "attendance": [{"organisation": 1, "count": -1}]}, "attendance"),
    ({"text": "x", "attendance": [{"organisation": 999999, "count": 2}]}, "attendance"),
    ({"text": "x" * 50001}, "text"),
]


@pytest.mark.parametrize(("body", "needle"), BAD)
def test_bad_minutes_are_a_400_and_change_nothing(client_for, body, needle):
    event = published_event(days=-1)
    writer, host = host_of(event)
    client = client_for(writer)
    client.put(
        f"/api/v1/events/{event.pk}/minutes/", {"text": "Vorher", "organisations": [host.pk]}
    )

    response = client.put(f"/api/v1/events/{event.pk}/minutes/", body)

    assert response.status_code == 400, response.content
    assert needle in str(response.json())
    minutes = Minutes.objects.get()
    assert minutes.text == "Vorher"
    assert list(minutes.organisations.values_list("pk", flat=True)) == [host.pk]
    assert not Decision.objects.exists()
    assert not OrganisationAttendance.objects.exists()


def test_minutes_endpoints_answer_404_for_unknown_things(client_for):
    event = published_event(days=-1)
    writer, _ = host_of(event)
    client = client_for(writer)
    assert client.get(f"/api/v1/events/{event.pk}/minutes/").status_code == 404
    assert client.get("/api/v1/events/999999/minutes/").status_code == 404
    assert client.post("/api/v1/events/999999/minutes/publish/").status_code == 404
    assert client.post(f"/api/v1/events/{event.pk}/minutes/publish/").status_code == 409
    client.put(f"/api/v1/events/{event.pk}/minutes/", {"text": "x"})
    assert client.get(f"/api/v1/events/{event.pk}/minutes/attachments/5/").status_code == 404
    no_file = client.post(f"/api/v1/events/{event.pk}/minutes/attachments/", {}, format="multipart")
    assert no_file.status_code == 400
    assert "file" in no_file.json()
    as_json = client.post(f"/api/v1/events/{event.pk}/minutes/attachments/", {"file": "eA=="})
    assert as_json.status_code == 415

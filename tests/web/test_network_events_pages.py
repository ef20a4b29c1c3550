"""The event pages through Django's test client: "Termine" (upcoming, my registrations, the
month), an event's page with registration, waiting list and cancelling, the public list and
pages for visitors, the calendar files, and the start page's upcoming public events."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from marketplace.models import Role
from network.models import (
    Event,
    EventKind,
    EventState,
    EventVisibility,
    GroupMembership,
    GroupRole,
    Registration,
    RegistrationState,
    WorkingGroup,
)
from network.services.events import EventDetails, event_create, event_publish
from network.services.registrations import registration_create
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    member_of,
)
from tests.network.support import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def send(client, path, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return send


@pytest.fixture
def world():
    company = CompanyFactory(name="Kanalblick IT")
    host = member_of(company, Role.ADMIN, full_name="Deniz Kaya", email="deniz@kanalblick.example")
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    member = member_of(social, Role.MEMBER, full_name="Ayşe Demir", email="ayse@wassertor.example")
    other = SocialOrganisationFactory(name="Kinderladen Sonnenblume e.V.")
    second = member_of(other, Role.MEMBER, full_name="Jonas Weber", email="jonas@sonne.example")
    coordinator = CoordinatorFactory(email="koordination@kiezmarkt.example")
    return {
        "company": company,
        "host": host,
        "social": social,
        "member": member,
        "other": other,
        "second": second,
        "coordinator": coordinator,
    }


def make_event(world, *, publish=True, **fields):
    values = {
        "kind": EventKind.LUNCH,
        "title": "Kieznetzwerk Lunch",
        "description": "Mittagessen und Austausch.",
        "starts_at": in_days(7, 12),
        "ends_at": in_days(7, 14),
        "place": "Café Wassertor, Wassertorstraße 48",
        "online": False,
        "online_link": "",
        "visibility": EventVisibility.MEMBERS,
        "hosts": [world["company"]],
        **fields,
    }
    event = event_create(by=world["host"], details=EventDetails(**values))
    if publish:
        event_publish(event=event, by=world["host"], invite=False)
        event.refresh_from_db()
    return event


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


# --- finding events -----------------------------------------------------------------------------


def test_termine_is_in_the_main_navigation_in_both_languages(signed_in, world):
    german = signed_in(world["member"]).get("/").content.decode()
    assert '<a href="/termine/"' in german and ">Termine</a>" in german

    page = english(Client()).get("/termine/").content.decode()
    assert ">Events</a>" in page
    assert "Events in the neighbourhood" in page


def test_a_member_sees_members_only_events_and_a_visitor_only_public_ones(signed_in, world):
    members = make_event(world, title="Netzwerktreffen Herbst", kind=EventKind.NETZWERKTREFFEN)
    public = make_event(
        world,
        title="Tag der offenen Gewerbehöfe",
        kind=EventKind.OPEN_DAY,
        visibility=EventVisibility.PUBLIC,
    )
    make_event(world, title="Entwurf ohne Veröffentlichung", publish=False)

    as_member = signed_in(world["member"]).get("/termine/").content.decode()
    as_visitor = Client().get("/termine/").content.decode()

    assert "Netzwerktreffen Herbst" in as_member and "Tag der offenen Gewerbehöfe" in as_member
    assert "Entwurf ohne Veröffentlichung" not in as_member
    assert "Tag der offenen Gewerbehöfe" in as_visitor
    assert "Netzwerktreffen Herbst" not in as_visitor
    assert Client().get(f"/termine/{public.pk}/").status_code == 200
    assert Client().get(f"/termine/{members.pk}/").status_code == 404
    assert Client().get(f"/termine/{members.pk}/kalender.ics").status_code == 404


def test_hosts_see_their_drafts_in_the_list(signed_in, world):
    make_event(world, title="Lunch im Entwurf", publish=False)

    assert "Lunch im Entwurf" in signed_in(world["host"]).get("/termine/").content.decode()
    assert "Lunch im Entwurf" in signed_in(world["coordinator"]).get("/termine/").content.decode()


def test_the_list_filters_by_kind(signed_in, world):
    make_event(world, title="Kieznetzwerk Lunch Januar")
    make_event(world, title="Netzwerktreffen Frühjahr", kind=EventKind.NETZWERKTREFFEN)

    page = signed_in(world["member"]).get("/termine/?art=lunch").content.decode()

    assert "Kieznetzwerk Lunch Januar" in page
    assert "Netzwerktreffen Frühjahr" not in page


def test_the_list_takes_the_same_number_of_queries_for_few_and_many_events(
    signed_in, world, django_assert_max_num_queries
):
    client = signed_in(world["member"])
    make_event(world, title="Erster Lunch")
    client.get("/termine/")  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        client.get("/termine/")
    for number in range(8):
        make_event(world, title=f"Lunch {number}", hosts=[world["company"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/termine/")
    assert response.content.decode().count('class="card event-card') == 9


def test_the_month_view_shows_the_event_on_its_day(signed_in, world):
    event = make_event(world, title="Lunch im Monat")
    day = timezone.localtime(event.starts_at).date()

    page = signed_in(world["member"]).get(f"/termine/monat/{day:%Y-%m}/").content.decode()

    assert f'id="tag-{day:%Y-%m-%d}"' in page
    assert "Lunch im Monat" in page
    assert Client().get("/termine/monat/2026-13/").status_code == 404
    assert Client().get("/termine/monat/kein-monat/").status_code == 404


def test_the_start_page_shows_the_next_public_events(world):
    make_event(world, title="Sommerfest im Hof", kind=EventKind.FEST, visibility="public")
    make_event(world, title="Nur für Mitglieder")

    page = Client().get("/").content.decode()

    assert "Nächste Veranstaltungen" in page and "Sommerfest im Hof" in page
    assert "Nur für Mitglieder" not in page
    assert "<title>Angebote im Kiez – Kiezmarkt</title>" in page


# --- registering --------------------------------------------------------------------------------


def test_a_member_registers_for_her_organisation_and_sees_the_online_link(signed_in, submit, world):
    event = make_event(world, online=True, online_link="https://treffen.example/lunch")
    client = signed_in(world["member"])
    before = client.get(f"/termine/{event.pk}/").content.decode()
    assert "https://treffen.example/lunch" not in before
    assert "den Link sehen angemeldete Personen" in before

    response = submit(
        client,
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "1", "note": "vegetarisch"},
    )

    assert response.status_code == 302
    registration = Registration.objects.get(event=event, person=world["member"])
    assert (registration.state, registration.companions, registration.note) == (
        RegistrationState.REGISTERED,
        1,
        "vegetarisch",
    )
    page = client.get(f"/termine/{event.pk}/").content.decode()
    assert "Sie sind angemeldet." in page
    assert "https://treffen.example/lunch" in page
    assert any(world["member"].email in message.to for message in mail.outbox)
    mine = client.get("/termine/meine/").content.decode()
    assert event.title in mine and "1 Begleitperson" in mine


def test_when_full_the_next_person_waits_and_moves_up_when_a_seat_frees(signed_in, submit, world):
    event = make_event(world, capacity=1)
    first, second = signed_in(world["member"]), signed_in(world["second"])
    submit(
        first,
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "0"},
    )

    full = second.get(f"/termine/{event.pk}/").content.decode()
    assert "Alle Plätze sind vergeben" in full and "Auf die Warteliste" in full
    submit(
        second,
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["other"].pk, "companions": "0"},
    )
    waiting = Registration.objects.get(person=world["second"])
    assert waiting.state == RegistrationState.WAITING
    assert "Platz 1." in second.get(f"/termine/{event.pk}/").content.decode()

    mine = Registration.objects.get(person=world["member"])
    response = submit(first, f"/termine/{event.pk}/anmeldungen/{mine.pk}/abmelden/")

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == RegistrationState.REGISTERED
    assert "Sie sind angemeldet." in second.get(f"/termine/{event.pk}/").content.decode()


def test_bad_registrations_are_refused_with_a_message_and_change_nothing(signed_in, submit, world):
    event = make_event(world, capacity=3)
    client = signed_in(world["member"])

    too_many = submit(
        client,
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "-1"},
    )
    not_mine = submit(
        client,
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["company"].pk, "companions": "0"},
    )
    more_than_seats = submit(
        client,
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "5"},
    )

    assert too_many.status_code == 400
    assert "error-summary" in too_many.content.decode()
    assert not_mine.status_code == 400
    assert more_than_seats.status_code == 409
    assert "So viele Plätze hat die Veranstaltung nicht" in more_than_seats.content.decode()
    assert not Registration.objects.exists()


def test_nobody_registers_for_a_cancelled_event_or_someone_elses_registration(
    signed_in, submit, world
):
    event = make_event(world)
    submit(
        signed_in(world["second"]),
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["other"].pk, "companions": "0"},
    )
    theirs = Registration.objects.get()
    client = signed_in(world["member"])

    assert (
        submit(client, f"/termine/{event.pk}/anmeldungen/{theirs.pk}/abmelden/").status_code == 404
    )
    submit(signed_in(world["host"]), f"/termine/{event.pk}/status/absagen/", {"reason": "Krank"})
    response = submit(
        client,
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "0"},
    )

    assert response.status_code == 409
    assert Registration.objects.filter(person=world["member"]).count() == 0
    theirs.refresh_from_db()
    assert theirs.state == RegistrationState.REGISTERED  # the cancellation told, seats kept


def test_a_visitor_is_asked_to_sign_in_and_cannot_post(world):
    event = make_event(world, visibility="public")

    page = Client().get(f"/termine/{event.pk}/").content.decode()
    response = Client().post(f"/termine/{event.pk}/anmelden/", {"organisation": "1"})

    assert "Einloggen und anmelden" in page
    assert response.status_code == 302 and "/anmelden/?next=" in response["Location"]
    assert not Registration.objects.exists()


def test_the_public_calendar_file_parses_in_berlin_time_without_the_link(world):
    event = make_event(
        world, visibility="public", online=True, online_link="https://treffen.example/geheim"
    )

    response = Client().get(f"/termine/{event.pk}/kalender.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    entry = next(component for component in calendar.walk("VEVENT"))
    assert entry.decoded("dtstart") == event.starts_at
    assert str(entry.decoded("dtstart").tzinfo) == "Europe/Berlin"
    assert b"treffen.example/geheim" not in response.content


def test_the_event_page_in_english(signed_in, world):
    event = make_event(world, capacity=10)

    page = english(signed_in(world["member"])).get(f"/termine/{event.pk}/").content.decode()

    assert "When and where" in page
    assert "For which organisation" in page
    assert "10 of 10 places free" in page


# --- hosts ---------------------------------------------------------------------------------------


def event_form(world, **overrides):
    start = in_days(14, 18)
    data = {
        "kind": EventKind.NETZWERKTREFFEN,
        "title": "Netzwerktreffen Frühjahr",
        "description": "Zwei Stunden, viele Gesichter.",
        "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "ends_at": f"{start + dt.timedelta(hours=3):%Y-%m-%dT%H:%M}",
        "place": "Mehrgenerationenhaus Wassertor",
        "hosts": [world["company"].pk],
        "capacity": "30",
        "visibility": EventVisibility.MEMBERS,
        "recurrence": "",
    }
    data.update(overrides)
    return data


def test_a_host_creates_publishes_and_moves_an_event(signed_in, submit, world):
    client = signed_in(world["host"])
    assert client.get("/termine/neu/").status_code == 200

    response = submit(client, "/termine/neu/", event_form(world))

    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/termine/{event.pk}/"
    assert (event.state, event.capacity, list(event.hosts.all())) == (
        EventState.DRAFT,
        30,
        [world["company"]],
    )
    assert timezone.localtime(event.starts_at).hour == 18
    submit(client, f"/termine/{event.pk}/status/veroeffentlichen/")
    event.refresh_from_db()
    assert event.state == EventState.PUBLISHED
    submit(
        signed_in(world["member"]),
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "0"},
    )
    mail.outbox.clear()

    later = timezone.localtime(event.starts_at) + dt.timedelta(hours=1)
    edit = event_form(
        world,
        starts_at=f"{later:%Y-%m-%dT%H:%M}",
        ends_at=f"{later + dt.timedelta(hours=3):%Y-%m-%dT%H:%M}",
    )
    response = submit(client, f"/termine/{event.pk}/bearbeiten/", edit)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == later and event.sequence == 1
    assert any(world["member"].email in message.to for message in mail.outbox)


def test_the_form_builds_first_tuesday_of_each_month(signed_in, submit, world):
    today = timezone.localdate()
    month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    first_tuesday = month + dt.timedelta(days=(1 - month.weekday()) % 7)
    start = dt.datetime.combine(first_tuesday, dt.time(12, 0))
    data = event_form(
        world,
        kind=EventKind.LUNCH,
        title="Kieznetzwerk Lunch",
        starts_at=f"{start:%Y-%m-%dT%H:%M}",
        ends_at=f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}",
        recurrence="monthly_weekday",
        recurrence_until=f"{first_tuesday + dt.timedelta(days=150):%Y-%m-%d}",
    )
    # Each month's first Tuesday up to that day, counted by hand
    expected, month_start = [], month
    while True:
        tuesday = month_start + dt.timedelta(days=(1 - month_start.weekday()) % 7)
        if tuesday > first_tuesday + dt.timedelta(days=150):
            break
        expected.append(tuesday)
        month_start = (month_start + dt.timedelta(days=32)).replace(day=1)

    response = submit(signed_in(world["host"]), "/termine/neu/", data)

    assert response.status_code == 302, response.content.decode()
    occurrences = list(Event.objects.order_by("starts_at"))
    assert occurrences[0].series.rrule == f"FREQ=MONTHLY;BYDAY=+1TU;COUNT={len(expected)}"
    assert [timezone.localtime(o.starts_at).date() for o in occurrences] == expected
    assert {timezone.localtime(o.starts_at).hour for o in occurrences} == {12}


def test_an_event_form_with_mistakes_shows_them_all_and_creates_nothing(signed_in, submit, world):
    start = in_days(14, 18)
    data = event_form(
        world,
        title="",
        ends_at=f"{start - dt.timedelta(hours=1):%Y-%m-%dT%H:%M}",
        capacity="0",
    )

    response = submit(signed_in(world["host"]), "/termine/neu/", data)
    html = response.content.decode()

    assert response.status_code == 400
    assert 'class="form-errors error-summary"' in html
    assert 'href="#id_title"' in html and 'href="#id_capacity"' in html
    assert not Event.objects.exists()

    backwards = submit(
        signed_in(world["host"]),
        "/termine/neu/",
        event_form(world, ends_at=f"{start - dt.timedelta(hours=1):%Y-%m-%dT%H:%M}"),
    )
    assert backwards.status_code == 400
    assert "Das Ende muss nach dem Beginn liegen." in backwards.content.decode()
    assert not Event.objects.exists()


def test_only_hosts_and_the_coordinator_manage_an_event(signed_in, submit, world):
    event = make_event(world)
    member = signed_in(world["member"])

    for path in ("bearbeiten/", "anmeldungen/", "anmeldungen.csv", "programm/"):
        assert member.get(f"/termine/{event.pk}/{path}").status_code == 403, path
    assert submit(member, f"/termine/{event.pk}/status/absagen/").status_code == 403
    assert Client().get(f"/termine/{event.pk}/bearbeiten/").status_code == 302
    coordinator = signed_in(world["coordinator"])
    assert 'href="/termine/neu/"' in coordinator.get("/koordination/").content.decode()
    assert coordinator.get(f"/termine/{event.pk}/bearbeiten/").status_code == 200
    assert coordinator.get(f"/termine/{event.pk}/anmeldungen/").status_code == 200
    submit(coordinator, f"/termine/{event.pk}/status/absagen/", {"reason": "Raum fehlt"})
    event.refresh_from_db()
    assert event.state == EventState.CANCELLED


def test_hosts_see_registrations_with_notes_and_export_the_door_list(signed_in, submit, world):
    event = make_event(world, capacity=2)
    submit(
        signed_in(world["member"]),
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "1", "note": "=vegan"},
    )
    submit(
        signed_in(world["second"]),
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["other"].pk, "companions": "0"},
    )
    host = signed_in(world["host"])

    page = host.get(f"/termine/{event.pk}/anmeldungen/").content.decode()
    export = host.get(f"/termine/{event.pk}/anmeldungen.csv")

    assert "Ayşe Demir" in page and "=vegan" in page
    assert "Warteliste" in page and "Jonas Weber" in page
    text = export.content.decode("utf-8-sig")
    assert export["Content-Disposition"].startswith("attachment;")
    lines = text.splitlines()
    assert lines[0].startswith("Name;E-Mail-Adresse;Organisation")
    assert (
        "Ayşe Demir;ayse@wassertor.example;Nachbarschaftshaus am Wassertor e.V.;;2;'=vegan" in text
    )
    assert "Jonas Weber" in lines[2] and "auf der Warteliste" in lines[2]
    # the note is for the hosts only
    assert "=vegan" not in signed_in(world["second"]).get(f"/termine/{event.pk}/").content.decode()


def test_a_host_takes_attendance_after_the_start(signed_in, submit, world):
    event = make_event(world)
    submit(
        signed_in(world["member"]),
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "0"},
    )
    submit(
        signed_in(world["second"]),
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["other"].pk, "companions": "0"},
    )
    first, second = Registration.objects.order_by("pk")
    host = signed_in(world["host"])
    assert "Wer war da?" not in host.get(f"/termine/{event.pk}/anmeldungen/").content.decode()
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )

    assert "Wer war da?" in host.get(f"/termine/{event.pk}/anmeldungen/").content.decode()
    bad = submit(host, f"/termine/{event.pk}/anwesenheit/", {f"r{first.pk}": "vielleicht"})
    assert bad.status_code == 400
    response = submit(
        host, f"/termine/{event.pk}/anwesenheit/", {f"r{first.pk}": "yes", f"r{second.pk}": "no"}
    )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attended, second.attended) == (True, False)
    submit(host, f"/termine/{event.pk}/status/abschliessen/")
    event.refresh_from_db()
    assert event.state == EventState.HELD


def test_a_host_adds_a_station_and_a_member_registers_for_it(signed_in, submit, world):
    event = make_event(world, kind=EventKind.OPEN_DAY, visibility="public", title="Offene Höfe")
    start = timezone.localtime(event.starts_at)
    host = signed_in(world["host"])

    response = submit(
        host,
        f"/termine/{event.pk}/programm/",
        {
            "title": "Werkstatt offen",
            "host": world["company"].pk,
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + dt.timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "place": "Hof 2",
            "capacity": "5",
        },
    )
    outside = submit(
        host,
        f"/termine/{event.pk}/programm/",
        {
            "title": "Zu spät",
            "host": world["company"].pk,
            "starts_at": f"{start + dt.timedelta(days=1):%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + dt.timedelta(days=1, hours=1):%Y-%m-%dT%H:%M}",
        },
    )

    assert response.status_code == 302
    assert outside.status_code == 400
    station = event.stations.get()
    page = Client().get(f"/termine/{event.pk}/").content.decode()
    assert "Werkstatt offen" in page and "Kanalblick IT" in page
    submit(
        signed_in(world["member"]),
        f"/termine/{event.pk}/anmelden/",
        {
            f"s{station.pk}-organisation": world["social"].pk,
            f"s{station.pk}-companions": "0",
            f"s{station.pk}-station": station.pk,
        },
    )
    registration = Registration.objects.get()
    assert registration.station == station and registration.state == RegistrationState.REGISTERED


def test_a_host_counts_attendance_per_organisation(signed_in, submit, world):
    event = make_event(world)
    submit(
        signed_in(world["member"]),
        f"/termine/{event.pk}/anmelden/",
        {"organisation": world["social"].pk, "companions": "2"},
    )
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    host = signed_in(world["host"])
    field = f"o{world['social'].pk}"

    bad = submit(host, f"/termine/{event.pk}/anwesenheit/organisationen/", {field: "-3"})
    response = submit(host, f"/termine/{event.pk}/anwesenheit/organisationen/", {field: "3"})

    assert bad.status_code == 400 and "error-summary" in bad.content.decode()
    assert response.status_code == 302
    counted = event.attendance_counts.get()
    assert (counted.organisation, counted.count) == (world["social"], 3)
    page = host.get(f"/termine/{event.pk}/anmeldungen/").content.decode()
    assert f'name="{field}" value="3"' in page


def test_the_coordinator_invites_in_the_network_s_name(signed_in, submit, world):
    coordinator = signed_in(world["coordinator"])
    data = event_form(world, hosts=[], hosted_by_network="on", visibility="public")

    response = submit(coordinator, "/termine/neu/", data)

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.hosted_by_network and not event.hosts.exists()
    assert "Das Kieznetzwerk lädt ein" in coordinator.get(f"/termine/{event.pk}/").content.decode()
    # the checkbox is the coordinator's only
    assert (
        'name="hosted_by_network"'
        not in signed_in(world["host"]).get("/termine/neu/").content.decode()
    )
    page = english(signed_in(world["host"])).get("/termine/neu/").content.decode()
    assert "New event" in page and "Repeats" in page


def test_a_group_lead_plans_a_meeting_for_the_group_only(signed_in, submit, world):
    group = WorkingGroup.objects.create(name="AG Moritzplatz", slug="ag-moritzplatz")
    GroupMembership.objects.create(
        group=group,
        person=world["member"],
        organisation=world["social"],
        role=GroupRole.LEAD,
        state="active",
    )
    lead = signed_in(world["member"])
    assert 'name="group"' in lead.get("/termine/neu/").content.decode()
    assert 'name="group"' not in signed_in(world["second"]).get("/termine/neu/").content.decode()

    response = submit(
        lead,
        "/termine/neu/",
        event_form(
            world,
            kind=EventKind.AG_TREFFEN,
            title="AG Moritzplatz: Treffen",
            hosts=[],
            group=group.pk,
            visibility=EventVisibility.GROUP,
        ),
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.group, event.visibility) == (group, EventVisibility.GROUP)
    submit(lead, f"/termine/{event.pk}/status/veroeffentlichen/")
    assert signed_in(world["second"]).get(f"/termine/{event.pk}/").status_code == 404


def test_the_hosts_lists_and_the_month_take_the_same_number_of_queries_at_any_size(
    signed_in, world, django_assert_max_num_queries
):
    event = make_event(world)
    host = signed_in(world["host"])
    day = timezone.localtime(event.starts_at).date()
    paths = [
        f"/termine/{event.pk}/anmeldungen/",
        f"/termine/{event.pk}/anmeldungen.csv",
        f"/termine/{event.pk}/",
        f"/termine/monat/{day:%Y-%m}/",
        "/termine/meine/",
    ]

    def register(count: int) -> None:
        for _number in range(count):
            organisation = SocialOrganisationFactory()
            person = member_of(organisation, Role.MEMBER)
            registration_create(event=event, by=person, organisation_id=organisation.pk)

    register(1)
    host.get(paths[0])  # warm the session
    few = {}
    for path in paths:
        with django_assert_max_num_queries(30) as counted:
            assert host.get(path).status_code == 200
        few[path] = len(counted.captured_queries)
    register(10)
    for _number in range(5):
        make_event(world)
    for path in paths:
        with django_assert_max_num_queries(few[path]):
            host.get(path)


def test_every_demo_event_page_opens_for_the_coordinator_and_the_public_ones_for_visitors(
    signed_in,
):
    call_command("seed_demo", stdout=StringIO())
    coordinator = signed_in(CoordinatorFactory())
    visitor = Client()

    for event in Event.objects.all():
        for path in ("", "anmeldungen/", "anmeldungen.csv", "kalender.ics"):
            response = coordinator.get(f"/termine/{event.pk}/{path}")
            assert response.status_code == 200, (event.title, path)
        expected = 200 if event.visibility == "public" and event.state != "draft" else 404
        assert visitor.get(f"/termine/{event.pk}/").status_code == expected, event.title
    lunch = Event.objects.filter(series__isnull=False).first()
    assert coordinator.get(f"/termine/reihen/{lunch.series_id}/kalender.ics").status_code == 200
    assert "Tag der offenen Gewerbehöfe" in visitor.get("/termine/").content.decode()
    assert "Tag der offenen Gewerbehöfe" in visitor.get("/").content.decode()

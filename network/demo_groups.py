"""Demo working groups and minutes for `manage.py seed_demo` (after the events, demo_events.py).

- "AG Moritzplatz" (open, meetings for the whole network), "Prinzen und Ritter" (on request,
  one request waiting for the lead) and "Grüne 20er" (open, meetings for the group), each with a
  lead, members and a project (Vorhaben) with its next step;
- a past meeting of the AG Moritzplatz with published minutes;
- the minutes of the past spring Netzwerktreffen (demo_events.py, which records who came) with
  the organisations that took part and decisions with an owner.

Rows are written directly (no e-mails) and found again by their natural keys (slug, title,
event), so a second run creates nothing.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import (
    Decision,
    Event,
    EventKind,
    EventState,
    EventVisibility,
    GroupMembership,
    GroupMembershipState,
    GroupRole,
    JoinPolicy,
    MeetingsVisibility,
    Minutes,
    Project,
    ProjectStatus,
    WorkingGroup,
)

BERLIN = ZoneInfo("Europe/Berlin")

# (slug, name, topic, joining, meetings visible to, lead, members, request, project)
# people: (e-mail, organisation slug); project: (title, description, status, organisation
# slugs, next step, e-mail of who takes it)
GROUPS = [
    (
        "ag-moritzplatz",
        "AG Moritzplatz",
        "Der Moritzplatz soll ein Platz für alle werden: Bänke, Licht am Abend, ein kleiner "
        "Wochenmarkt. Wir sammeln Ideen der Nachbarschaft und sprechen mit dem Bezirksamt.",
        JoinPolicy.OPEN,
        MeetingsVisibility.MEMBERS,
        ("ayse.demir@nachbarschaftshaus-wassertor.example", "nachbarschaftshaus-am-wassertor"),
        [
            ("mara.sommer@spreewerk.example", "spreewerk-design"),
            ("deniz.aydin@kanalblick.example", "kanalblick-it"),
            (
                "klaus.richter@nachbarschaftshaus-wassertor.example",
                "nachbarschaftshaus-am-wassertor",
            ),
        ],
        None,
        (
            "Bänke und Licht am Moritzplatz",
            "Sechs Bänke und zwei Laternen an der Nordseite; Spreewerk gestaltet die Beteiligung, "
            "das Nachbarschaftshaus sammelt Unterschriften.",
            ProjectStatus.IN_PROGRESS,
            ["nachbarschaftshaus-am-wassertor", "spreewerk-design"],
            "Antrag beim Straßen- und Grünflächenamt einreichen",
            "mara.sommer@spreewerk.example",
        ),
    ),
    (
        "prinzen-und-ritter",
        "Prinzen und Ritter",
        "Jungen im Kiez stark machen: Werkstatt-Nachmittage in Betrieben, Lesepatenschaften, "
        "ein Fußballturnier im Sommer.",
        JoinPolicy.ON_REQUEST,
        MeetingsVisibility.GROUP,
        ("ruth.engel@kirchengemeinde-wassertor.example", "kirchengemeinde-am-wassertor"),
        [
            ("frank.wendt@goerlitzer-druckhaus.example", "goerlitzer-druckhaus"),
            ("tobias.hartmann@grundschule-wassertorplatz.example", "grundschule-am-wassertorplatz"),
        ],
        ("lena.brandt@kanalblick.example", "kanalblick-it"),
        (
            "Werkstatt-Nachmittage",
            "Einmal im Monat öffnet ein Betrieb seine Werkstatt für acht Jungen aus der "
            "Grundschule am Wassertorplatz.",
            ProjectStatus.IDEA,
            ["goerlitzer-druckhaus", "grundschule-am-wassertorplatz"],
            "Termine mit drei Betrieben absprechen",
            "frank.wendt@goerlitzer-druckhaus.example",
        ),
    ),
    (
        "gruene-20er",
        "Grüne 20er",
        "Grün in die Höfe der 20er-Jahre-Bauten: Hochbeete, Fassadengrün, Regenwasser. "
        "Mit den Hausverwaltungen und den Kindern aus dem Kiez.",
        JoinPolicy.OPEN,
        MeetingsVisibility.GROUP,
        ("sophie.keller@kinderladen-sonnenblume.example", "kinderladen-sonnenblume"),
        [
            ("jonas.albrecht@spreewerk.example", "spreewerk-design"),
            ("ayse.demir@nachbarschaftshaus-wassertor.example", "nachbarschaftshaus-am-wassertor"),
        ],
        None,
        (
            "Hochbeete im Hof Wassertorstraße",
            "Vier Hochbeete, gebaut an einem Freiwilligentag; die Kinder des Kinderladens "
            "pflegen sie.",
            ProjectStatus.PAUSED,
            ["kinderladen-sonnenblume", "spreewerk-design"],
            "Holzspende bei einem Baumarkt anfragen",
            "jonas.albrecht@spreewerk.example",
        ),
    ),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BERLIN)


def _pair(demo, email: str, slug: str):
    person, organisation = demo.people.get(email), demo.organisations.get(slug)
    if person is None or organisation is None:
        return None
    return person, organisation


def _membership(demo, group, pair, *, role=GroupRole.MEMBER, state=GroupMembershipState.ACTIVE):
    person, organisation = pair
    membership, created = GroupMembership.objects.get_or_create(
        group=group,
        person=person,
        state__in=[GroupMembershipState.REQUESTED, GroupMembershipState.ACTIVE],
        defaults={
            "organisation": organisation,
            "role": role,
            "state": state,
            "decided_at": timezone.now() if state == GroupMembershipState.ACTIVE else None,
        },
    )
    demo.count_created(membership, created)
    return membership


def seed_groups(demo) -> None:
    for slug, name, topic, joining, visible, lead, members, request, project in GROUPS:
        group, created = WorkingGroup.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": topic,
                "join_policy": joining,
                "meetings_visibility": visible,
            },
        )
        demo.count_created(group, created)
        lead_pair = _pair(demo, *lead)
        if lead_pair:
            _membership(demo, group, lead_pair, role=GroupRole.LEAD)
        for email, organisation_slug in members:
            pair = _pair(demo, email, organisation_slug)
            if pair:
                _membership(demo, group, pair)
        if request and (pair := _pair(demo, *request)):
            _membership(demo, group, pair, state=GroupMembershipState.REQUESTED)
        title, description, status, organisations, next_step, owner = project
        row, created = Project.objects.get_or_create(
            group=group,
            title=title,
            defaults={
                "description": description,
                "status": status,
                "next_step": next_step,
                "next_step_owner": demo.people.get(owner),
            },
        )
        demo.count_created(row, created)
        if created:
            row.organisations.set(
                [o for o in (demo.organisations.get(s) for s in organisations) if o]
            )
    _ag_meeting(demo)


def _ag_meeting(demo) -> None:
    """A past meeting of the AG Moritzplatz, with its published minutes."""
    group = WorkingGroup.objects.filter(slug="ag-moritzplatz").first()
    if group is None:
        return
    day = timezone.localdate() - dt.timedelta(days=21)
    title = "AG Moritzplatz: Treffen mit dem Bezirksamt"
    event, created = Event.objects.get_or_create(
        title=title,
        group=group,
        defaults={
            "kind": EventKind.AG_TREFFEN,
            "description": "Vorstellung der Ideen, Gespräch mit der Bezirksverwaltung.",
            "starts_at": _at(day, 17),
            "ends_at": _at(day, 19),
            "place": "Nachbarschaftshaus am Wassertor, Raum 2",
            "visibility": EventVisibility.MEMBERS,
            "state": EventState.HELD,
            "published_at": _at(day, 9) - dt.timedelta(days=14),
            "created_by": demo.coordinator,
        },
    )
    demo.count_created(event, created)
    if not created:
        return
    host = demo.organisations.get("nachbarschaftshaus-am-wassertor")
    if host:
        event.hosts.add(host)
    _minutes(
        demo,
        event,
        text=(
            "Anwesend: fünf Personen aus vier Organisationen und Frau Yıldız vom Bezirksamt.\n\n"
            "1. Die Umfrage unter den Anwohner*innen hat 214 Antworten: Bänke und Licht stehen "
            "oben.\n2. Das Bezirksamt nimmt einen gemeinsamen Antrag an, wenn die Pflege der "
            "Bänke geklärt ist.\n3. Wochenmarkt: erst im nächsten Jahr."
        ),
        organisations=["nachbarschaftshaus-am-wassertor", "spreewerk-design", "kanalblick-it"],
        decisions=[
            ("Antrag für sechs Bänke schreiben", "mara.sommer@spreewerk.example", 30),
            (
                "Pflegepatenschaften bei den Betrieben anfragen",
                "deniz.aydin@kanalblick.example",
                45,
            ),
        ],
        published=_at(day, 9) + dt.timedelta(days=2),
    )


def _minutes(demo, event, *, text, organisations, decisions, published) -> Minutes | None:
    minutes, created = Minutes.objects.get_or_create(
        event=event,
        defaults={"text": text, "written_by": demo.coordinator, "published_at": published},
    )
    demo.count_created(minutes, created)
    if not created:
        return minutes
    minutes.organisations.set([o for o in (demo.organisations.get(s) for s in organisations) if o])
    start = timezone.localdate(event.starts_at)
    Decision.objects.bulk_create(
        Decision(
            minutes=minutes,
            text=decision,
            owner=demo.people.get(owner),
            due=start + dt.timedelta(days=days) if days else None,
            position=position,
        )
        for position, (decision, owner, days) in enumerate(decisions)
    )
    return minutes


def seed_minutes(demo) -> None:
    """The minutes of the past spring Netzwerktreffen (seeded by demo_events.py)."""
    event = (
        Event.objects.filter(
            kind=EventKind.NETZWERKTREFFEN,
            title__startswith="Netzwerktreffen Frühjahr",
            state=EventState.HELD,
        )
        .order_by("-starts_at")
        .first()
    )
    if event is None:
        return
    took_part = [
        "nachbarschaftshaus-am-wassertor",
        "spreewerk-design",
        "kanalblick-it",
        "goerlitzer-druckhaus",
        "kirchengemeinde-am-wassertor",
    ]
    _minutes(
        demo,
        event,
        text=(
            "Begrüßung durch die Koordination; 24 Personen aus 17 Organisationen.\n\n"
            "Rückblick: 38 Freiwilligeneinsätze, 61 Ausleihen und 4 Vermittlungen in Arbeit "
            "seit dem Herbst.\n\n"
            "Die Arbeitsgruppen berichten: AG Moritzplatz (Bänke und Licht), Prinzen und Ritter "
            "(Werkstatt-Nachmittage), Grüne 20er (Hochbeete, pausiert bis zum Frühjahr).\n\n"
            "Neue Mitglieder stellen sich vor: Kanalblick IT und die Grundschule am "
            "Wassertorplatz.\n\n"
            "Tag der offenen Gewerbehöfe: vier Betriebe machen mit, Termin im Sommer."
        ),
        organisations=took_part,
        decisions=[
            (
                "Tag der offenen Gewerbehöfe: Plakat und Programm",
                "mara.sommer@spreewerk.example",
                60,
            ),
            ("Liste der Ansprechpersonen an alle schicken", "koordination@kiezmarkt.example", 14),
            ("Herbsttreffen vorbereiten", "ayse.demir@nachbarschaftshaus-wassertor.example", None),
        ],
        published=event.ends_at + dt.timedelta(days=3),
    )

"""Demo events: the network's year to click through.

- the Kieznetzwerk Lunch, first Tuesday of every month, 12:00–13:30, as a recurring series
  (past dates held, coming ones published; two people registered for the next one);
- the spring Netzwerktreffen (past, held, with attendance; its minutes are the groups' demo);
- the autumn Netzwerktreffen (upcoming, 6 seats: full, two people on the waiting list);
- a public Tag der offenen Gewerbehöfe with four stations hosted by demo companies.

Rows are written directly (no e-mails, see seed_demo's docstring) and found again by their
title (the series by its title), so a second run creates nothing. Dates are relative to today.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import (
    Event,
    EventKind,
    EventSeries,
    EventState,
    EventVisibility,
    OrganisationAttendance,
    Registration,
    RegistrationState,
    Station,
)
from .services.series import occurrence_starts

BERLIN = ZoneInfo("Europe/Berlin")
HOUSE = "Nachbarschaftshaus am Wassertor, Wassertorstraße 48, 10969 Berlin"
LUNCH_RULE = "FREQ=MONTHLY;BYDAY=1TU;COUNT=12"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def _person(demo, email: str):
    return demo.people.get(email)


def _organisation(demo, slug: str):
    return demo.organisations.get(slug)


def _register(demo, event, email, slug, *, state=RegistrationState.REGISTERED, **fields):
    person, organisation = _person(demo, email), _organisation(demo, slug)
    if person is None or organisation is None:
        return None
    registration = Registration.objects.create(
        event=event, person=person, organisation=organisation, state=state, **fields
    )
    demo.count_created(registration, True)
    if state == RegistrationState.REGISTERED:
        Event.objects.filter(pk=event.pk).update(seats_taken=event.seats_taken + registration.seats)
        event.seats_taken += registration.seats
    return registration


def _event(demo, title: str, **fields) -> tuple[Event, bool]:
    hosts = fields.pop("hosts", [])
    event, created = Event.objects.get_or_create(
        title=title, series=None, defaults={"created_by": demo.coordinator, **fields}
    )
    demo.count_created(event, created)
    if created:
        event.hosts.set([h for h in (_organisation(demo, slug) for slug in hosts) if h])
    return event, created


def _lunch(demo, today: dt.date) -> None:
    title = "Kieznetzwerk Lunch"
    if EventSeries.objects.filter(title=title).exists():
        return
    first_of_month = today.replace(day=1)
    first_tuesday = first_of_month + dt.timedelta(days=(1 - first_of_month.weekday()) % 7)
    first_start = _at(first_tuesday, 12)
    series = EventSeries.objects.create(
        kind=EventKind.LUNCH,
        title=title,
        description="Mittagessen und Austausch: wer ist neu im Kiez, wer sucht was, wer "
        "bietet was? Jede*r zahlt selbst, Anmeldung hilft der Küche.",
        place="Familiencafé im " + HOUSE,
        hosted_by_network=True,
        capacity=20,
        visibility=EventVisibility.MEMBERS,
        rrule=LUNCH_RULE,
        first_starts_at=first_start,
        duration=dt.timedelta(minutes=90),
        registration_closes_before=dt.timedelta(hours=24),
        created_by=demo.coordinator,
    )
    demo.count_created(series, True)
    host = _organisation(demo, "nachbarschaftshaus-am-wassertor")
    if host:
        series.hosts.add(host)
    now = timezone.now()
    next_one = None
    for start in occurrence_starts(LUNCH_RULE, first_start, until=now + dt.timedelta(days=400)):
        end = (start.replace(tzinfo=None) + series.duration).replace(tzinfo=BERLIN)
        occurrence = Event.objects.create(
            kind=series.kind,
            title=series.title,
            description=series.description,
            place=series.place,
            hosted_by_network=True,
            capacity=series.capacity,
            visibility=series.visibility,
            created_by=demo.coordinator,
            starts_at=start,
            ends_at=end,
            registration_deadline=start - series.registration_closes_before,
            series=series,
            recurrence_id=start,
            state=EventState.HELD if end < now else EventState.PUBLISHED,
            published_at=now,
        )
        demo.count_created(occurrence, True)
        if host:
            occurrence.hosts.add(host)
        if next_one is None and start > now:
            next_one = occurrence
    if next_one is not None:
        _register(
            demo,
            next_one,
            "klaus.richter@nachbarschaftshaus-wassertor.example",
            "nachbarschaftshaus-am-wassertor",
        )
        _register(
            demo,
            next_one,
            "jonas.albrecht@spreewerk.example",
            "spreewerk-design",
            note="vegetarisch",
        )


def _spring_meeting(demo, today: dt.date) -> None:
    year = today.year if today >= dt.date(today.year, 4, 30) else today.year - 1
    day = dt.date(year, 4, 22)
    event, created = _event(
        demo,
        f"Netzwerktreffen Frühjahr {year}",
        kind=EventKind.NETZWERKTREFFEN,
        description="Rückblick auf das Jahr, die Arbeitsgruppen berichten, neue Mitglieder "
        "stellen sich vor.",
        starts_at=_at(day, 18),
        ends_at=_at(day, 21),
        place="Gemeindesaal, Fraenkelufer 30, 10999 Berlin",
        hosted_by_network=True,
        hosts=["kirchengemeinde-am-wassertor"],
        capacity=40,
        visibility=EventVisibility.MEMBERS,
        state=EventState.HELD,
        published_at=_at(day, 9) - dt.timedelta(days=30),
    )
    if not created:
        return
    came = [
        ("ayse.demir@nachbarschaftshaus-wassertor.example", "nachbarschaftshaus-am-wassertor", 1),
        ("mara.sommer@spreewerk.example", "spreewerk-design", 0),
        ("deniz.aydin@kanalblick.example", "kanalblick-it", 0),
        ("frank.wendt@goerlitzer-druckhaus.example", "goerlitzer-druckhaus", 0),
        ("ruth.engel@kirchengemeinde-wassertor.example", "kirchengemeinde-am-wassertor", 0),
    ]
    for email, slug, companions in came:
        _register(demo, event, email, slug, companions=companions, attended=True)
    _register(
        demo,
        event,
        "sophie.keller@kinderladen-sonnenblume.example",
        "kinderladen-sonnenblume",
        attended=False,
    )
    for slug, count in (("nachbarschaftshaus-am-wassertor", 2), ("spreewerk-design", 1)):
        organisation = _organisation(demo, slug)
        if organisation:
            OrganisationAttendance.objects.create(
                event=event, organisation=organisation, count=count
            )


def _autumn_meeting(demo, today: dt.date) -> None:
    year = today.year if today < dt.date(today.year, 10, 14) else today.year + 1
    day = dt.date(year, 10, 14)
    event, created = _event(
        demo,
        f"Netzwerktreffen Herbst {year}",
        kind=EventKind.NETZWERKTREFFEN,
        description="Die Vorhaben der Arbeitsgruppen, Planung des Tags der offenen "
        "Gewerbehöfe, Kiezfest. Kleiner Raum: bitte anmelden.",
        starts_at=_at(day, 18),
        ends_at=_at(day, 21),
        place=HOUSE,
        hosted_by_network=True,
        hosts=["nachbarschaftshaus-am-wassertor"],
        capacity=6,
        registration_deadline=_at(day - dt.timedelta(days=2), 12),
        visibility=EventVisibility.MEMBERS,
        state=EventState.PUBLISHED,
        published_at=timezone.now(),
    )
    if not created:
        return
    seated = [
        ("ayse.demir@nachbarschaftshaus-wassertor.example", "nachbarschaftshaus-am-wassertor", 1),
        ("mara.sommer@spreewerk.example", "spreewerk-design", 0),
        ("deniz.aydin@kanalblick.example", "kanalblick-it", 0),
        ("frank.wendt@goerlitzer-druckhaus.example", "goerlitzer-druckhaus", 0),
        ("sophie.keller@kinderladen-sonnenblume.example", "kinderladen-sonnenblume", 0),
    ]
    for email, slug, companions in seated:
        _register(demo, event, email, slug, companions=companions)
    for email, slug in (
        ("ruth.engel@kirchengemeinde-wassertor.example", "kirchengemeinde-am-wassertor"),
        ("tobias.hartmann@grundschule-wassertorplatz.example", "grundschule-am-wassertorplatz"),
    ):
        _register(demo, event, email, slug, state=RegistrationState.WAITING)


STATIONS = [
    # (company, title, description, from hour, to hour, place, capacity)
    (
        "spreewerk-design",
        "Offenes Atelier",
        "Wie entsteht ein Plakat? Das Team zeigt Entwürfe, Papier und Farben.",
        11,
        13,
        "Gitschiner Straße 15, Hinterhof",
        None,
    ),
    (
        "kanalblick-it",
        "Repair-Café für Laptops",
        "Bringen Sie Ihren langsamen Rechner mit: wir schauen gemeinsam hinein.",
        13,
        15,
        "Segitzdamm 22",
        8,
    ),
    (
        "goerlitzer-druckhaus",
        "Führung durch die Druckerei",
        "Von der Offsetmaschine bis zur Falzmaschine: eine Führung für alle ab 8 Jahren.",
        14,
        16,
        "Prinzenstraße 34",
        12,
    ),
    (
        "spreewerk-design",
        "Siebdruck zum Mitmachen",
        "Eigene Tasche oder eigenes T-Shirt mitbringen und bedrucken.",
        15,
        17,
        "Gitschiner Straße 15, Werkstatt",
        10,
    ),
]


def _open_day(demo, today: dt.date) -> None:
    in_five_weeks = today + dt.timedelta(weeks=5)
    saturday = in_five_weeks + dt.timedelta(days=(5 - in_five_weeks.weekday()) % 7)
    event, created = _event(
        demo,
        "Tag der offenen Gewerbehöfe",
        kind=EventKind.OPEN_DAY,
        description="Die Betriebe im Kiez öffnen ihre Höfe und Werkstätten: Führungen, "
        "Mitmachen, Kaffee. Für alle, ohne Anmeldung – für einige Stationen mit Plätzen bitte "
        "anmelden.",
        starts_at=_at(saturday, 11),
        ends_at=_at(saturday, 17),
        place="Gewerbehöfe rund um den Wassertorplatz",
        hosts=["spreewerk-design", "kanalblick-it", "goerlitzer-druckhaus"],
        visibility=EventVisibility.PUBLIC,
        state=EventState.PUBLISHED,
        published_at=timezone.now(),
    )
    if not created:
        return
    for slug, title, description, start, end, place, capacity in STATIONS:
        host = _organisation(demo, slug)
        if host is None:
            continue
        station = Station.objects.create(
            event=event,
            title=title,
            description=description,
            host=host,
            starts_at=_at(saturday, start),
            ends_at=_at(saturday, end),
            place=place,
            capacity=capacity,
        )
        demo.count_created(station, True)


def seed_events(demo) -> None:
    today = timezone.localdate()
    _lunch(demo, today)
    _spring_meeting(demo, today)
    _autumn_meeting(demo, today)
    _open_day(demo, today)

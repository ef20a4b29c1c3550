"""Recurrence: "first Tuesday of the month" from January to December gives the twelve right
dates across the change to and from summer time; one occurrence cancelled leaves the others,
and the series' calendar carries the RRULE, the EXDATE and the moved occurrence."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from network import calendar
from network.models import EventKind, EventState
from network.selectors import events_visible_to
from network.services.events import EventDetails, event_cancel, event_update
from network.services.series import series_create, series_publish

from .support import BERLIN, CoordinatorFactory, berlin, person_in_new_organisation

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 1, 9)


def lunch_series(coordinator, **extra):
    return series_create(
        by=coordinator,
        details=EventDetails(
            kind=EventKind.LUNCH,
            title="Kieznetzwerk Lunch",
            starts_at=berlin(2027, 1, 5, 12),
            ends_at=berlin(2027, 1, 5, 13, 30),
            place="Café Wassertor",
            hosted_by_network=True,
            capacity=20,
        ),
        rrule="FREQ=MONTHLY;BYDAY=1TU;UNTIL=20271231T235959",
        now=NOW,
        **extra,
    )


def test_first_tuesday_monthly_gives_twelve_dates_at_noon_berlin_across_summer_time():
    coordinator = CoordinatorFactory()
    series = lunch_series(coordinator)
    occurrences = list(series.occurrences.order_by("starts_at"))
    starts = [o.starts_at.astimezone(BERLIN) for o in occurrences]
    assert [s.date() for s in starts] == [
        dt.date(2027, 1, 5),
        dt.date(2027, 2, 2),
        dt.date(2027, 3, 2),
        dt.date(2027, 4, 6),
        dt.date(2027, 5, 4),
        dt.date(2027, 6, 1),
        dt.date(2027, 7, 6),
        dt.date(2027, 8, 3),
        dt.date(2027, 9, 7),
        dt.date(2027, 10, 5),
        dt.date(2027, 11, 2),
        dt.date(2027, 12, 7),
    ]
    assert all(s.weekday() == 1 for s in starts)
    assert {(s.hour, s.minute) for s in starts} == {(12, 0)}
    assert {
        (o.ends_at.astimezone(BERLIN).hour, o.ends_at.astimezone(BERLIN).minute)
        for o in occurrences
    } == {(13, 30)}
    # Winter 11:00 UTC, summer 10:00 UTC: the wall clock stays, the offset moves.
    utc_hours = [o.starts_at.astimezone(dt.UTC).hour for o in occurrences]
    assert utc_hours == [11, 11, 11, 10, 10, 10, 10, 10, 10, 10, 11, 11]
    assert {o.recurrence_id for o in occurrences} == {o.starts_at for o in occurrences}


def test_one_occurrence_cancelled_and_one_moved_leave_the_others_and_show_in_the_series_ics():
    coordinator = CoordinatorFactory()
    series = lunch_series(coordinator)
    series_publish(series=series, by=coordinator, now=NOW)
    occurrences = list(series.occurrences.order_by("starts_at"))
    march, april = occurrences[2], occurrences[3]
    event_cancel(event=march, by=coordinator, reason="Ostern", now=NOW)
    event_update(
        event=april,
        by=coordinator,
        details=EventDetails(starts_at=berlin(2027, 4, 6, 13), ends_at=berlin(2027, 4, 6, 14, 30)),
        now=NOW,
    )
    states = [o.state for o in series.occurrences.order_by("starts_at")]
    assert states.count(EventState.CANCELLED) == 1
    assert states.count(EventState.PUBLISHED) == 11
    member, _organisation = person_in_new_organisation()
    assert events_visible_to(member).filter(series=series).count() == 12

    parsed = Calendar.from_ical(
        calendar.series_calendar(series, list(series.occurrences.order_by("starts_at")))
    )
    events = parsed.walk("VEVENT")
    master = next(e for e in events if "RRULE" in e)
    assert master["RRULE"]["FREQ"] == ["MONTHLY"]
    assert master["RRULE"]["BYDAY"] == ["1TU"]
    assert master.decoded("DTSTART") == berlin(2027, 1, 5, 12)
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [berlin(2027, 3, 2, 12)]
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert override["UID"] == master["UID"]
    assert override.decoded("RECURRENCE-ID") == berlin(2027, 4, 6, 12)
    assert override.decoded("DTSTART") == berlin(2027, 4, 6, 13)
    assert override.decoded("DTSTART").tzinfo is not None


@pytest.mark.parametrize(
    "rule",
    ["", "FREQ=SECONDLY", "FREQ=MONTHLY;BYDAY=9XX", "nonsense", "FREQ=WEEKLY\nDTSTART:2020"],
)
def test_a_rule_we_do_not_understand_is_refused_and_nothing_is_created(rule):
    from marketplace.errors import InvalidInput
    from network.models import Event, EventSeries

    coordinator = CoordinatorFactory()
    with pytest.raises(InvalidInput):
        series_create(
            by=coordinator,
            details=EventDetails(
                kind=EventKind.LUNCH,
                title="Lunch",
                starts_at=berlin(2027, 1, 5, 12),
                ends_at=berlin(2027, 1, 5, 13),
                hosted_by_network=True,
            ),
            rrule=rule,
            now=NOW,
        )
    assert EventSeries.objects.count() == 0
    assert Event.objects.count() == 0


def test_a_series_through_the_api_its_public_calendar_and_an_occurrence_registered_for(
    client_for, api_client, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory()
    boss = client_for(coordinator)
    start = timezone.localtime() + dt.timedelta(days=10)
    start = start.replace(hour=12, minute=0, second=0, microsecond=0)
    response = boss.post(
        "/api/v1/events/series/",
        {
            "kind": "lunch",
            "title": "Kieznetzwerk Lunch",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(minutes=90)).isoformat(),
            "place": "Café Wassertor",
            "hosted_by_network": True,
            "visibility": "public",
            "capacity": 2,
            "rrule": "FREQ=MONTHLY;COUNT=3",
            "registration_closes_minutes": 60,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    series_id = response.json()["id"]
    # drafts: nobody else sees them yet
    assert api_client.get(f"/api/v1/events/series/{series_id}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        published = boss.post(f"/api/v1/events/series/{series_id}/publish/", {}, format="json")
    assert published.status_code == 200, published.json()
    occurrences = published.json()["occurrences"]
    assert len(occurrences) == 3

    ics = api_client.get(f"/api/v1/events/series/{series_id}/ics/")
    assert ics.status_code == 200
    [master] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert master["RRULE"]["COUNT"] == [3]

    member, organisation = person_in_new_organisation()
    second = occurrences[1]
    response = client_for(member).post(
        f"/api/v1/events/{second}/registrations/", {"organisation": organisation.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "registered"
    assert events_visible_to(member).get(pk=second).seats_taken == 1
    assert events_visible_to(member).get(pk=occurrences[0]).seats_taken == 0

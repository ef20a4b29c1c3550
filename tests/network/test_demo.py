"""The network's demo events of `manage.py seed_demo`: the monthly Lunch as a series, a held
spring and a full upcoming autumn Netzwerktreffen, the open day with four stations; seats
counted as the services count them; a second run creates nothing and sends nothing."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Sum

from network.models import (
    Event,
    EventKind,
    EventSeries,
    EventState,
    EventVisibility,
    Registration,
    Station,
)
from notifications.models import Notification

from .support import BERLIN

pytestmark = pytest.mark.django_db


def _seats(event) -> int:
    registered = Registration.objects.filter(event=event, station=None, state="registered")
    return registered.count() + (registered.aggregate(n=Sum("companions"))["n"] or 0)


def test_the_demo_runs_the_networks_year_and_seeds_once():
    call_command("seed_demo", stdout=StringIO())

    lunch = EventSeries.objects.get(kind=EventKind.LUNCH)
    occurrences = list(lunch.occurrences.order_by("starts_at"))
    assert len(occurrences) == 12
    for occurrence in occurrences:
        start = occurrence.starts_at.astimezone(BERLIN)
        assert (start.weekday(), start.day <= 7, start.hour) == (1, True, 12)
    assert any(o.state == EventState.PUBLISHED for o in occurrences)

    spring = Event.objects.get(title__startswith="Netzwerktreffen Frühjahr")
    assert spring.state == EventState.HELD
    assert Registration.objects.filter(event=spring, attended=True).count() == 5
    assert spring.attendance_counts.count() == 2

    autumn = Event.objects.get(title__startswith="Netzwerktreffen Herbst")
    assert autumn.state == EventState.PUBLISHED
    assert autumn.seats_taken == autumn.capacity == _seats(autumn) == 6
    waiting = Registration.objects.filter(event=autumn, state="waiting")
    assert waiting.count() == 2

    open_day = Event.objects.get(kind=EventKind.OPEN_DAY)
    assert open_day.visibility == EventVisibility.PUBLIC
    stations = Station.objects.filter(event=open_day)
    assert stations.count() == 4
    assert {s.host.kind for s in stations} == {"company"}
    for event in Event.objects.all():
        assert event.seats_taken == _seats(event), event

    before = (Event.objects.count(), Registration.objects.count(), Station.objects.count())
    call_command("seed_demo", stdout=StringIO())

    assert (Event.objects.count(), Registration.objects.count(), Station.objects.count()) == before
    assert EventSeries.objects.count() == 1
    assert Notification.objects.filter(kind__startswith="network").count() == 0
    assert mail.outbox == []

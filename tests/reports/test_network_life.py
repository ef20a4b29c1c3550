"""The report's events group, counted by the network app from real events: held meetings in
the period and the organisations that had somebody there (cancelled events never count)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from network.models import (
    Event,
    EventKind,
    EventState,
    Minutes,
    OrganisationAttendance,
    Registration,
    RegistrationState,
)
from reports.figures import build_report
from reports.periods import year_period
from tests.factories import CompanyFactory, SocialOrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _event(state, start, **fields):
    return Event.objects.create(
        kind=EventKind.NETZWERKTREFFEN,
        title="Netzwerktreffen",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        state=state,
        **fields,
    )


def _figures(report):
    group = next(group for group in report.groups if group.key == "network_life")
    return {figure.key: figure.value for figure in group.figures}


def test_held_meetings_and_the_organisations_that_came(django_assert_max_num_queries):
    # given a held spring meeting with three organisations there (a name ticked at the door,
    # a count, one named in the minutes), a cancelled one, and one held in the next year
    alpha, beta = CompanyFactory(name="Alpha GmbH"), CompanyFactory(name="Beta GmbH")
    xenia, yuna = SocialOrganisationFactory(), SocialOrganisationFactory()
    spring = _event(EventState.HELD, dt.datetime(2023, 3, 28, 18, tzinfo=BERLIN))
    spring.hosts.add(alpha)
    Registration.objects.create(
        event=spring,
        person=UserFactory(),
        organisation=xenia,
        state=RegistrationState.REGISTERED,
        attended=True,
    )
    Registration.objects.create(
        event=spring,
        person=UserFactory(),
        organisation=yuna,
        state=RegistrationState.REGISTERED,
        attended=False,  # registered, did not come
    )
    OrganisationAttendance.objects.create(event=spring, organisation=beta, count=3)
    Minutes.objects.create(event=spring, text="Protokoll").organisations.add(alpha, xenia)
    cancelled = _event(EventState.CANCELLED, dt.datetime(2023, 9, 26, 18, tzinfo=BERLIN))
    OrganisationAttendance.objects.create(event=cancelled, organisation=yuna, count=2)
    _event(EventState.HELD, dt.datetime(2024, 1, 9, 12, tzinfo=BERLIN))
    # a meeting that ends the year at 23:30 on New Year's Eve, Berlin time, is in 2023
    _event(EventState.HELD, dt.datetime(2023, 12, 31, 23, 30, tzinfo=BERLIN))

    # when the coordinator and Yuna's admins open the report for 2023
    with django_assert_max_num_queries(40):
        network = build_report(year_period(2023))
    only_yuna = build_report(year_period(2023), organisation=yuna)
    only_beta = build_report(year_period(2023), organisation=beta)

    # then two meetings were held, with Alpha, Beta and Xenia there (Yuna never came)
    assert _figures(network) == {"meetings_held": 2, "organisations_attending": 3}
    assert network.totals["meetings_held"] == 2
    assert _figures(only_yuna) == {"meetings_held": 0, "organisations_attending": 0}
    assert _figures(only_beta) == {"meetings_held": 1, "organisations_attending": 1}

"""Building blocks of the network tests: a coordinator, organisations with people, events."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from marketplace.models import Role
from network.models import Event, EventKind, EventState, EventVisibility
from tests.factories import CompanyFactory, CoordinatorFactory, SocialOrganisationFactory, member_of

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def in_days(days: int, hour: int = 18) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BERLIN)


def person_in_new_organisation(social: bool = True, **fields):
    organisation = (SocialOrganisationFactory if social else CompanyFactory)()
    return member_of(organisation, role=Role.ADMIN, **fields), organisation


def published_event(*, capacity=None, visibility=EventVisibility.MEMBERS, days=10, **fields):
    """A published event hosted by the network, written straight to the table."""
    host = CompanyFactory()
    event = Event.objects.create(
        kind=fields.pop("kind", EventKind.NETZWERKTREFFEN),
        title=fields.pop("title", "Netzwerktreffen Herbst"),
        starts_at=in_days(days),
        ends_at=in_days(days, 21),
        place="Mehrgenerationenhaus Wassertor, Wassertorstraße 48",
        capacity=capacity,
        visibility=visibility,
        state=EventState.PUBLISHED,
        hosted_by_network=True,
        **fields,
    )
    event.hosts.add(host)
    return event


__all__ = ["CoordinatorFactory"]

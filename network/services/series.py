"""Recurring events: a series (EventSeries) with an iCalendar RRULE read by dateutil.rrule, and
its occurrences as Event rows (each registered for, changed or cancelled on its own through the
services in events.py and registrations.py).

Occurrences follow the wall clock in Europe/Berlin: the rule is expanded from the first start
as a naive Berlin time and each occurrence made aware afterwards, so "first Tuesday, 12:00"
stays at 12:00 across the change to and from summer time (the UTC offset changes instead).
Unbounded rules are expanded HORIZON ahead; series_extend() (beat, daily) adds what comes into
the horizon later.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil import rrule as dateutil_rrule
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, InvalidInput, NotAllowed
from marketplace.models import User

from .. import notices
from ..models import Event, EventSeries, EventState
from ..selectors import can_host, invitation_recipients
from .events import EventDetails, _check_text, check_details, event_publish

BERLIN = ZoneInfo("Europe/Berlin")
HORIZON = dt.timedelta(days=400)
MAX_OCCURRENCES = 120
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
MAX_DURATION = dt.timedelta(days=2)


def parse_rule(text) -> str:
    """The rule as stored (without a "RRULE:" prefix, upper case), or InvalidInput."""
    invalid = InvalidInput(
        _("Diese Wiederholungsregel verstehen wir nicht (z. B. FREQ=MONTHLY;BYDAY=1TU)."),
        field="rrule",
    )
    if not isinstance(text, str) or not 0 < len(text) <= 500:
        raise invalid
    rule = text.strip().upper().removeprefix("RRULE:")
    if "\n" in rule or "DTSTART" in rule:
        raise invalid
    parts = dict(part.partition("=")[::2] for part in rule.split(";") if part)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise InvalidInput(
            _("Bitte täglich, wöchentlich, monatlich oder jährlich wiederholen."), field="rrule"
        )
    try:
        dateutil_rrule.rrulestr(rule, dtstart=dt.datetime(2026, 1, 1, 12, 0))
    except (ValueError, TypeError, KeyError, IndexError):
        raise invalid from None
    return rule


def occurrence_starts(
    rule: str, first_start: dt.datetime, *, until: dt.datetime
) -> list[dt.datetime]:
    """The starts (aware, Berlin wall clock) of `rule` from `first_start` up to `until`, at
    most MAX_OCCURRENCES."""
    naive_first = timezone.localtime(first_start, BERLIN).replace(tzinfo=None)
    naive_until = timezone.localtime(until, BERLIN).replace(tzinfo=None)
    try:
        expanded = dateutil_rrule.rrulestr(rule, dtstart=naive_first)
    except (ValueError, TypeError):
        raise InvalidInput(
            _("Diese Wiederholungsregel verstehen wir nicht."), field="rrule"
        ) from None
    starts = []
    for naive in expanded:
        if naive > naive_until or len(starts) >= MAX_OCCURRENCES:
            break
        starts.append(naive.replace(tzinfo=BERLIN))
    return starts


def _wall_clock_end(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    naive = start.astimezone(BERLIN).replace(tzinfo=None) + duration
    return naive.replace(tzinfo=BERLIN)


def _occurrence(series: EventSeries, start: dt.datetime) -> Event:
    return Event(
        kind=series.kind,
        title=series.title,
        description=series.description,
        place=series.place,
        online=series.online,
        online_link=series.online_link,
        hosted_by_network=series.hosted_by_network,
        capacity=series.capacity,
        visibility=series.visibility,
        group=series.group,
        created_by=series.created_by,
        starts_at=start,
        ends_at=_wall_clock_end(start, series.duration),
        registration_deadline=(
            start - series.registration_closes_before if series.registration_closes_before else None
        ),
        series=series,
        recurrence_id=start,
        state=EventState.DRAFT,
    )


def _add_occurrences(series: EventSeries, starts: list[dt.datetime]) -> list[Event]:
    existing = set(series.occurrences.values_list("recurrence_id", flat=True))
    new = [_occurrence(series, start) for start in starts if start not in existing]
    created = Event.objects.bulk_create(new)
    hosts = list(series.hosts.all())
    Event.hosts.through.objects.bulk_create(
        Event.hosts.through(event_id=event.pk, organisation_id=host.pk)
        for event in created
        for host in hosts
    )
    return created


def series_create(
    *,
    by: User,
    details: EventDetails,
    rrule: str,
    registration_closes_before: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> EventSeries:
    """A recurring event with its occurrences as drafts (details.starts_at/ends_at are the
    first occurrence's). Raises InvalidInput, NotAllowed."""
    now = now or timezone.now()
    rule = parse_rule(rrule)
    values = details.given()
    values.setdefault("visibility", "members")
    for required in ("kind", "title", "starts_at", "ends_at"):
        if values.get(required) is None:
            raise InvalidInput(_("Dieses Feld ist erforderlich."), field=required)
    _check_text(values)
    check_details(values, by=by, now=now)
    if values["starts_at"] <= now:
        raise InvalidInput(_("Der Beginn muss in der Zukunft liegen."), field="starts_at")
    duration = values.pop("ends_at") - values["starts_at"]
    if duration > MAX_DURATION:
        raise InvalidInput(_("Ein Termin einer Reihe dauert höchstens zwei Tage."), field="ends_at")
    if values.pop("registration_deadline", None) is not None:
        raise InvalidInput(
            _("Bei einer Reihe gilt der Anmeldeschluss je Termin (Abstand vor Beginn)."),
            field="registration_deadline",
        )
    if registration_closes_before is not None and not (
        dt.timedelta(0) <= registration_closes_before <= dt.timedelta(days=60)
    ):
        raise InvalidInput(
            _("Der Anmeldeschluss liegt 0 bis 60 Tage vor Beginn."),
            field="registration_closes_before",
        )
    first_start = values.pop("starts_at")
    starts = occurrence_starts(rule, first_start, until=now + HORIZON)
    if not starts:
        raise InvalidInput(_("Nach dieser Regel gibt es keinen Termin."), field="rrule")
    hosts = values.pop("hosts", None) or []
    with transaction.atomic():
        series = EventSeries.objects.create(
            created_by=by,
            rrule=rule,
            first_starts_at=first_start,
            duration=duration,
            registration_closes_before=registration_closes_before,
            **values,
        )
        series.hosts.set(hosts)
        _add_occurrences(series, starts)
    return series


def series_publish(*, series: EventSeries, by: User, now=None) -> list[Event]:
    """Publish every future draft occurrence; one invitation for the series (for its next
    occurrence). Raises NotAllowed, Conflict, Busy."""
    now = now or timezone.now()
    drafts = list(
        series.occurrences.filter(state=EventState.DRAFT, starts_at__gt=now).order_by("starts_at")
    )
    if not drafts:
        raise Conflict(_("Diese Reihe hat keine Termine im Entwurf mehr."))
    if not can_host(by, drafts[0]):
        raise NotAllowed(_("Nur die Gastgeber können die Reihe veröffentlichen."))
    with transaction.atomic():
        published = [event_publish(event=event, by=by, invite=False, now=now) for event in drafts]
        first = published[0]
        notices.invite_series(first, invitation_recipients(first).exclude(pk=by.pk))
    return published


def series_extend(*, now: dt.datetime | None = None) -> int:
    """Add the occurrences that came within HORIZON (published series publish them too).
    Returns how many were added. Precondition: no open transaction."""
    now = now or timezone.now()
    added = 0
    for series in EventSeries.objects.prefetch_related("hosts"):
        starts = occurrence_starts(series.rrule, series.first_starts_at, until=now + HORIZON)
        with transaction.atomic():
            created = _add_occurrences(series, [start for start in starts if start > now])
            if created and series.occurrences.filter(state=EventState.PUBLISHED).exists():
                Event.objects.filter(pk__in=[e.pk for e in created]).update(
                    state=EventState.PUBLISHED, published_at=now
                )
        added += len(created)
    return added

"""Events: create and edit (as drafts), publish (invitations), change time or place of a
published event (everyone registered told, same UID and a higher SEQUENCE), cancel
(METHOD:CANCEL to everyone registered), close as held, and stations of an open day.

Every change of a published event is made under the event's row lock (common.lock_event), the
same lock registrations take, so a change and a registration never cross.
The lifecycle is one table, TRANSITIONS: a move it does not allow raises Conflict (409).
"""

import datetime as dt
from dataclasses import dataclass, fields

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.locking import locking_transaction
from marketplace.models import Membership, Organisation, OrganisationStatus, User
from marketplace.text import clean_text

from .. import notices
from ..models import (
    MAX_CAPACITY,
    Event,
    EventKind,
    EventState,
    EventStateChange,
    EventVisibility,
    Registration,
    RegistrationState,
    Station,
    WorkingGroup,
)
from ..selectors import can_host, invitation_recipients, is_group_lead
from .common import busy_message, lock_event, lock_station
from .registrations import promote_waiting

TRANSITIONS: dict[str, set[str]] = {
    EventState.DRAFT: {EventState.PUBLISHED, EventState.CANCELLED},
    EventState.PUBLISHED: {EventState.HELD, EventState.CANCELLED},
    EventState.HELD: set(),
    EventState.CANCELLED: set(),
}
# Changing one of these on a published event tells everyone registered (a new SEQUENCE).
TIME_AND_PLACE = ("starts_at", "ends_at", "place", "online", "online_link")
LONGEST_EVENT = dt.timedelta(days=14)


@dataclass
class EventDetails:
    """What a host writes about an event (create: all given; edit: only the changed ones)."""

    kind: str | None = None
    title: str | None = None
    description: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = None
    online: bool | None = None
    online_link: str | None = None
    capacity: int | None = None
    registration_deadline: dt.datetime | None = None
    visibility: str | None = None
    group: WorkingGroup | None = None
    hosts: list[Organisation] | None = None
    hosted_by_network: bool | None = None

    def given(self, *, unset: frozenset = frozenset()) -> dict:
        """The fields given; `unset` names those given as null (capacity, deadline, group)."""
        return {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if getattr(self, field.name) is not None or field.name in unset
        }


def _may_transition(event: Event, to: str) -> None:
    if to not in TRANSITIONS[event.state]:
        raise Conflict(
            _("Eine Veranstaltung im Status „%(state)s“ kann nicht %(action)s werden.")
            % {"state": EventState(event.state).label, "action": _ACTIONS[to]()}
        )


_ACTIONS = {
    EventState.PUBLISHED: lambda: _("veröffentlicht"),
    EventState.HELD: lambda: _("als stattgefunden abgeschlossen"),
    EventState.CANCELLED: lambda: _("abgesagt"),
}


def _record(event: Event, *, from_state: str, by: User | None, message: str = "") -> None:
    EventStateChange.objects.create(
        event=event, from_state=from_state, to_state=event.state, by=by, message=message
    )


def _check_text(values: dict) -> None:
    if "title" in values:
        values["title"] = clean_text(values["title"], field="title", limit=200, required=True)
    if "description" in values:
        values["description"] = clean_text(values["description"], field="description", limit=10000)
    if "place" in values:
        values["place"] = clean_text(values["place"], field="place", limit=300)


def check_details(values: dict, *, by: User, now: dt.datetime | None = None) -> None:
    """The rules of an event's fields together (after an edit: of the merged values). Raises
    InvalidInput naming the field, NotAllowed for hosts the person may not name."""
    now = now or timezone.now()
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if values["kind"] not in EventKind.values:
        raise InvalidInput(_("Diese Art von Veranstaltung gibt es nicht."), field="kind")
    if values["visibility"] not in EventVisibility.values:
        raise InvalidInput(_("Diese Sichtbarkeit gibt es nicht."), field="visibility")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise InvalidInput(_("Bitte Zeiten mit Zeitzone angeben."), field="starts_at")
    if ends_at <= starts_at:
        raise InvalidInput(_("Das Ende muss nach dem Beginn liegen."), field="ends_at")
    if ends_at - starts_at > LONGEST_EVENT:
        raise InvalidInput(_("Eine Veranstaltung dauert höchstens 14 Tage."), field="ends_at")
    deadline = values.get("registration_deadline")
    if deadline is not None and deadline > starts_at:
        raise InvalidInput(
            _("Der Anmeldeschluss darf nicht nach dem Beginn liegen."),
            field="registration_deadline",
        )
    capacity = values.get("capacity")
    if capacity is not None and not (
        isinstance(capacity, int)
        and not isinstance(capacity, bool)
        and 1 <= capacity <= MAX_CAPACITY
    ):
        raise InvalidInput(_("Bitte eine Zahl von 1 bis 10000 angeben."), field="capacity")
    if values.get("online") and not values.get("online_link") and not values.get("place"):
        raise InvalidInput(
            _("Für eine Online-Veranstaltung bitte den Link zur Teilnahme angeben."),
            field="online_link",
        )
    group = values.get("group")
    if values["visibility"] == EventVisibility.GROUP and group is None:
        raise InvalidInput(
            _("Nur Treffen einer Arbeitsgruppe können nur für die Gruppe sichtbar sein."),
            field="visibility",
        )
    _check_hosts(values, by=by)


def _check_hosts(values: dict, *, by: User) -> None:
    hosts = values.get("hosts") or []
    group = values.get("group")
    if values.get("hosted_by_network") and not by.is_coordinator:
        raise NotAllowed(_("Nur die Koordination lädt im Namen des Netzwerks ein."))
    if not hosts and not values.get("hosted_by_network") and group is None:
        raise InvalidInput(
            _("Bitte mindestens eine gastgebende Organisation angeben."), field="hosts"
        )
    if any(host.status != OrganisationStatus.APPROVED for host in hosts):
        raise InvalidInput(
            _("Gastgeber können nur freigegebene Organisationen sein."), field="hosts"
        )
    if by.is_coordinator:
        return
    if group is not None and not is_group_lead(by, group.pk):
        raise NotAllowed(_("Treffen einer Arbeitsgruppe legt deren Leitung an."))
    mine = set(
        Membership.objects.filter(user=by, organisation__in=hosts).values_list(
            "organisation_id", flat=True
        )
    )
    if not mine and group is None:
        raise NotAllowed(_("Sie können nur Veranstaltungen Ihrer eigenen Organisation anlegen."))


def event_create(*, by: User, details: EventDetails, now: dt.datetime | None = None) -> Event:
    """A new event as a draft. Raises InvalidInput, NotAllowed."""
    values = details.given()
    values.setdefault("visibility", EventVisibility.MEMBERS)
    for required in ("kind", "title", "starts_at", "ends_at"):
        if values.get(required) is None:
            raise InvalidInput(_("Dieses Feld ist erforderlich."), field=required)
    _check_text(values)
    check_details(values, by=by, now=now)
    if values["starts_at"] <= (now or timezone.now()):
        raise InvalidInput(_("Der Beginn muss in der Zukunft liegen."), field="starts_at")
    hosts = values.pop("hosts", None) or []
    with transaction.atomic():
        event = Event.objects.create(created_by=by, **values)
        event.hosts.set(hosts)
        _record(event, from_state="", by=by)
    return event


def _current(event: Event) -> dict:
    values = {field.name: getattr(event, field.name) for field in fields(EventDetails)}
    values["hosts"] = list(event.hosts.all())
    values["group"] = event.group
    return values


def event_update(
    *,
    event: Event,
    by: User,
    details: EventDetails,
    unset: frozenset = frozenset(),
    now: dt.datetime | None = None,
) -> Event:
    """Edit a draft or a published event. On a published one, a new time or place raises the
    SEQUENCE and tells everyone registered (and waiting) with an updated calendar entry; more
    seats promote people from the waiting list. Raises NotAllowed (not a host), Conflict (held
    or cancelled, or fewer seats than are taken), InvalidInput, Busy."""
    now = now or timezone.now()
    if not can_host(by, event):
        raise NotAllowed(_("Nur die Gastgeber können die Veranstaltung ändern."))
    changes = details.given(unset=unset)
    _check_text(changes)
    with locking_transaction(busy_message()):
        event = lock_event(event.pk)
        if event.state not in (EventState.DRAFT, EventState.PUBLISHED):
            raise Conflict(
                _("Eine abgeschlossene oder abgesagte Veranstaltung bleibt, wie sie ist.")
            )
        before = _current(event)
        merged = {**before, **changes}
        check_details(merged, by=by, now=now)
        new_start = changes.get("starts_at", before["starts_at"])
        if new_start != before["starts_at"] and new_start <= now:
            raise InvalidInput(_("Der Beginn muss in der Zukunft liegen."), field="starts_at")
        if event.state == EventState.PUBLISHED and event.starts_at <= now:
            raise Conflict(_("Die Veranstaltung hat schon begonnen."))
        capacity = merged["capacity"]
        if capacity is not None and capacity < event.seats_taken:
            raise Conflict(
                ngettext(
                    "Es ist schon %(taken)d Platz vergeben; weniger geht nicht.",
                    "Es sind schon %(taken)d Plätze vergeben; weniger geht nicht.",
                    event.seats_taken,
                )
                % {"taken": event.seats_taken}
            )
        moved = [
            name for name in TIME_AND_PLACE if name in changes and changes[name] != before[name]
        ]
        hosts = changes.pop("hosts", None)
        for name, value in changes.items():
            setattr(event, name, value)
        if moved and event.state == EventState.PUBLISHED:
            event.sequence += 1
        event.save()
        if hosts is not None:
            event.hosts.set(hosts)
        if moved and event.state == EventState.PUBLISHED:
            told = list(
                Registration.objects.filter(
                    event=event,
                    state__in=[RegistrationState.REGISTERED, RegistrationState.WAITING],
                ).select_related("person")
            )
            previous = Event(starts_at=before["starts_at"], ends_at=before["ends_at"])
            where = before["place"] or ("online" if before["online"] else "")
            before_text = notices.when(previous) + (f", {where}" if where else "")
            notices.event_changed(event, told, before=before_text)
            _record(event, from_state=event.state, by=by, message=_("Zeit oder Ort geändert"))
        if capacity is not None or "capacity" in unset:
            promote_waiting(event, None)
    return event


def event_publish(*, event: Event, by: User, invite: bool = True, now=None) -> Event:
    """Publish a draft: visible to its audience, open for registration, and an invitation to
    every member who has not switched invitations off. Raises NotAllowed, Conflict, Busy."""
    now = now or timezone.now()
    if not can_host(by, event):
        raise NotAllowed(_("Nur die Gastgeber können die Veranstaltung veröffentlichen."))
    with locking_transaction(busy_message()):
        event = lock_event(event.pk)
        _may_transition(event, EventState.PUBLISHED)
        if event.starts_at <= now:
            raise Conflict(_("Die Veranstaltung hat schon begonnen."))
        from_state = event.state
        event.state = EventState.PUBLISHED
        event.published_at = now
        if invite:
            event.invitations_sent_at = now
        event.save(update_fields=["state", "published_at", "invitations_sent_at", "updated_at"])
        _record(event, from_state=from_state, by=by)
        if invite:
            notices.invite(event, invitation_recipients(event).exclude(pk=by.pk))
    return event


def event_cancel(*, event: Event, by: User, reason: str = "", now=None) -> Event:
    """Cancel a draft or a published event; everyone registered or waiting gets the
    cancellation with METHOD:CANCEL (same UID, a higher SEQUENCE). Raises NotAllowed, Conflict,
    InvalidInput, Busy."""
    now = now or timezone.now()
    reason = clean_text(reason, field="reason", limit=2000)
    if not can_host(by, event):
        raise NotAllowed(_("Nur die Gastgeber können die Veranstaltung absagen."))
    with locking_transaction(busy_message()):
        event = lock_event(event.pk)
        _may_transition(event, EventState.CANCELLED)
        if event.state == EventState.PUBLISHED and event.ends_at <= now:
            raise Conflict(_("Die Veranstaltung ist schon vorbei."))
        from_state = event.state
        event.state = EventState.CANCELLED
        event.sequence += 1
        event.save(update_fields=["state", "sequence", "updated_at"])
        _record(event, from_state=from_state, by=by, message=reason)
        if from_state == EventState.PUBLISHED:
            told = list(
                Registration.objects.filter(
                    event=event,
                    state__in=[RegistrationState.REGISTERED, RegistrationState.WAITING],
                ).select_related("person")
            )
            notices.event_cancelled(event, told, reason=reason)
        if event.series_id:
            event.series.sequence += 1  # its EXDATEs changed
            event.series.save(update_fields=["sequence"])
    return event


def event_close(*, event: Event, by: User, now=None) -> Event:
    """Close a published event that has begun as held (minutes and attendance follow); the
    hosts' notes on registrations are deleted. Raises NotAllowed, Conflict, Busy."""
    now = now or timezone.now()
    if not can_host(by, event):
        raise NotAllowed(_("Nur die Gastgeber können die Veranstaltung abschließen."))
    with locking_transaction(busy_message()):
        event = lock_event(event.pk)
        _may_transition(event, EventState.HELD)
        if event.starts_at > now:
            raise Conflict(_("Die Veranstaltung hat noch nicht begonnen."))
        from_state = event.state
        event.state = EventState.HELD
        event.save(update_fields=["state", "updated_at"])
        _record(event, from_state=from_state, by=by)
        Registration.objects.filter(event=event).exclude(note="").update(note="")
    return event


# --- stations of an open day -------------------------------------------------------------------


@dataclass
class StationDetails:
    title: str | None = None
    description: str | None = None
    host: Organisation | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = None
    capacity: int | None = None


def _check_station(values: dict, event: Event) -> None:
    values["title"] = clean_text(values.get("title"), field="title", limit=200, required=True)
    values["description"] = clean_text(
        values.get("description") or "", field="description", limit=5000
    )
    values["place"] = clean_text(values.get("place") or "", field="place", limit=300)
    if values.get("host") is None:
        raise InvalidInput(_("Bitte die gastgebende Organisation angeben."), field="host")
    if values["host"].status != OrganisationStatus.APPROVED:
        raise InvalidInput(
            _("Gastgeber können nur freigegebene Organisationen sein."), field="host"
        )
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is None or ends_at is None:
        raise InvalidInput(_("Bitte Beginn und Ende angeben."), field="starts_at")
    if ends_at <= starts_at:
        raise InvalidInput(_("Das Ende muss nach dem Beginn liegen."), field="ends_at")
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise InvalidInput(
            _("Eine Station liegt innerhalb der Zeit der Veranstaltung."), field="starts_at"
        )
    capacity = values.get("capacity")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(_("Bitte eine Zahl von 1 bis 10000 angeben."), field="capacity")


def station_create(*, event: Event, by: User, details: StationDetails) -> Station:
    """A station of the event's programme. Raises NotAllowed, Conflict, InvalidInput, Busy."""
    if not can_host(by, event):
        raise NotAllowed(_("Nur die Gastgeber können das Programm ändern."))
    values = {field.name: getattr(details, field.name) for field in fields(StationDetails)}
    with locking_transaction(busy_message()):
        event = lock_event(event.pk)
        if event.state not in (EventState.DRAFT, EventState.PUBLISHED):
            raise Conflict(
                _("Eine abgeschlossene oder abgesagte Veranstaltung bleibt, wie sie ist.")
            )
        _check_station(values, event)
        return Station.objects.create(event=event, **values)


def station_update(*, station: Station, by: User, details: StationDetails) -> Station:
    """Edit a station; fewer seats than are taken is a Conflict."""
    if not can_host(by, station.event):
        raise NotAllowed(_("Nur die Gastgeber können das Programm ändern."))
    with locking_transaction(busy_message()):
        event = lock_event(station.event_id)
        station = lock_station(event, station.pk)
        if event.state not in (EventState.DRAFT, EventState.PUBLISHED):
            raise Conflict(
                _("Eine abgeschlossene oder abgesagte Veranstaltung bleibt, wie sie ist.")
            )
        values = {field.name: getattr(station, field.name) for field in fields(StationDetails)}
        values.update(
            {
                field.name: getattr(details, field.name)
                for field in fields(StationDetails)
                if getattr(details, field.name) is not None
            }
        )
        _check_station(values, event)
        if values["capacity"] is not None and values["capacity"] < station.seats_taken:
            raise Conflict(
                ngettext(
                    "Es ist schon %(taken)d Platz vergeben; weniger geht nicht.",
                    "Es sind schon %(taken)d Plätze vergeben; weniger geht nicht.",
                    station.seats_taken,
                )
                % {"taken": station.seats_taken}
            )
        for name, value in values.items():
            setattr(station, name, value)
        station.save()
    return station


def event_of_station(station_id: int, event: Event) -> Station:
    station = Station.objects.filter(pk=station_id, event=event).first()
    if station is None:
        raise NotFound(_("Diese Station gibt es nicht."))
    return station

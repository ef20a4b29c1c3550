"""Who hears about which step of an event or a registration, and what the e-mail says.

Called by network.services inside the transaction of the change; notify() writes the outbox
rows there and sends after commit. Event keys name each step once (f"registration:{id}:promoted",
f"event:{id}:changed:{sequence}"), so a repeated call does not send twice.
"""

from collections.abc import Iterable

from django.utils import timezone

from marketplace.models import User
from notifications.services import Attachment, notify

from . import calendar
from .links import cancel_url
from .models import Event, Registration

DATE = "%d.%m.%Y"
TIME = "%H:%M"


def when(event: Event) -> str:
    """The event's time as people in Berlin read it."""
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{start:{DATE}}, {start:{TIME}}–{end:{TIME}}"
    return f"{start:{DATE}}, {start:{TIME}} – {end:{DATE}}, {end:{TIME}}"


def _place(event: Event) -> str:
    return event.place or ("online" if event.online else "")


def context(event: Event, **extra) -> dict:
    data = {
        "event_id": event.pk,
        "event_title": event.title,
        "event_kind": event.kind,
        "when": when(event),
        "place": _place(event),
        "event_url": calendar.event_url(event),
        "url": calendar.event_url(event),
        "host_names": ", ".join(host.name for host in event.hosts.all()) or "Kieznetzwerk",
    }
    data.update(extra)
    return data


def _registration_context(registration: Registration, **extra) -> dict:
    event = registration.event
    data = context(
        event,
        registration_id=registration.pk,
        organisation_name=registration.organisation.name,
        companions=registration.companions,
        station_title=registration.station.title if registration.station_id else "",
    )
    data.update(extra)
    return data


def _ics(event: Event, method: str):
    """Each recipient's own copy of the calendar file (its ATTENDEE, its language)."""

    def for_recipient(recipient) -> list[Attachment]:
        file = calendar.invitation(event, recipient=recipient, method=method)
        return [Attachment(filename=file.filename, mimetype=file.mimetype, content=file.content)]

    return for_recipient


def invite(event: Event, recipients: Iterable[User]) -> int:
    return len(
        notify(
            kind="network_event_invitation",
            recipients=recipients,
            context=context(event),
            event_key=f"event:{event.pk}:invited",
        )
    )


def registration_confirmed(registration: Registration) -> None:
    notify(
        kind="network_registration_confirmed",
        recipients=[registration.person],
        context=_registration_context(registration, cancel_url=cancel_url(registration.pk)),
        event_key=f"registration:{registration.pk}:registered",
        attachments=_ics(registration.event, calendar.REQUEST),
    )


def registration_waiting(registration: Registration) -> None:
    notify(
        kind="network_registration_waiting",
        recipients=[registration.person],
        context=_registration_context(registration, cancel_url=cancel_url(registration.pk)),
        event_key=f"registration:{registration.pk}:waiting",
    )


def registration_promoted(registration: Registration) -> None:
    notify(
        kind="network_registration_promoted",
        recipients=[registration.person],
        context=_registration_context(registration, cancel_url=cancel_url(registration.pk)),
        event_key=f"registration:{registration.pk}:promoted",
        attachments=_ics(registration.event, calendar.REQUEST),
    )


def registration_cancelled(registration: Registration, *, held_seat: bool) -> None:
    notify(
        kind="network_registration_cancelled",
        recipients=[registration.person],
        context=_registration_context(registration),
        event_key=f"registration:{registration.pk}:cancelled",
        attachments=_ics(registration.event, calendar.CANCEL) if held_seat else (),
    )


def event_changed(event: Event, registrations: list[Registration], *, before: str) -> None:
    """Everyone registered (the waiting list too) gets the new time or place with an updated
    calendar entry: the same UID, the event's new (higher) SEQUENCE."""
    notify(
        kind="network_event_changed",
        recipients=[registration.person for registration in registrations],
        context=context(event, before=before),
        event_key=f"event:{event.pk}:changed:{event.sequence}",
        attachments=_ics(event, calendar.REQUEST),
    )


def event_cancelled(event: Event, registrations: list[Registration], *, reason: str) -> None:
    notify(
        kind="network_event_cancelled",
        recipients=[registration.person for registration in registrations],
        context=context(event, reason=reason),
        event_key=f"event:{event.pk}:cancelled",
        attachments=_ics(event, calendar.CANCEL),
    )


def reminder(registration: Registration) -> None:
    notify(
        kind="network_event_reminder",
        recipients=[registration.person],
        context=_registration_context(registration, cancel_url=cancel_url(registration.pk)),
        event_key=f"registration:{registration.pk}:reminder",
    )


def invite_series(first: Event, recipients: Iterable[User]) -> int:
    """One invitation for a whole series (its next occurrence named), not one per date."""
    return len(
        notify(
            kind="network_event_invitation",
            recipients=recipients,
            context=context(first, recurring=True),
            event_key=f"series:{first.series_id}:invited",
        )
    )

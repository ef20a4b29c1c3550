"""Who hears about a request for several items (bookings/services/multi.py), and what the
one e-mail of each step says: the request (to the company), the answer (to the requester, a
copy with the calendar entry to the company when anything is confirmed) and the cancellation
(to the company; to both, with the calendar's cancellation, when anything was confirmed).

The items' own notices are silent during these steps (notices.told_as_group()); an item moved
on its own (cancelled alone, expired) is told as a single booking. Hand-over and return send
nothing, like a single loan's (bookings/notices.py).
"""

from collections.abc import Sequence

from django.conf import settings

from marketplace.models import User
from marketplace.notices import Recipient
from notifications.services import Attachment, notify_organisation

from . import group_calendar
from .details import carry_out_details
from .models import Booking, BookingGroup
from .notices import DATE, _name


def group_url(group: BookingGroup) -> str:
    return f"{settings.SITE_URL}{group.path}"


def when(group: BookingGroup) -> str:
    if group.pickup_on == group.return_on:
        return f"{group.pickup_on:{DATE}}"
    return f"{group.pickup_on:{DATE}} – {group.return_on:{DATE}}"


def _items(bookings: Sequence[Booking]) -> list[dict]:
    return [{"booking_id": b.pk, "title": b.listing.title, "units": b.units} for b in bookings]


def context(group: BookingGroup, bookings: Sequence[Booking], **extra) -> dict:
    """What every group e-mail may show; JSON only."""
    data = {
        "group_id": group.pk,
        "requester_name": group.requester.name,
        "provider_name": group.provider.name,
        "when": when(group),
        "pickup_on": f"{group.pickup_on:{DATE}}",
        "return_on": f"{group.return_on:{DATE}}",
        "purpose": group.purpose,
        "items": _items(bookings),
        "url": group.path,
        "group_url": group_url(group),
    }
    data.update(extra)
    return data


def _calendar(group: BookingGroup, items: Sequence[Booking], method: str):
    def files(recipient: Recipient) -> list[Attachment]:
        return [
            Attachment(filename=file.filename, mimetype=file.mimetype, content=file.content)
            for file in group_calendar.invitations(group, items, recipient=recipient, method=method)
        ]

    return files


def requested(group: BookingGroup, bookings: Sequence[Booking], *, by: User) -> None:
    notify_organisation(
        kind="booking_group_requested",
        organisation=group.provider,
        context=context(group, bookings, actor_name=_name(by), message=group.message),
        event_key=f"bookinggroup:{group.pk}:requested",
    )


def answered(
    group: BookingGroup,
    confirmed: Sequence[Booking],
    declined: Sequence[Booking],
    *,
    by: User,
    message: str,
) -> None:
    details = carry_out_details(confirmed[0]) if confirmed else {}
    extra = {
        "actor_name": _name(by),
        "message": message,
        "confirmed_items": _items(confirmed),
        "declined_items": _items(declined),
        "pickup_address": details.get("pickup_address", ""),
    }
    key = f"bookinggroup:{group.pk}:answered"
    attachments = _calendar(group, confirmed, group_calendar.REQUEST) if confirmed else ()
    everything = [*confirmed, *declined]
    notify_organisation(
        kind="booking_group_answered",
        organisation=group.requester,
        context=context(group, everything, **extra),
        event_key=key,
        attachments=attachments,
    )
    if confirmed:
        notify_organisation(
            kind="booking_group_answered",
            organisation=group.provider,
            context=context(group, everything, copy=True, **extra),
            event_key=key,
            attachments=attachments,
        )


def cancelled(
    group: BookingGroup,
    bookings: Sequence[Booking],
    *,
    by: User,
    reason: str,
    was_confirmed: bool,
) -> None:
    extra = {"actor_name": _name(by), "message": reason}
    key = f"bookinggroup:{group.pk}:cancelled"
    attachments = _calendar(group, bookings, group_calendar.CANCEL) if was_confirmed else ()
    sides = [group.provider, group.requester] if was_confirmed else [group.provider]
    for organisation in sides:
        notify_organisation(
            kind="booking_group_cancelled",
            organisation=organisation,
            context=context(group, bookings, **extra),
            event_key=key,
            attachments=attachments,
        )

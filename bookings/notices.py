"""Who hears about which step of a booking, and what the e-mail says (its context).

Called by bookings.services inside the transaction of the change; notify() writes the outbox
rows there and sends after commit. Each organisation is told through
notifications.services.notify_organisation(): its admins always, its other members unless they
switched the kind off. Event keys name the step once (f"booking:{id}:{state}"), so a repeated
call does not send twice.

`attachments_for()` adds the calendar invitation (.ics, bookings.calendar) to a confirmation
and its cancellation to the cancellation of a confirmed booking: each recipient's own copy.
Everyone who received the invitation receives its cancellation, on both sides.

Reminders (`remind_*`, called by the beat sweeps in services) carry the day in their event key
(f"booking:{id}:remind_start:{date}"), so a sweep that runs twice tells nobody twice.
"""

import contextlib
import contextvars
import copy
import datetime as dt
from collections.abc import Callable, Iterator

from django.conf import settings
from django.utils import timezone

from marketplace.models import Organisation, User
from marketplace.notices import Recipient
from notifications.models import Notification
from notifications.services import Attachment, notify, notify_organisation

from . import calendar, group_calendar
from .details import carry_out_details
from .models import Booking, BookingGroup, BookingKind, BookingMessage, BookingState
from .states import Action, Side

DATE = "%d.%m.%Y"
TIME = "%H:%M"

# Set while a request for several items is made or answered (bookings/services/multi.py): the
# items' own request and transition notices stay silent, the group's one e-mail tells it all.
_told_as_group = contextvars.ContextVar("told_as_group", default=False)


@contextlib.contextmanager
def told_as_group() -> Iterator[None]:
    token = _told_as_group.set(True)
    try:
        yield
    finally:
        _told_as_group.reset(token)


@contextlib.contextmanager
def told_one_by_one() -> Iterator[None]:
    """Inside a group step, a booking that is not one of the group's items is told on its own:
    the waiting list's request made because an item was given back (services/waitlist.py)."""
    token = _told_as_group.set(False)
    try:
        yield
    finally:
        _told_as_group.reset(token)


def booking_url(booking: Booking) -> str:
    return f"{settings.SITE_URL}{booking.path}"


def when(booking: Booking) -> str:
    """The booking's dates as people in Berlin read them."""
    if booking.kind == BookingKind.VOLUNTEER and booking.slot is not None:
        start = timezone.localtime(booking.slot.start)
        end = timezone.localtime(booking.slot.end)
        if start.date() == end.date():
            return f"{start:{DATE}}, {start:{TIME}}–{end:{TIME}}"
        # One way to write a moment whether or not the action ends on another day.
        return f"{start:{DATE}}, {start:{TIME}} – {end:{DATE}}, {end:{TIME}}"
    if booking.kind == BookingKind.EQUIPMENT:
        if booking.return_on == booking.pickup_on:
            return f"{booking.pickup_on:{DATE}}"
        return f"{booking.pickup_on:{DATE}} – {booking.return_on:{DATE}}"
    return f"{timezone.localtime(booking.created_at):{DATE}}"


def context(booking: Booking, **extra) -> dict:
    """What every booking e-mail may show; JSON only (ids, names, texts, URLs)."""
    data = {
        "booking_id": booking.pk,
        "booking_kind": booking.kind,
        "booking_state": booking.state,
        "offer_title": booking.listing.title,
        "requester_name": booking.requester.name,
        "provider_name": booking.provider.name,
        "when": when(booking),
        "booking_url": booking_url(booking),
        "volunteers": booking.volunteers,
        "units": booking.units,
    }
    if booking.kind == BookingKind.EQUIPMENT:
        data.update(
            pickup_on=f"{booking.pickup_on:{DATE}}", return_on=f"{booking.return_on:{DATE}}"
        )
    data.update(extra)
    return data


def attachments_for(
    booking: Booking, kind: str
) -> list[Attachment] | Callable[[Recipient], list[Attachment]]:
    """The calendar invitation for a confirmation; its cancellation when a confirmed booking
    is cancelled (a cancelled request was never in anyone's calendar). Each recipient's own
    copy (they are its ATTENDEE; texts in their language)."""
    if kind == "booking_confirmed":
        method = calendar.REQUEST
    elif kind == "booking_cancelled" and _was_confirmed(booking):
        if booking.group_id is not None and not _invited_alone(booking):
            return _group_entry_updated(booking)
        method = calendar.CANCEL
    else:
        return []
    # The SEQUENCE is counted once for all copies.
    counted = copy.copy(booking)
    counted.event_count = booking.events.count()

    def files(recipient: Recipient) -> list[Attachment]:
        return [
            Attachment(filename=file.filename, mimetype=file.mimetype, content=file.content)
            for file in calendar.invitations(counted, recipient=recipient, method=method)
        ]

    return files


def _invited_alone(booking: Booking) -> bool:
    """Whether the booking's own invitation went out (confirmed by itself, not with its group)."""
    return Notification.objects.filter(
        kind="booking_confirmed", event_key=f"booking:{booking.pk}:{BookingState.CONFIRMED}"
    ).exists()


def _group_entry_updated(booking: Booking) -> Callable[[Recipient], list[Attachment]]:
    """An item confirmed with its group is in people's calendars as part of the group's one
    entry: cancelling it alone updates that entry to the items still standing (or cancels it
    when none is left)."""
    group = BookingGroup.objects.select_related("requester", "provider").get(pk=booking.group_id)
    standing = list(
        Booking.objects.filter(group=group, state__in=GROUP_ENTRY_STATES)
        .select_related("listing__equipment")
        .order_by("listing_id", "id")
    )
    method = group_calendar.REQUEST if standing else group_calendar.CANCEL
    items = standing or [booking]

    def files(recipient: Recipient) -> list[Attachment]:
        return [
            Attachment(filename=file.filename, mimetype=file.mimetype, content=file.content)
            for file in group_calendar.invitations(group, items, recipient=recipient, method=method)
        ]

    return files


GROUP_ENTRY_STATES = [
    BookingState.CONFIRMED,
    BookingState.HANDED_OVER,
    BookingState.OVERDUE,
    BookingState.RETURNED,
]


def _was_confirmed(booking: Booking) -> bool:
    last = booking.events.order_by("-at", "-id").first()
    return last is not None and last.from_state == BookingState.CONFIRMED


def _tell(kind: str, booking: Booking, organisation: Organisation, *, key: str, **extra) -> None:
    notify_organisation(
        kind=kind,
        organisation=organisation,
        context=context(booking, **extra),
        event_key=key,
        attachments=attachments_for(booking, kind),
    )


def _tell_invited(booking: Booking, *, key: str, **extra) -> None:
    """Whoever received the booking's invitation and was not told of its cancellation yet
    (e.g. a member who left an organisation since) gets it too; notify() skips the others."""
    invited = Notification.objects.filter(
        kind="booking_confirmed", event_key=f"booking:{booking.pk}:{BookingState.CONFIRMED}"
    ).values_list("email", "language", "recipient_id")
    recipients = [
        Recipient(email=email, language=language, user_id=user_id)
        for email, language, user_id in invited
    ]
    if recipients:
        notify(
            kind="booking_cancelled",
            recipients=recipients,
            context=context(booking, copy=True, **extra),
            event_key=key,
            attachments=attachments_for(booking, "booking_cancelled"),
        )


def _key(booking: Booking) -> str:
    return f"booking:{booking.pk}:{booking.state}"


def _name(user: User | None) -> str:
    return (user.full_name or user.email) if user is not None else ""


def requested(booking: Booking, *, by: User) -> None:
    """A new request or referral: the company hears of it."""
    if _told_as_group.get():
        return
    _tell(
        "booking_requested",
        booking,
        booking.provider,
        key=_key(booking),
        actor_name=_name(by),
        message=booking.message,
    )


def transitioned(
    booking: Booking, *, action: str, side: Side, by: User | None, message: str
) -> None:
    if _told_as_group.get():
        return
    extra = {"actor_name": _name(by), "message": message}
    key = _key(booking)
    if action == Action.CONFIRM:
        # Everything needed to carry it out, so nobody has to look the offer up again.
        extra.update(carry_out_details(booking))
        _tell("booking_confirmed", booking, booking.requester, key=key, **extra)
        _tell("booking_confirmed", booking, booking.provider, key=key, copy=True, **extra)
    elif action == Action.DECLINE:
        _tell("booking_declined", booking, booking.requester, key=key, **extra)
    elif action == Action.CANCEL:
        other = booking.provider if side == Side.REQUESTER else booking.requester
        own = booking.requester if side == Side.REQUESTER else booking.provider
        _tell("booking_cancelled", booking, other, key=key, **extra)
        if _was_confirmed(booking):
            # The invitation is in both sides' calendars: the cancellation goes to both.
            _tell("booking_cancelled", booking, own, key=key, copy=True, **extra)
            _tell_invited(booking, key=key, **extra)
    elif action == Action.EXPIRE:
        if booking.group_id is not None:
            key, extra = _group_expiry(booking, extra)
        _tell("booking_expired", booking, booking.requester, key=key, **extra)
        _tell("booking_expired", booking, booking.provider, key=key, **extra)
    elif action == Action.COMPLETE:
        _tell(
            "booking_hours_to_confirm",
            booking,
            booking.requester,
            key=key,
            volunteers_given=booking.volunteers_given,
            hours_given=str(booking.hours_given),
            **extra,
        )
    elif action == Action.MARK_LOST:
        _tell("booking_lost", booking, booking.requester, key=key, **extra)
    elif action == Action.MARK_OVERDUE:
        _tell("booking_overdue", booking, booking.requester, key=key, **extra)
        _tell("booking_overdue", booking, booking.provider, key=key, **extra)
    elif action in {Action.INTERVIEW, Action.HIRE, Action.REJECT}:
        _tell("booking_referral_status", booking, booking.requester, key=key, **extra)
    elif action == Action.WITHDRAW:
        _tell("booking_referral_status", booking, booking.provider, key=key, **extra)
    # Hand-over, return and confirmed hours are recorded in the booking's events only.


def _group_expiry(booking: Booking, extra: dict) -> tuple[str, dict]:
    """The items of a request for several items expire together (one expiry moment): the
    first to expire tells of every unanswered item of the group, once per group, so that an
    unanswered request is one e-mail, not one per item."""
    items = (
        Booking.objects.filter(
            group_id=booking.group_id, state__in=[BookingState.REQUESTED, BookingState.EXPIRED]
        )
        .select_related("listing")
        .order_by("listing_id", "id")
    )
    group_items = [{"title": item.listing.title, "units": item.units} for item in items]
    group_url = f"{settings.SITE_URL}{BookingGroup(pk=booking.group_id).path}"
    return f"bookinggroup:{booking.group_id}:expired", {
        **extra,
        "group_items": group_items,
        "group_url": group_url,
        "url": BookingGroup(pk=booking.group_id).path,
        "purpose": booking.purpose,
    }


def message_posted(booking: Booking, *, message: BookingMessage, side: Side) -> None:
    other = booking.provider if side == Side.REQUESTER else booking.requester
    _tell(
        "booking_message",
        booking,
        other,
        key=f"booking:{booking.pk}:message:{message.pk}",
        actor_name=_name(message.author),
        author_organisation=message.organisation.name,
        message=message.body,
    )


# --- reminders (beat sweeps in services) -------------------------------------------------------


def _remind(kind: str, booking: Booking, sides: list[Organisation], *, day: dt.date) -> bool:
    """True if anybody was told now (False when everybody already was, on a second run)."""
    key = f"booking:{booking.pk}:{kind}:{day.isoformat()}"
    details = context(booking, **carry_out_details(booking))
    written = 0
    for organisation in sides:
        written += len(
            notify_organisation(
                kind=kind, organisation=organisation, context=details, event_key=key
            )
        )
    return written > 0


def remind_tomorrow(booking: Booking, *, today: dt.date) -> bool:
    """The day before a volunteer action or a loan's pick-up: both sides. True if anybody
    was reminded now."""
    return _remind("booking_reminder", booking, [booking.requester, booking.provider], day=today)


def remind_due_back(booking: Booking, *, today: dt.date) -> bool:
    """A loan is due back tomorrow: the borrowing organisation. True if it was reminded now."""
    return _remind("booking_due_back", booking, [booking.requester], day=today)


def loan_at_risk(
    booking: Booking, *, later: Booking, unit_numbers: list[int], since: dt.date
) -> None:
    """An overdue loan still has units (`unit_numbers`) that a later loan of the item was
    promised from `since`: the company, which has to sort it out, hears of it (an overdue
    e-mail whose at_risk_* context says what is at risk) once per later loan. The context
    holds data only; the templates word it in each recipient's language."""
    _tell(
        "booking_overdue",
        booking,
        booking.provider,
        key=f"booking:{booking.pk}:at_risk:{later.pk}",
        at_risk_count=len(unit_numbers),
        at_risk_units=", ".join(str(number) for number in unit_numbers),
        at_risk_from=since.strftime(DATE),
        at_risk_requester=later.requester.name,
        at_risk_booking_id=later.pk,
        at_risk_booking_url=booking_url(later),
    )


def loan_lost_for_later(booking: Booking, *, later: Booking, reason: str) -> None:
    """The lender marked an overdue loan lost or out of service: the borrower of a later loan
    that was promised the same units hears of it (its loan may not take place as agreed)."""
    notify_organisation(
        kind="booking_lost",
        organisation=later.requester,
        context=context(later, lost_offer_title=booking.listing.title, message=reason),
        event_key=f"booking:{booking.pk}:lost_for:{later.pk}",
    )

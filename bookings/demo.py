"""Demo bookings for `manage.py seed_demo`: one request for several items (a
"Sammelanfrage"), so that the group's page and the company's answer form can be tried.

- Nachbarschaftshaus am Wassertor asks Spreewerk Design for the projector and four display
  boards for the same days, for an exhibition opening; the request waits for the answer.

Rows are written directly (see seed_demo's docstring: no e-mails), the units held through
listings.capacity like every loan, and the group is found again by (requester, provider,
purpose), so a second run creates nothing. Days that are not free are skipped quietly.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from listings import capacity
from listings.models import Equipment
from marketplace.errors import DomainError

from .models import Booking, BookingEvent, BookingGroup, BookingKind, BookingState

PURPOSE = "Ausstellungseröffnung „Unser Kiez in Bildern“ im Nachbarschaftshaus"
MESSAGE = "Wir holen alles zusammen mit dem Lastenrad ab und bringen es am Freitag zurück."
# (item title, units)
ITEMS = [("Beamer (Full HD) mit Leinwand", 1), ("Stellwände für Ausstellungen", 4)]


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    """The first `weekday` (ISO: 1 Monday) on or after `day`."""
    return day + dt.timedelta(days=(weekday - day.isoweekday()) % 7)


def seed_booking_groups(demo) -> None:
    requester = demo.organisations.get("nachbarschaftshaus-am-wassertor")
    provider = demo.organisations.get("spreewerk-design")
    if requester is None or provider is None:
        return
    if BookingGroup.objects.filter(
        requester=requester, provider=provider, purpose=PURPOSE
    ).exists():
        return
    items = {
        item.title: item
        for item in Equipment.objects.filter(
            organisation=provider, title__in=[title for title, _units in ITEMS]
        )
    }
    if len(items) != len(ITEMS):
        return
    person = requester.memberships.order_by("id").first().user
    # Wednesday to Friday, three weeks on (after the display boards' unavailable days).
    pickup_on = _next_weekday(timezone.localdate() + dt.timedelta(days=21), 3)
    return_on = pickup_on + dt.timedelta(days=2)
    now = timezone.now()
    starts_at = timezone.make_aware(dt.datetime.combine(pickup_on, dt.time.min))
    try:
        with transaction.atomic():
            group = BookingGroup.objects.create(
                requester=requester,
                provider=provider,
                created_by=person,
                message=MESSAGE,
                purpose=PURPOSE,
                pickup_on=pickup_on,
                return_on=return_on,
            )
            locked = {
                pk: capacity.lock_equipment(pk) for pk in sorted(i.pk for i in items.values())
            }
            for title, units in sorted(ITEMS, key=lambda entry: items[entry[0]].pk):
                item = locked[items[title].pk]
                hold_id = capacity.equipment_hold_locked(
                    item, units=units, pickup_on=pickup_on, return_on=return_on
                )
                booking = Booking.objects.create(
                    kind=BookingKind.EQUIPMENT,
                    state=BookingState.REQUESTED,
                    listing=item,
                    requester=requester,
                    provider=provider,
                    group=group,
                    created_by=person,
                    message=MESSAGE,
                    starts_at=starts_at,
                    expires_at=min(now + dt.timedelta(days=5), starts_at),
                    units=units,
                    pickup_on=pickup_on,
                    return_on=return_on,
                    purpose=PURPOSE,
                    deposit=item.deposit or None,
                    hold_id=hold_id,
                )
                BookingEvent.objects.create(
                    booking=booking,
                    action="request",
                    from_state="",
                    to_state=booking.state,
                    by=person,
                    message=MESSAGE,
                )
                demo.count_created(booking, True)
            demo.count_created(group, True)
    except DomainError:
        return  # the days are taken (someone booked in the demo): no group then


SEEDERS = [seed_booking_groups]

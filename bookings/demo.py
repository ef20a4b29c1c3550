"""Demo bookings for `manage.py seed_demo`: one request for several items (a
"Sammelanfrage"), so that the group's page and the company's answer form can be tried, and a
full slot with a waiting list.

- Nachbarschaftshaus am Wassertor asks Spreewerk Design for the projector and four display
  boards for the same days, for an exhibition opening; the request waits for the answer.
- The first "Digitalsprechstunde" of Kanalblick IT (two places) is booked out by the
  Kirchengemeinde (confirmed); the Nachbarschaftshaus and the Grundschule's Förderverein wait on
  its list, in that order.

Rows are written directly (see seed_demo's docstring: no e-mails), the units held through
listings.capacity like every loan; the group is found again by (requester, provider, purpose),
the waiting entries by (slot, organisation), so a second run creates nothing. Days that are not
free are skipped quietly.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from listings import capacity
from listings.models import Equipment, VolunteerAction, VolunteerSlot
from marketplace.errors import DomainError

from .models import (
    Booking,
    BookingEvent,
    BookingGroup,
    BookingKind,
    BookingState,
    WaitlistEntry,
)

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


ACTION = ("kanalblick-it", "Digitalsprechstunde für Seniorinnen und Senioren")
BOOKED_BY = "kirchengemeinde-am-wassertor"
# (organisation slug, task, message): in the order they joined the list.
WAITING = [
    (
        "nachbarschaftshaus-am-wassertor",
        "Zwei Seniorinnen aus dem Erzählcafé möchten Videotelefonie mit den Enkeln lernen.",
        "Wir kommen gern, sobald ein Platz frei wird.",
    ),
    (
        "grundschule-am-wassertorplatz",
        "Großeltern unserer Schulkinder: Fotos vom Tablet verschicken.",
        "",
    ),
]


def _admin(organisation):
    return organisation.memberships.order_by("id").first().user


def seed_waitlist(demo) -> None:
    company = demo.organisations.get(ACTION[0])
    booker = demo.organisations.get(BOOKED_BY)
    if company is None or booker is None:
        return
    action = VolunteerAction.objects.filter(organisation=company, title=ACTION[1]).first()
    slot = action.slots.order_by("start").first() if action else None
    if slot is None or slot.start <= timezone.now():
        return
    person = _admin(booker)
    booking, created = Booking.objects.get_or_create(
        slot=slot,
        requester=booker,
        defaults={
            "kind": BookingKind.VOLUNTEER,
            "state": BookingState.CONFIRMED,
            "listing": action,
            "provider": company,
            "created_by": person,
            "starts_at": slot.start,
            "volunteers": slot.volunteers_available,
            "task": "Seniorinnen und Senioren der Gemeinde an Smartphone und Tablet begleiten.",
            "place": "Gemeindesaal, Wassertorstraße 21",
            "contact_name": person.full_name,
        },
    )
    demo.count_created(booking, created)
    if created:
        VolunteerSlot.objects.filter(pk=slot.pk).update(volunteers_held=F("volunteers_available"))
        for action_name, from_state, to_state in (
            ("request", "", BookingState.REQUESTED),
            ("confirm", BookingState.REQUESTED, BookingState.CONFIRMED),
        ):
            BookingEvent.objects.create(
                booking=booking,
                action=action_name,
                from_state=from_state,
                to_state=to_state,
                by=person if action_name == "request" else _admin(company),
            )
    for slug, task, message in WAITING:
        organisation = demo.organisations.get(slug)
        if organisation is None:
            continue
        waiting = _admin(organisation)
        entry, created = WaitlistEntry.objects.get_or_create(
            slot=slot,
            organisation=organisation,
            defaults={
                "kind": BookingKind.VOLUNTEER,
                "listing": action,
                "created_by": waiting,
                "expires_on": timezone.localdate(slot.start),
                "volunteers": 1,
                "task": task,
                "place": organisation.street or "Wassertorstraße 48",
                "contact_name": waiting.full_name,
                "contact_email": waiting.email,
                "message": message,
            },
        )
        demo.count_created(entry, created)


SEEDERS = [seed_booking_groups, seed_waitlist]

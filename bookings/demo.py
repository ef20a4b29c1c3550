"""Demo bookings for `manage.py seed_demo`: a full slot with a waiting list.

The first "Digitalsprechstunde" of Kanalblick IT (two places) is booked out by the
Kirchengemeinde (confirmed); the Nachbarschaftshaus and the Grundschule's Förderverein wait on
its list, in that order. Rows are written directly (see seed_demo's docstring: no e-mails) and
found again by (slot, organisation), so a second run creates nothing.
"""

from django.db.models import F
from django.utils import timezone

from listings.models import VolunteerAction, VolunteerSlot

from .models import Booking, BookingEvent, BookingKind, BookingState, WaitlistEntry

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


SEEDERS = [seed_waitlist]

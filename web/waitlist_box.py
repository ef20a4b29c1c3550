"""The waiting list on an offer's page: for a social organisation the form to wait for a full
slot (or, after a request refused for lack of units, the same form sent to the waiting list);
for the company how many wait. Used by the booking box (web/booking_box.py) and the waiting
list's POST that re-shows it."""

from django.utils import timezone

from bookings.waitlist_selectors import waiting_by_slot, waiting_counts
from listings.models import ListingKind

from .forms.bookings import EquipmentRequestForm, VolunteerRequestForm, slot_label

# The full slots' form shares the page with the request form: its fields are prefixed.
PREFIX = "warteliste"


def _future_slots(offer):
    now = timezone.now()
    return [slot for slot in offer.slots.all() if slot.start > now]


def waitlist_form(offer, user, organisations, data=None):
    """The waiting list's form for the offer: the request's own fields. Sent from the full
    slots' box its fields carry PREFIX; sent from a refused request form they do not."""
    prefixed = data is None or any(name.startswith(f"{PREFIX}-") for name in data)
    prefix = PREFIX if prefixed else None
    if offer.kind == ListingKind.VOLUNTEER_ACTION:
        slots = _future_slots(offer)
        if data is None:  # shown: only the full ones; parsed: any (the service decides)
            slots = [slot for slot in slots if slot.volunteers_held >= slot.volunteers_available]
        form = VolunteerRequestForm(
            data,
            prefix=prefix,
            organisations=organisations,
            slots=slots,
            initial={
                "volunteers": offer.min_volunteers_per_booking or 1,
                "contact_name": user.full_name,
                "contact_email": user.email,
            },
        )
        form.fields["slot"].choices = [(slot.pk, slot_label(slot)) for slot in slots]
        return form
    if offer.kind == ListingKind.EQUIPMENT:
        return EquipmentRequestForm(data, prefix=prefix, organisations=organisations)
    return None


def waitlist_box_context(offer, user, organisations, *, owner: bool) -> dict:
    """What the booking box shows of the waiting list."""
    if owner:
        if offer.kind == ListingKind.VOLUNTEER_ACTION:
            by_slot = waiting_by_slot(offer.pk)
            return {
                "waiting_count": sum(by_slot.values()),
                "waiting_slots": [
                    (slot_label(slot), by_slot[slot.pk])
                    for slot in _future_slots(offer)
                    if slot.pk in by_slot
                ],
            }
        return {"waiting_count": waiting_counts([offer.pk]).get(offer.pk, 0)}
    if offer.kind != ListingKind.VOLUNTEER_ACTION or not organisations:
        return {}
    form = waitlist_form(offer, user, organisations)
    return {"waitlist_form": form} if form.fields["slot"].choices else {}

"""What the two sides need to carry a confirmed booking out without going back to the offer:
for a loan the pickup address, the hand-over days and hours, the deposit and the lender's
contact person; for a volunteer action the meeting point, the time and the contact person on
each side.

One dict of plain values (JSON: it goes into the notification's context as it is), shown by
the booking's page and by the confirmation and reminder e-mails, each in its reader's language
(weekdays are ISO numbers, named by the `weekday_names` filter).
"""

from listings.handover import hours_text
from listings.models import VolunteerLocation

from .models import Booking, BookingKind


def _address(street: str, postcode: str, city: str) -> str:
    place = " ".join(part for part in (postcode, city) if part)
    return ", ".join(part for part in (street, place) if part)


def carry_out_details(booking: Booking) -> dict:
    """The details of `booking` as plain values; empty for a job referral."""
    if booking.kind == BookingKind.EQUIPMENT:
        item = booking.listing.equipment
        return {
            "pickup_address": _address(item.pickup_street, item.pickup_postcode, item.pickup_city),
            "handover_weekdays": list(item.handover_weekdays),
            "handover_hours": hours_text(item),
            "handover_note": item.handover_note,
            "deposit": None if booking.deposit is None else str(booking.deposit),
            "provider_contact_name": item.contact_name,
            "provider_contact_phone": item.contact_phone,
            "provider_contact_email": booking.provider.contact_email,
        }
    if booking.kind == BookingKind.VOLUNTEER:
        action = booking.listing.volunteeraction
        if action.location_kind == VolunteerLocation.MEETING_POINT:
            meeting_point = _address(
                action.meeting_street, action.meeting_postcode, action.meeting_city
            )
        else:
            meeting_point = booking.place
        return {
            "meeting_point": meeting_point,
            "provider_contact_name": action.contact_name,
            "provider_contact_phone": action.contact_phone,
            "provider_contact_email": booking.provider.contact_email,
            "requester_contact_name": booking.contact_name,
            "requester_contact_phone": booking.contact_phone,
            "requester_contact_email": booking.contact_email,
        }
    return {}

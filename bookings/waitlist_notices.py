"""Who hears that a waiting list moved up, and what the e-mail says (as bookings/notices.py).

The company hears of the new request from the request service itself (booking_requested) and,
when the offer confirms at once, both sides get the usual confirmation with its invitation;
this tells the waiting organisation that its place came free, with the booking's link.
"""

from notifications.services import notify_organisation

from .models import Booking
from .notices import booking_url, context


def placed(booking: Booking, *, confirmed: bool) -> None:
    """A request was made for a waiting-list entry (`confirmed`: and confirmed at once)."""
    notify_organisation(
        kind="booking_waitlist_placed",
        organisation=booking.requester,
        context=context(booking, confirmed=confirmed, url=booking_url(booking)),
        event_key=f"booking:{booking.pk}:waitlist",
    )

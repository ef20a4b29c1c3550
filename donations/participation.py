"""Participation confirmations (Teilnahmebestätigungen) for volunteer actions whose hours the
social organisation has confirmed (until then it would confirm what nobody has confirmed yet).

Giving time or lending equipment is not a tax-deductible donation, so neither ever gets a
receipt; a company that sent volunteers can instead download this confirmation, which says so
in as many words. It is drawn on demand from the booking (not stored or numbered by year):
the booking is the record.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking, BookingKind, BookingState
from bookings.notices import when
from bookings.selectors import bookings_visible_to
from marketplace.errors import Conflict, NotFound
from marketplace.models import User

from .documents import postal_address
from .pdf import ParticipationDocument, render_participation

# A volunteer action is over and its hours are recorded in these states.
COMPLETED = (BookingState.COMPLETED, BookingState.HOURS_CONFIRMED)


def participation_booking(user: User, booking_id: int) -> Booking:
    """The completed volunteer booking, its hours confirmed, that the person may see. Raises
    NotFound (no such booking or not visible) and Conflict (another kind of booking, not
    completed yet, or its hours not yet confirmed by the social organisation)."""
    booking = (
        bookings_visible_to(user)
        .select_related("listing", "requester", "provider", "slot")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("Buchung nicht gefunden."))
    if booking.kind != BookingKind.VOLUNTEER:
        raise Conflict(
            _(
                "Teilnahmebestätigungen gibt es nur für Freiwilligeneinsätze. Für Ausleihen und "
                "Zeitspenden wird keine Zuwendungsbestätigung ausgestellt."
            ),
            code="not_volunteer",
        )
    if booking.state not in COMPLETED or booking.hours_given is None:
        raise Conflict(
            _("Eine Teilnahmebestätigung gibt es, sobald der Einsatz als durchgeführt gilt."),
            code="not_completed",
        )
    if booking.state != BookingState.HOURS_CONFIRMED:
        raise Conflict(
            _(
                "Die Teilnahmebestätigung gibt es, sobald %(organisation)s die geleisteten "
                "Stunden bestätigt hat."
            )
            % {"organisation": booking.requester.name},
            code="hours_not_confirmed",
        )
    return booking


def participation_pdf(booking: Booking) -> bytes:
    confirmed_at = booking.hours_confirmed_at
    return render_participation(
        ParticipationDocument(
            number=f"T-{booking.pk}",
            company_name=booking.provider.name,
            company_address=postal_address(booking.provider),
            organisation_name=booking.requester.name,
            organisation_address=postal_address(booking.requester),
            organisation_city=booking.requester.city,
            action_title=booking.listing.title,
            when=when(booking),
            place=booking.place,
            task=booking.task,
            volunteers=booking.volunteers_given or 0,
            hours=booking.hours_given,
            hours_confirmed_on=timezone.localdate(confirmed_at) if confirmed_at else None,
            issued_on=timezone.localdate(),
        )
    )


def participation_filename(booking: Booking) -> str:
    return f"Teilnahmebestaetigung-T-{booking.pk}.pdf"

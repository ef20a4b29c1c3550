"""The error responses the OpenAPI schema names for the bookings' endpoints (single bookings,
groups of several items, waiting lists): one table, as what a 409 means is the same for all."""

from django.utils.translation import gettext_lazy

from marketplace.api_base import error_responses

BOOKING_ERRORS = {
    400: gettext_lazy('Ungültige Eingabe: {"detail": ...} oder Fehler je Feld.'),
    401: gettext_lazy("Nicht angemeldet."),
    403: gettext_lazy("Sichtbar, aber nicht erlaubt."),
    404: gettext_lazy("Gibt es nicht oder ist für Sie nicht sichtbar."),
    409: gettext_lazy(
        "Widerspricht dem aktuellen Stand (Status, Kapazität, eigenes Angebot, ...); "
        "bei code=busy mit Retry-After."
    ),
}


def booking_errors(*codes: int) -> dict:
    """The schema's error responses of the bookings' endpoints (also groups and waiting lists)."""
    return error_responses(BOOKING_ERRORS, *codes)

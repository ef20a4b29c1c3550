"""Bookings pages (phase 3)."""


def booking_form_context(request, offer) -> dict:
    return {}

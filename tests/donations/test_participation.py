"""Participation confirmations: a completed volunteer action whose hours the social
organisation confirmed gets one, never a donation receipt; equipment loans, unfinished actions
and actions whose hours are not confirmed yet get none.

Given a company's volunteers who completed an action at a social organisation, when either side
downloads the participation confirmation, then it names both, the action, the volunteers and
hours, and says plainly that it is not a Zuwendungsbestätigung.
"""

import pytest

from bookings.models import BookingKind, BookingState
from donations.models import Receipt
from tests.bookings.support import booking_in_state
from tests.bookings.support import make_world as make_booking_world

from .support import pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def bookings_world(db):
    return make_booking_world()


def _url(booking) -> str:
    return f"/api/v1/donations/participation/{booking.pk}.pdf"


def test_a_volunteer_action_with_confirmed_hours_gets_a_participation_confirmation(
    bookings_world, client_for
):
    world = bookings_world
    booking = booking_in_state(world, BookingKind.VOLUNTEER, BookingState.HOURS_CONFIRMED)

    response = client_for(world.company_member).get(_url(booking))

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert f"Teilnahmebestaetigung-T-{booking.pk}.pdf" in response["Content-Disposition"]
    [text] = pdf_pages(response.content)  # one page
    for expected in [
        "Teilnahmebestätigung",
        "Kiezbäckerei Wassertor GmbH",
        "Nachbarschaftshaus am Wassertor e.V. bestätigt, dass Kiezbäckerei Wassertor GmbH an der "
        f"Freiwilligenaktion „{booking.listing.title}“ teilgenommen hat.",
        "Freiwillige im Einsatz: 2",
        "Geleistete Stunden (insgesamt): 12",
        "Aufgabe: Beete umgraben und Hochbeete bauen",
        "Diese Teilnahmebestätigung ist keine Zuwendungsbestätigung (Spendenbescheinigung) im "
        "Sinne des § 10b des Einkommensteuergesetzes",
        "Unentgeltlich geleistete Arbeit (Zeitspenden) und das Verleihen von Gegenständen sind "
        "keine abziehbaren Zuwendungen",
    ]:
        assert expected in text, expected
    assert "Die Stunden hat Nachbarschaftshaus am Wassertor e.V. am " in text
    assert "noch nicht bestätigt" not in text
    # It is never a receipt: nothing is numbered or stored as one.
    assert Receipt.objects.count() == 0


def test_both_sides_and_the_coordinator_download_it_and_nobody_else(bookings_world, client_for):
    world = bookings_world
    booking = booking_in_state(world, BookingKind.VOLUNTEER, BookingState.HOURS_CONFIRMED)

    for person in (world.company_admin, world.social_member, world.coordinator):
        assert client_for(person).get(_url(booking)).status_code == 200, person
    assert client_for(world.outsider).get(_url(booking)).status_code == 404
    assert client_for(None).get(_url(booking)).status_code == 401


@pytest.mark.parametrize(
    ("kind", "state", "code"),
    [
        (BookingKind.VOLUNTEER, BookingState.REQUESTED, "not_completed"),
        (BookingKind.VOLUNTEER, BookingState.CONFIRMED, "not_completed"),
        (BookingKind.VOLUNTEER, BookingState.CANCELLED, "not_completed"),
        # Completed, but the social organisation has not confirmed the hours yet: it would
        # confirm a participation it has not confirmed.
        (BookingKind.VOLUNTEER, BookingState.COMPLETED, "hours_not_confirmed"),
        (BookingKind.EQUIPMENT, BookingState.RETURNED, "not_volunteer"),
        (BookingKind.JOB, BookingState.HIRED, "not_volunteer"),
    ],
)
def test_other_bookings_get_no_confirmation(bookings_world, client_for, kind, state, code):
    world = bookings_world
    booking = booking_in_state(world, kind, state)

    response = client_for(world.company_member).get(_url(booking))

    assert response.status_code == 409
    assert response.json()["code"] == code
    assert "Teilnahmebestätigung" in response.json()["detail"]

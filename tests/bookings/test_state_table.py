"""The state table, pair by pair: for each kind, every state and every action through the API.

Given a booking brought into a state through the services, when a member of the side the table
names takes the action, the booking moves to the table's next state and the move is listed as
an event; when the other side tries it, 403 and nothing changes; when the table has no such
move, 409 with a message and nothing changes (state, events, capacity).
"""

import pytest

from bookings.models import BookingEvent, BookingKind
from bookings.states import PERSON_ACTIONS, TRANSITIONS, Side
from listings.models import EquipmentAllocation, JobOffer, VolunteerSlot

from .support import booking_in_state

BODIES = {
    "cancel": {"reason": "Wir schaffen es leider nicht."},
    "complete": {"volunteers_given": 2, "hours_given": "11.50"},
    "return": {"note": "Alles in Ordnung", "damaged": False},
    "hand-over": {"note": "Ein Kratzer an Bank 2"},
    "mark-lost": {"reason": "Nicht zurückgekommen"},
}

CASES = [
    pytest.param(kind, state, action, id=f"{kind}-{state}-{action}")
    for kind, states in TRANSITIONS.items()
    for state in states
    for action in PERSON_ACTIONS
]


def _capacity(booking) -> tuple:
    """What the booking's offer has given away, as the search reads it."""
    if booking.kind == BookingKind.VOLUNTEER:
        return (VolunteerSlot.objects.get(pk=booking.slot_id).volunteers_held,)
    if booking.kind == BookingKind.EQUIPMENT:
        return (EquipmentAllocation.objects.filter(item_id=booking.listing_id).count(),)
    return (JobOffer.objects.get(pk=booking.listing_id).positions_filled,)


@pytest.mark.parametrize(("kind", "state", "action"), CASES)
def test_every_state_and_action(world, client_for, kind, state, action):
    # A loan picked up today: its hand-over day has come.
    booking = booking_in_state(world, kind, state, pickup_in=0)
    move = TRANSITIONS[kind][state].get(action)
    url = f"/api/v1/bookings/{booking.pk}/{action.replace('_', '-')}/"
    body = BODIES.get(action.replace("_", "-"), {})
    people = {Side.PROVIDER: world.company_member, Side.REQUESTER: world.social_member}
    events_before = BookingEvent.objects.filter(booking=booking).count()
    capacity_before = _capacity(booking)

    if move is None:
        for person in people.values():
            response = client_for(person).post(url, body, format="json")
            assert response.status_code == 409, response.content
            assert response.json()["detail"]
        booking.refresh_from_db()
        assert booking.state == state
        assert BookingEvent.objects.filter(booking=booking).count() == events_before
        assert _capacity(booking) == capacity_before
        return

    for side in {Side.PROVIDER, Side.REQUESTER} - move.sides:
        response = client_for(people[side]).post(url, body, format="json")
        assert response.status_code == 403, response.content
        booking.refresh_from_db()
        assert booking.state == state

    actor = people[Side.REQUESTER if Side.REQUESTER in move.sides else Side.PROVIDER]
    response = client_for(actor).post(url, body, format="json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == move.to
    assert data["events"][-1]["from_state"] == state
    assert data["events"][-1]["to_state"] == move.to
    assert data["events"][-1]["by"]["id"] == actor.pk
    booking.refresh_from_db()
    assert booking.state == move.to
    assert BookingEvent.objects.filter(booking=booking).count() == events_before + 1


@pytest.mark.parametrize("action", PERSON_ACTIONS)
def test_the_coordinator_sees_but_cannot_act(world, client_for, action):
    booking = booking_in_state(world, BookingKind.VOLUNTEER, "requested")
    url = f"/api/v1/bookings/{booking.pk}/{action.replace('_', '-')}/"

    body = BODIES.get(action.replace("_", "-"), {})
    response = client_for(world.coordinator).post(url, body, format="json")

    assert response.status_code in (403, 409)
    booking.refresh_from_db()
    assert booking.state == "requested"


def test_every_action_a_person_takes_has_one_row_for_the_api_and_the_pages(world, client_for):
    # Given the one action table (bookings/actions.py) beside the state table
    from bookings.actions import BOOKING_ACTIONS
    from web.forms.bookings import ACTION_FORMS

    # Then each action a person may take has its row, an endpoint and a form, and no other
    assert set(BOOKING_ACTIONS) == set(PERSON_ACTIONS)
    booking = booking_in_state(world, BookingKind.VOLUNTEER, "requested")
    client = client_for(world.coordinator)
    for spec in BOOKING_ACTIONS.values():
        assert spec.input in ACTION_FORMS
        response = client.post(f"/api/v1/bookings/{booking.pk}/{spec.slug}/", {}, format="json")
        assert response.status_code != 404, spec.slug

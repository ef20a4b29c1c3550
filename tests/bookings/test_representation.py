"""The API writes a booking out by hand (BookingSerializer.to_representation, for speed); what
it writes is exactly what DRF's field-by-field output of the declared fields gives, for every
kind and state, for each side and the coordinator, and for a booking just created."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import serializers

from bookings.models import BookingKind
from bookings.selectors import bookings_for_display
from bookings.serializers import BookingEventSerializer, BookingSerializer
from bookings.states import INITIAL_STATE

from .support import _steps, booking_in_state, item_of, request_equipment

pytestmark = pytest.mark.django_db


def _by_drf(booking) -> dict:
    """DRF's own output of BookingSerializer's declared fields (nested events likewise)."""
    serializer = BookingSerializer()
    data = serializers.Serializer.to_representation(serializer, booking)
    events = getattr(booking, "new_events", None)
    if events is None:
        events = booking.events.all()
    event_output = BookingEventSerializer()
    data["events"] = [
        serializers.Serializer.to_representation(event_output, event) for event in events
    ]
    return data


def _json(data) -> str:
    # What the client receives: the same keys in the same order, the same values.
    return json.dumps(data, cls=DjangoJSONEncoder)


@pytest.mark.parametrize("kind", list(BookingKind))
def test_every_kind_and_state_is_written_as_drf_writes_it(world, kind):
    for state in _steps(world)[kind]:
        booking = booking_in_state(world, kind, state)
        for person in (world.social_member, world.company_admin, world.coordinator):
            shown = bookings_for_display(person).get(pk=booking.pk)
            assert _json(BookingSerializer(shown).data) == _json(_by_drf(shown)), (state, person)


def test_a_booking_just_created_is_written_as_drf_writes_it(world):
    booking = request_equipment(world, item_of(world, deposit=25))

    assert booking.state == INITIAL_STATE[BookingKind.EQUIPMENT]
    assert _json(BookingSerializer(booking).data) == _json(_by_drf(booking))

"""Twenty cancellations at once on a full slot with thirty organisations waiting, over HTTP, on
real PostgreSQL: every freed place goes to the next in line, each exactly once.

Each cancellation serves the waiting list in its own transaction under the slot's row lock, so
the twenty are served one after the other, each seeing the entries the one before placed.
Threads with their own database connections against committed rows (transactional_db).
"""

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from bookings import services
from bookings.models import Booking, BookingState, WaitlistEntry, WaitlistState
from listings.models import VolunteerSlot
from marketplace.models import Role
from tests.factories import SocialOrganisationFactory, member_of

from .support import make_world, request_volunteers, slot_of
from .test_concurrency import OVERPROMISED_SLOTS, _sql, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL: the in-memory SQLite test database takes "
        "shared-cache table locks that fail at once instead of waiting",
    ),
]

PLACES, WAITING = 20, 30


def test_twenty_cancellations_give_each_freed_place_to_the_next_in_line_once(patient_locks):
    world = make_world()
    slot = slot_of(world, places=PLACES)
    bookings = [
        services.booking_confirm(
            booking=request_volunteers(world, slot, 1), by=world.company_member
        )
        for _ in range(PLACES)
    ]
    line = []
    for number in range(WAITING):
        organisation = SocialOrganisationFactory(name=f"Wartende Initiative {number:02d} e.V.")
        line.append(
            services.waitlist_join_volunteers(
                by=member_of(organisation, Role.ADMIN),
                organisation=organisation,
                slot=slot.pk,
                volunteers=1,
                task="Helfen",
                place="Hof",
                contact_name="Frau Berg",
            )
        )
    token = Token.objects.get_or_create(user=world.company_member)[0].key

    counts = race(
        [
            (token, f"/api/v1/bookings/{booking.pk}/cancel/", {"reason": "Umgeplant"})
            for booking in bookings
        ]
    )

    assert counts == {200: PLACES}
    entries = list(WaitlistEntry.objects.order_by("created_at", "id"))
    assert [entry.pk for entry in entries] == [entry.pk for entry in line]
    served, still = entries[:PLACES], entries[PLACES:]
    assert {entry.state for entry in served} == {WaitlistState.OFFERED}
    assert {entry.state for entry in still} == {WaitlistState.WAITING}
    placed = Booking.objects.filter(slot=slot, state=BookingState.REQUESTED)
    assert placed.count() == PLACES
    # Each served entry has its own request, for its own organisation: nothing given twice.
    assert sorted(entry.booking_id for entry in served) == sorted(
        placed.values_list("pk", flat=True)
    )
    assert {entry.booking.requester_id for entry in served} == {
        entry.organisation_id for entry in served
    }
    assert VolunteerSlot.objects.get(pk=slot.pk).volunteers_held == PLACES
    assert _sql(OVERPROMISED_SLOTS) == []

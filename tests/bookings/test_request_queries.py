"""A booking request costs a fixed, small number of SQL statements, whatever the organisations'
size: through the API with token authentication, as clients and benchmarks/booking.py send it.

The test runs inside the test's transaction, so the request's own transaction appears as a
savepoint (SAVEPOINT and RELEASE) where production has BEGIN and COMMIT; the limits below count
the statements besides those.
"""

import pytest
from django.core import mail
from django.db import connection

from bookings.models import Booking, BookingEvent
from listings.models import EquipmentAllocation
from marketplace.models import Role
from notifications.models import Notification
from tests.factories import member_of

from .support import in_days, item_of, slot_of

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
# token, lock, membership, free units, units, the booking with its event (one statement on
# PostgreSQL, marketplace.rows.insert_with_child; two on SQLite), the notifications
BOOKING_STATEMENTS = 7 if connection.vendor == "postgresql" else 8
REFUSED_STATEMENTS = 6
IDEMPOTENT_EXTRA = 2  # claim the key, store the answer


def _statements(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].upper().startswith(TRANSACTION_CONTROL)
    ]


def _loan(item, day: int, world) -> dict:
    return {
        "kind": "equipment",
        "item": item.pk,
        "units": 1,
        "pickup_on": str(in_days(day)),
        "return_on": str(in_days(day)),
        "purpose": "Hoffest",
        "organisation": world.social.pk,
    }


@pytest.fixture
def bigger_world(world):
    # More people on both sides: the statements must not grow with them.
    for n in range(4):
        member_of(world.company, full_name=f"Mitglied {n}")
        member_of(world.social, Role.ADMIN, full_name=f"Admin {n}")
    return world


def test_a_loan_request_takes_at_most_seven_statements(
    bigger_world, client_for, django_assert_max_num_queries
):
    world = bigger_world
    item = item_of(world, quantity=2)
    client = client_for(world.social_member)

    with django_assert_max_num_queries(BOOKING_STATEMENTS + 2) as captured:
        response = client.post("/api/v1/bookings/", _loan(item, 3, world), format="json")

    assert response.status_code == 201, response.content
    assert len(_statements(captured)) <= BOOKING_STATEMENTS, _statements(captured)
    # Nothing is left out to get there: the booking, its event, the units and the e-mails.
    booking = Booking.objects.get(pk=response.json()["id"])
    assert BookingEvent.objects.filter(booking=booking, action="request").count() == 1
    assert EquipmentAllocation.objects.filter(hold_id=booking.hold_id).count() == 1
    assert Notification.objects.filter(event_key=f"booking:{booking.pk}:requested").count() == 6


def test_a_refused_loan_request_takes_at_most_six_statements(
    bigger_world, client_for, django_assert_max_num_queries
):
    world = bigger_world
    item = item_of(world, quantity=1)
    client = client_for(world.social_member)
    assert client.post("/api/v1/bookings/", _loan(item, 3, world), format="json").status_code == 201

    with django_assert_max_num_queries(REFUSED_STATEMENTS + 3) as captured:
        response = client.post("/api/v1/bookings/", _loan(item, 3, world), format="json")

    assert response.status_code == 409, response.content
    assert len(_statements(captured)) <= REFUSED_STATEMENTS, _statements(captured)
    assert Booking.objects.count() == 1


def test_a_volunteer_request_takes_at_most_seven_statements(
    bigger_world, client_for, django_assert_max_num_queries
):
    world = bigger_world
    slot = slot_of(world, places=6)
    client = client_for(world.social_member)
    body = {
        "kind": "volunteer",
        "slot": slot.pk,
        "volunteers": 2,
        "task": "Beete umgraben",
        "place": "Hof, Wassertorstraße 48",
        "contact_name": "Ayşe Yılmaz",
        "organisation": world.social.pk,
    }

    with django_assert_max_num_queries(BOOKING_STATEMENTS + 2) as captured:
        response = client.post("/api/v1/bookings/", body, format="json")

    assert response.status_code == 201, response.content
    assert len(_statements(captured)) <= BOOKING_STATEMENTS, _statements(captured)


def test_with_an_idempotency_key_two_statements_more_and_a_replay_reads_the_answer(
    bigger_world, client_for, django_assert_max_num_queries
):
    world = bigger_world
    item = item_of(world, quantity=2)
    client = client_for(world.social_member)
    body = _loan(item, 3, world)

    with django_assert_max_num_queries(BOOKING_STATEMENTS + IDEMPOTENT_EXTRA + 4) as captured:
        first = client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    assert len(_statements(captured)) <= BOOKING_STATEMENTS + IDEMPOTENT_EXTRA

    with django_assert_max_num_queries(3 + 4) as captured:
        again = client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(_statements(captured)) <= 3  # token, claim, the stored answer
    assert Booking.objects.count() == 1
    assert mail.outbox == []  # queued after commit, which the test's transaction never reaches


def test_a_refused_request_leaves_the_connections_prepared_statements_in_place(
    bigger_world, client_for
):
    # A rollback would make psycopg drop them (marketplace.locking.checked_before_written), and
    # every refusal would parse and plan its statements anew.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: prepared statements (SQLite has none to keep)")
    world = bigger_world
    item = item_of(world, quantity=1)
    client = client_for(world.social_member)
    assert client.post("/api/v1/bookings/", _loan(item, 3, world), format="json").status_code == 201

    answers = [
        client.post("/api/v1/bookings/", _loan(item, 3, world), format="json").status_code
        for _ in range(8)
    ]

    assert answers == [409] * 8
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%listings_equipmentallocation%"],
        )
        assert cursor.fetchone()[0] >= 1  # the free units' statement, prepared and kept
    assert Booking.objects.count() == 1

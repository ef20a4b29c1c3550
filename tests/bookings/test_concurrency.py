"""Fifty requests race for the last place, unit or position, over HTTP, on real PostgreSQL.

Each test first shows that the race is real: with the capacity service's row lock switched off
(and, for equipment, the exclusion constraint dropped) the offer is over-allocated. Then, with
the lock (and the constraint) in place, exactly the capacity is granted, every other request gets
a 409, none a 500, and an SQL check afterwards finds no over-allocation.

Threads with their own database connections against committed rows (transactional_db); each
thread closes its connection at the end.
"""

import contextlib
import itertools
import json
import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bookings import services
from bookings.models import Booking, BookingKind
from listings import capacity
from listings.models import JobOffer, VolunteerSlot
from marketplace.errors import NotFound
from marketplace.models import Role
from marketplace.rows import fetch
from tests.factories import member_of

from .support import (
    booking_in_state,
    in_days,
    item_of,
    job_of,
    make_world,
    refer,
    request_equipment,
    request_volunteers,
    slot_of,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_locks"),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL: the in-memory SQLite test database takes "
        "shared-cache table locks that fail at once instead of waiting",
    ),
]

THREADS = 50
EXCLUSION = "allocation_unit_no_overlap"


class FirstWaitsForSecond:
    """Called by the race's threads (the test's own setup passes freely): the first caller waits
    until a second has come too, so that two requests have read before either can write."""

    def __init__(self):
        self._callers = itertools.count()
        self._second_came = threading.Event()

    def __call__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        if next(self._callers) >= 1:
            self._second_came.set()
        self._second_came.wait(timeout=10)


@contextlib.contextmanager
def capacity_lock_disabled(monkeypatch):
    """listings.capacity reads the offer's row without FOR UPDATE, so concurrent requests see
    the same free capacity: the race the lock prevents, shown whatever the timing.

    A slot's or job's free capacity is in its row: the first request to read it waits until a
    second has read it too. An item's free units are counted by a statement after the row
    (_overlapping): there the first request to count waits until a second has counted. Either
    way two requests have seen the last place, unit or position free before either writes."""
    original, original_row = capacity._lock, capacity._lock_row
    original_overlapping = capacity._overlapping
    row_read, units_counted = FirstWaitsForSecond(), FirstWaitsForSecond()

    def read_without_lock(queryset, *, not_found):
        unlocked = queryset._chain()
        unlocked.query.select_for_update = False
        row = unlocked.first()
        if row is None:
            raise NotFound(not_found)
        row_read()
        return row

    def read_row_without_lock(query, *, not_found):
        # The slots' and items' locks are SQL written once (_lock_row): the same without the
        # row lock at its end.
        sql, params = query
        rows = fetch(sql.split(" FOR UPDATE")[0], params)
        if not rows:
            raise NotFound(not_found)
        row_read()
        return rows[0]

    def count_without_lock(*args, **kwargs):
        rows = original_overlapping(*args, **kwargs)
        units_counted()
        return rows

    with monkeypatch.context() as patch:
        patch.setattr(capacity, "_lock", read_without_lock)
        patch.setattr(capacity, "_lock_row", read_row_without_lock)
        patch.setattr(capacity, "_overlapping", count_without_lock)
        yield
    assert capacity._lock is original
    assert capacity._lock_row is original_row
    assert capacity._overlapping is original_overlapping


@contextlib.contextmanager
def exclusion_constraint_dropped():
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE listings_equipmentallocation DROP CONSTRAINT {EXCLUSION}")
    try:
        yield
    finally:
        # The overlapping rows the race left must go before the constraint can return.
        Booking.objects.filter(kind=BookingKind.EQUIPMENT).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM listings_equipmentallocation")
            cursor.execute(
                f"""ALTER TABLE listings_equipmentallocation ADD CONSTRAINT {EXCLUSION}
                EXCLUDE USING gist (item_id WITH =, unit_number WITH =,
                                    daterange("start", "end", '[)') WITH &&)"""
            )


def race(
    requests: list[tuple[str, str, dict]], headers: dict | None = None, bodies=None
) -> Counter:
    """POST each (token, url, body) from its own thread at once; the status codes counted
    (and the response bodies appended to `bodies` if given)."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(token, url, body):
        content = None
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait(timeout=30)
            response = client.post(url, body, format="json", **(headers or {}))
            status, content = response.status_code, response.content
        except Exception as error:  # a crash in the thread is a failure the test must show
            status = repr(error)
        finally:
            connection.close()
        with lock:
            statuses.append(status)
            if bodies is not None:
                bodies.append(content)

    threads = [threading.Thread(target=run, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(statuses)


def _tokens(world, count: int) -> list[str]:
    people = [world.social_member, world.social_admin] + [
        member_of(world.social, Role.MEMBER) for _ in range(3)
    ]
    keys = [Token.objects.get_or_create(user=person)[0].key for person in people]
    return [keys[n % len(keys)] for n in range(count)]


def _sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


OVERPROMISED_SLOTS = """
    SELECT s.id, s.volunteers_available, SUM(b.volunteers)
    FROM listings_volunteerslot s JOIN bookings_booking b ON b.slot_id = s.id
    WHERE b.state IN ('requested', 'confirmed', 'completed', 'hours_confirmed')
    GROUP BY s.id HAVING SUM(b.volunteers) > s.volunteers_available
       OR SUM(b.volunteers) <> s.volunteers_held
"""

DOUBLE_LENT_UNITS = """
    SELECT a.item_id, a.unit_number FROM listings_equipmentallocation a
    JOIN listings_equipmentallocation b ON a.item_id = b.item_id
     AND a.unit_number = b.unit_number AND a.id < b.id
     AND a.start < b."end" AND b.start < a."end"
"""

UNITS_OVER_QUANTITY = """
    SELECT e.listing_ptr_id FROM listings_equipment e
    WHERE e.quantity < (
        SELECT COALESCE(SUM(b.units), 0) FROM bookings_booking b
        WHERE b.listing_id = e.listing_ptr_id AND b.hold_id IS NOT NULL)
"""

OVERFILLED_JOBS = """
    SELECT j.listing_ptr_id, j.positions, COUNT(b.id) FROM listings_joboffer j
    JOIN bookings_booking b ON b.listing_id = j.listing_ptr_id AND b.state = 'hired'
    GROUP BY j.listing_ptr_id HAVING COUNT(b.id) > j.positions
"""


def _volunteer_race(world) -> tuple[Counter, VolunteerSlot]:
    slot = slot_of(world, places=5)
    booking_in_state(world, BookingKind.VOLUNTEER, "requested")  # another slot, untouched
    request_volunteers(world, slot, volunteers=4)  # one place left
    body = {
        "kind": "volunteer",
        "slot": slot.pk,
        "volunteers": 1,
        "task": "Helfen",
        "place": "Hof",
        "contact_name": "Frau Berg",
    }
    counts = race([(token, "/api/v1/bookings/", body) for token in _tokens(world, THREADS)])
    slot.refresh_from_db()
    return counts, slot


def test_without_the_lock_the_last_volunteer_place_is_promised_many_times(monkeypatch):
    world = make_world()
    with capacity_lock_disabled(monkeypatch):
        counts, _slot = _volunteer_race(world)

    assert counts[201] > 1, counts  # lost updates: every request saw the one free place
    assert _sql(OVERPROMISED_SLOTS)


def test_the_last_volunteer_place_goes_to_exactly_one_of_fifty():
    world = make_world()
    counts, slot = _volunteer_race(world)

    assert counts == {201: 1, 409: THREADS - 1}
    assert slot.volunteers_held == 5
    assert _sql(OVERPROMISED_SLOTS) == []


def _equipment_race(world):
    item = item_of(world, quantity=3)
    request_equipment(world, item, units=2, start=3, days=3)  # one unit left on days 3-5
    body = {
        "kind": "equipment",
        "item": item.pk,
        "units": 1,
        "pickup_on": str(in_days(4)),
        "return_on": str(in_days(4)),
        "purpose": "Fest",
    }
    return race([(token, "/api/v1/bookings/", body) for token in _tokens(world, THREADS)])


def test_without_lock_and_constraint_the_last_unit_is_lent_many_times(monkeypatch):
    world = make_world()
    with exclusion_constraint_dropped(), capacity_lock_disabled(monkeypatch):
        counts = _equipment_race(world)
        assert counts[201] > 1, counts
        assert _sql(DOUBLE_LENT_UNITS)
        assert _sql(UNITS_OVER_QUANTITY)


def test_without_the_lock_the_exclusion_constraint_still_refuses_the_overlap(monkeypatch):
    world = make_world()
    with capacity_lock_disabled(monkeypatch):
        counts = _equipment_race(world)

    assert counts == {201: 1, 409: THREADS - 1}
    assert _sql(DOUBLE_LENT_UNITS) == []


def test_the_last_equipment_unit_goes_to_exactly_one_of_fifty():
    world = make_world()
    counts = _equipment_race(world)

    assert counts == {201: 1, 409: THREADS - 1}
    assert _sql(DOUBLE_LENT_UNITS) == []
    assert _sql(UNITS_OVER_QUANTITY) == []


def _hiring_race(world) -> tuple[Counter, JobOffer]:
    job = job_of(world, positions=3)
    company = Token.objects.get_or_create(user=world.company_member)[0].key
    referrals = []
    for _ in range(THREADS + 2):
        referral = refer(world, job)
        referrals.append(services.referral_interview(booking=referral, by=world.company_member))
    for referral in referrals[:2]:
        services.referral_hire(booking=referral, by=world.company_member)
    counts = race(
        [(company, f"/api/v1/bookings/{referral.pk}/hire/", {}) for referral in referrals[2:]]
    )
    job.refresh_from_db()
    return counts, job


def test_without_the_lock_the_last_position_is_filled_many_times(monkeypatch):
    world = make_world()
    with capacity_lock_disabled(monkeypatch):
        counts, _job = _hiring_race(world)

    assert counts[200] > 1, counts
    assert _sql(OVERFILLED_JOBS)


def test_the_last_position_goes_to_exactly_one_of_fifty_candidates():
    world = make_world()
    counts, job = _hiring_race(world)

    assert counts == {200: 1, 409: THREADS - 1}
    assert job.positions_filled == 3
    assert job.status == "closed"
    assert _sql(OVERFILLED_JOBS) == []


def test_concurrent_requests_with_one_idempotency_key_create_one_booking():
    world = make_world()
    slot = slot_of(world, places=50)
    token = Token.objects.get_or_create(user=world.social_member)[0].key
    body = {
        "kind": "volunteer",
        "slot": slot.pk,
        "volunteers": 1,
        "task": "Helfen",
        "place": "Hof",
        "contact_name": "Frau Berg",
    }
    bodies: list[bytes] = []

    counts = race(
        [(token, "/api/v1/bookings/", body)] * 20,
        headers={"HTTP_IDEMPOTENCY_KEY": "doppelklick-1"},
        bodies=bodies,
    )

    assert counts == {201: 20}
    # Every one got the first response (the same booking, field for field).
    assert len({json.dumps(json.loads(content), sort_keys=True) for content in bodies}) == 1
    assert Booking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.volunteers_held == 1

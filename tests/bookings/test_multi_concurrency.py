"""Fifty requests for several items at once, over HTTP, on real PostgreSQL: the items overlap
from request to request and each request names them in its own order.

Each request locks its items' rows in ascending id (bookings/services/multi.py), so two of them
wait for each other instead of deadlocking. The test first shows that the order matters: with
the items locked in the order each request names them, PostgreSQL has to break deadlocks.
Then, with the fixed order: every answer is a 201 or a 409 (never a 500), PostgreSQL counted
no deadlock, no unit is lent twice on overlapping days, no item beyond its quantity, and every
group holds all of its items or does not exist (nothing half-held).
"""

import time
from collections import Counter

import pytest
from django.db import connection

from bookings.models import Booking, BookingGroup
from bookings.services import multi
from listings import capacity

from .multi_support import items_of
from .support import in_days, make_world
from .test_concurrency import DOUBLE_LENT_UNITS, THREADS, UNITS_OVER_QUANTITY, _sql, _tokens, race

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

QUANTITY = 3


def _deadlocks() -> int:
    # The statistics are flushed when a connection ends (the threads close theirs) and at
    # most a second later otherwise.
    time.sleep(1.5)
    _sql("SELECT pg_stat_clear_snapshot()")
    [(count,)] = _sql("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
    return count


def _requests(items) -> list[list]:
    """Fifty lists of two to four of the items, overlapping, in changing order."""
    a, b, c, d = items
    shapes = [[a, b], [b, a], [b, c, d], [d, c, b], [a, d], [d, a], [a, b, c, d], [d, c, b, a]]
    return [shapes[n % len(shapes)] for n in range(THREADS)]


def _race(world, items) -> tuple[Counter, list[bytes], list[list]]:
    wanted = _requests(items)
    bodies: list[bytes] = []
    requests = [
        (
            token,
            "/api/v1/bookings/",
            {
                "items": [{"item": item.pk, "units": 1} for item in chosen],
                "pickup_on": str(in_days(4)),
                "return_on": str(in_days(5)),
                "purpose": "Kiezfest",
            },
        )
        for token, chosen in zip(_tokens(world, THREADS), wanted, strict=True)
    ]
    return race(requests, bodies=bodies), bodies, wanted


def test_locking_in_the_order_each_request_names_the_items_deadlocks(monkeypatch):
    world = make_world()
    items = items_of(world, 4, quantity=QUANTITY)
    before = _deadlocks()

    def in_named_order(ids):
        # The lock order the service avoids: the request's own, with a moment between locks
        # (as a busy server would have), so that opposite orders meet.
        locked = {}
        for item_id in ids:
            locked[item_id] = capacity.lock_equipment(item_id)
            time.sleep(0.05)
        return locked

    monkeypatch.setattr(multi, "_lock_items", in_named_order)
    counts, _bodies, _wanted = _race(world, items)

    assert 500 not in counts, counts
    assert _deadlocks() > before


def test_fifty_overlapping_multi_item_requests_lend_no_unit_twice_and_never_deadlock():
    world = make_world()
    items = items_of(world, 4, quantity=QUANTITY)
    before = _deadlocks()

    counts, bodies, _wanted = _race(world, items)

    assert set(counts) <= {201, 409}, counts
    assert counts[201] >= 1, counts
    assert _deadlocks() == before
    assert _sql(DOUBLE_LENT_UNITS) == []
    assert _sql(UNITS_OVER_QUANTITY) == []
    # Each item is lent at most QUANTITY times, all items together as often as granted.
    per_item = Counter(Booking.objects.values_list("listing_id", flat=True))
    assert max(per_item.values()) <= QUANTITY
    granted = [body for body in bodies if body and b'"items"' in body]
    assert len(granted) == counts[201] == BookingGroup.objects.count()
    # Nothing half-held: every group has every item it asked for, each with its hold.
    for group in BookingGroup.objects.prefetch_related("bookings"):
        assert all(b.hold_id is not None for b in group.bookings.all())
        assert group.bookings.count() >= 2
    # A refusal names the item that was not free (or asks to try again when busy).
    refusals = [body.decode() for body in bodies if body and b'"items"' not in body]
    assert all("nicht in ausreichender Zahl frei" in r or "busy" in r for r in refusals), refusals[
        :3
    ]

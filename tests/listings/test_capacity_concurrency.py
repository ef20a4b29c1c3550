"""Twenty requests race for the last place, unit or position: exactly one gets it.

Real threads with their own database connections and committed rows (transactional_db), so the
row locks (SELECT ... FOR UPDATE) and constraints do the work, not the test's transaction.
"""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from listings import capacity
from listings.models import EquipmentAllocation, JobOffer, ListingStatus, VolunteerSlot
from marketplace.api_errors import exception_handler
from marketplace.errors import Busy, Conflict
from marketplace.locking import DEADLOCK_DETECTED
from tests.listings.factories import (
    EquipmentAllocationFactory,
    EquipmentFactory,
    JobOfferFactory,
    VolunteerActionFactory,
)

EXCLUSION_VIOLATION = "23P01"

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

THREADS = 20


def race(attempt) -> dict[str, int]:
    """Run `attempt` in THREADS threads at once, each in its own transaction and connection."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                attempt()
            outcome = "granted"
        except Conflict:
            outcome = "refused"
        except Exception as error:  # anything else is a failure the test must show
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def test_the_last_volunteer_place_is_promised_once():
    slot = VolunteerActionFactory(slots=[{"volunteers_available": 3}]).slots.get()
    VolunteerSlot.objects.filter(pk=slot.pk).update(volunteers_held=2)

    counts = race(lambda: capacity.slot_hold(slot_id=slot.pk, volunteers=1))

    assert counts == {"granted": 1, "refused": THREADS - 1}
    slot.refresh_from_db()
    assert slot.volunteers_held == 3


def test_the_last_equipment_unit_is_lent_once():
    item = EquipmentFactory(quantity=2)
    start = timezone.localdate() + dt.timedelta(days=3)
    EquipmentAllocationFactory(item=item, unit_number=1, start=start, end=start + dt.timedelta(2))

    counts = race(
        lambda: capacity.equipment_hold(
            item_id=item.pk, units=1, pickup_on=start, return_on=start + dt.timedelta(days=1)
        )
    )

    assert counts == {"granted": 1, "refused": THREADS - 1}
    assert sorted(
        EquipmentAllocation.objects.filter(item=item).values_list("unit_number", flat=True)
    ) == [1, 2]


def test_the_last_job_position_is_filled_once():
    job = JobOfferFactory(positions=2, positions_filled=1)

    counts = race(lambda: capacity.job_fill_position(job_id=job.pk))

    assert counts == {"granted": 1, "refused": THREADS - 1}
    job = JobOffer.objects.get(pk=job.pk)
    assert (job.positions_filled, job.status) == (2, ListingStatus.CLOSED)


def test_without_the_lock_the_database_still_refuses_a_double_loan():
    """The race the lock prevents, shown against the last line of defence (the exclusion
    constraint): two transactions that both saw unit 1 free cannot both write it.

    PostgreSQL refuses the second writer in one of two ways, by timing: it waits for the first
    and then finds the conflict (23P01 exclusion_violation), or both have written their index
    entries, each waits for the other, and the deadlock detector aborts one (40P01; PostgreSQL's
    documentation warns of this for exclusion constraints). Either way one row is written, and
    the API answers both with 409 (a deadlock is lock contention, marketplace.locking)."""
    item = EquipmentFactory(quantity=1)
    start = timezone.localdate() + dt.timedelta(days=3)
    barrier = threading.Barrier(2)
    outcomes = []

    def naive_hold():
        try:
            with transaction.atomic():
                free = not EquipmentAllocation.objects.filter(item=item).exists()
                barrier.wait(timeout=30)
                if free:
                    EquipmentAllocationFactory(item=item, unit_number=1, start=start)
            outcomes.append("granted")
        except DatabaseError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=naive_hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    refused = [outcome for outcome in outcomes if outcome != "granted"]
    assert len(outcomes) == 2 and len(refused) == 1
    assert refused[0].__cause__.sqlstate in {EXCLUSION_VIOLATION, DEADLOCK_DETECTED}
    assert exception_handler(refused[0], {}).status_code == 409
    assert EquipmentAllocation.objects.filter(item=item).count() == 1


def test_a_lock_held_too_long_is_a_busy_error_not_a_hang(settings):
    settings.LOCK_TIMEOUT_MS = 200
    slot = VolunteerActionFactory().slots.get()
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                VolunteerSlot.objects.select_for_update().get(pk=slot.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with pytest.raises(Busy) as raised, transaction.atomic():
            capacity.slot_hold(slot_id=slot.pk, volunteers=1)
        assert raised.value.retry_after == 1
    finally:
        release.set()
        holder.join(timeout=30)
    slot.refresh_from_db()
    assert slot.volunteers_held == 0

"""The capacity services that bookings use: places, units and positions are never promised
twice, and what the search counts as free is what a booking can take."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from listings import capacity
from listings.models import (
    AllocationKind,
    ClosedReason,
    EquipmentAllocation,
    ListingStatus,
)
from marketplace.errors import Conflict, InvalidInput
from tests.listings.factories import (
    EquipmentAllocationFactory,
    EquipmentFactory,
    JobOfferFactory,
    VolunteerActionFactory,
)

pytestmark = pytest.mark.django_db


def day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


# --- Volunteer slots --------------------------------------------------------------------------


def test_a_slot_promises_places_until_it_is_full():
    slot = VolunteerActionFactory(slots=[{"volunteers_available": 5}]).slots.get()

    with transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=3)
    with pytest.raises(Conflict, match="nur noch 2 Plätze"), transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=3)
    with transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=2)

    slot.refresh_from_db()
    assert (slot.volunteers_held, slot.volunteers_free) == (5, 0)


def test_given_back_places_can_be_promised_again():
    slot = VolunteerActionFactory(slots=[{"volunteers_available": 2}]).slots.get()
    with transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=2)
        capacity.slot_release(slot_id=slot.pk, volunteers=1)
        capacity.slot_hold(slot_id=slot.pk, volunteers=1)
    slot.refresh_from_db()
    assert slot.volunteers_held == 2

    with pytest.raises(Conflict), transaction.atomic():
        capacity.slot_release(slot_id=slot.pk, volunteers=3)
    slot.refresh_from_db()
    assert slot.volunteers_held == 2


def test_a_booking_respects_the_actions_minimum_and_maximum():
    action = VolunteerActionFactory(
        min_volunteers_per_booking=2,
        max_volunteers_per_booking=4,
        slots=[{"volunteers_available": 10}],
    )
    slot = action.slots.get()

    with pytest.raises(InvalidInput, match="mindestens 2"), transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=1)
    with pytest.raises(InvalidInput, match="höchstens 4"), transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=5)
    with transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=4)


def test_a_slot_that_is_over_promises_nothing():
    start = timezone.now() - dt.timedelta(days=2)
    slot = VolunteerActionFactory(
        slots=[{"start": start, "end": start + dt.timedelta(hours=3)}]
    ).slots.get()
    with pytest.raises(Conflict, match="vorbei"), transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=1)


@pytest.mark.django_db(transaction=True)
def test_capacity_changes_refuse_to_run_outside_a_transaction():
    slot = VolunteerActionFactory().slots.get()
    with pytest.raises(RuntimeError, match="atomic"):
        capacity.slot_hold(slot_id=slot.pk, volunteers=1)


@pytest.mark.parametrize("volunteers", [0, -1, True, "2"])
def test_a_hold_needs_a_positive_whole_number(volunteers):
    slot = VolunteerActionFactory().slots.get()
    with pytest.raises(InvalidInput), transaction.atomic():
        capacity.slot_hold(slot_id=slot.pk, volunteers=volunteers)


# --- Equipment --------------------------------------------------------------------------------


def test_a_hold_takes_the_lowest_free_units_and_returns_an_id_to_give_them_back():
    item = EquipmentFactory(quantity=3)
    with transaction.atomic():
        first = capacity.equipment_hold(
            item_id=item.pk, units=1, pickup_on=day(1), return_on=day(2)
        )
        second = capacity.equipment_hold(
            item_id=item.pk, units=2, pickup_on=day(2), return_on=day(3)
        )

    rows = EquipmentAllocation.objects.filter(item=item).order_by("unit_number")
    assert [(r.unit_number, r.hold_id) for r in rows] == [(1, first), (2, second), (3, second)]

    with transaction.atomic():
        assert capacity.equipment_release(hold_id=second) == 2
        assert capacity.equipment_release(hold_id=second) == 0
    assert capacity.equipment_free_units(item, day(2), day(3)) == 2


def test_an_item_is_never_lent_beyond_its_quantity_at_any_instant():
    item = EquipmentFactory(quantity=2)
    with transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(1), return_on=day(2))
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(2), return_on=day(4))

    # Day 2 has both units out, so a loan touching it is refused as a whole.
    with pytest.raises(Conflict, match="nur 0 von 2"), transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(0), return_on=day(2))
    # From day 3 unit 1 is back.
    with transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(3), return_on=day(5))
    assert EquipmentAllocation.objects.filter(item=item).count() == 3


def test_buffer_days_keep_a_unit_back_after_each_loan():
    item = EquipmentFactory(quantity=1, buffer_days=2)
    with transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(1), return_on=day(2))

    # Returned on day 3, in the buffer until day 5.
    assert capacity.equipment_free_units(item, day(4), day(5)) == 0
    with pytest.raises(Conflict), transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(4), return_on=day(5))
    with transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(5), return_on=day(5))
    # A loan must also end early enough for its own buffer before the next one.
    with pytest.raises(Conflict), transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(-3), return_on=day(-1))


def test_unavailable_dates_count_like_loans_of_every_unit():
    item = EquipmentFactory(quantity=2)
    with transaction.atomic():
        item = capacity.lock_equipment(item.pk)
        capacity.block_period_locked(item, start=day(10), end=day(12))

    assert capacity.equipment_free_units(item, day(11), day(12)) == 0
    with pytest.raises(Conflict), transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(11), return_on=day(12))
    # Blocking days on which a unit is lent is refused.
    with transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(1), return_on=day(2))
    with pytest.raises(Conflict, match="schon verliehen"), transaction.atomic():
        item = capacity.lock_equipment(item.pk)
        capacity.block_period_locked(item, start=day(2), end=day(4))


def test_a_loan_longer_than_the_items_limit_is_refused():
    item = EquipmentFactory(max_loan_days=3)
    with pytest.raises(InvalidInput, match="höchstens 3 Tage"), transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(1), return_on=day(4))
    with pytest.raises(InvalidInput), transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=day(5), return_on=day(4))


def test_daily_availability_shows_lent_buffer_and_blocked_days():
    item = EquipmentFactory(quantity=3, buffer_days=1)
    with transaction.atomic():
        capacity.equipment_hold(item_id=item.pk, units=2, pickup_on=day(1), return_on=day(2))
        capacity.block_period_locked(capacity.lock_equipment(item.pk), start=day(5), end=day(6))

    days = capacity.equipment_daily_availability(item, day(0), day(7))

    assert days == [
        (day(0), 3),
        (day(1), 1),
        (day(2), 1),
        (day(3), 1),  # buffer day
        (day(4), 3),
        (day(5), 0),  # unavailable
        (day(6), 3),
    ]


def test_first_free_days_of_several_items_in_one_query(django_assert_num_queries):
    horizon = 30
    # Given items in every state a search card can show
    free_today = EquipmentFactory(quantity=1)
    lent = EquipmentFactory(quantity=1, buffer_days=2)
    blocked = EquipmentFactory(quantity=2)
    partly_lent = EquipmentFactory(quantity=2)
    staggered = EquipmentFactory(quantity=3, max_loan_days=14)
    never_free = EquipmentFactory(quantity=2)
    with transaction.atomic():
        # lent for days 0 to 3, then its two buffer days (stored in the allocation)
        capacity.equipment_hold(item_id=lent.pk, units=1, pickup_on=day(0), return_on=day(3))
        # unavailable days 0 to 4, then lent on days 5 and 6
        capacity.block_period_locked(capacity.lock_equipment(blocked.pk), start=day(0), end=day(5))
        capacity.equipment_hold(item_id=blocked.pk, units=2, pickup_on=day(5), return_on=day(6))
        # one of two units lent: the other is free today
        capacity.equipment_hold(item_id=partly_lent.pk, units=1, pickup_on=day(0), return_on=day(5))
        # three units back on different days: free from the first return
        for back in (9, 4, 7):
            capacity.equipment_hold(
                item_id=staggered.pk, units=1, pickup_on=day(0), return_on=day(back - 1)
            )
        # unavailable beyond the period looked at
        capacity.block_period_locked(
            capacity.lock_equipment(never_free.pk), start=day(-3), end=day(horizon + 5)
        )
    items = [free_today, lent, blocked, partly_lent, staggered, never_free]

    # When their first free days are worked out together
    with django_assert_num_queries(1):
        first_free = capacity.equipment_first_free_days(items, day(0), day(horizon))

    # Then each is the first day with a unit free, and an item never free is left out
    assert first_free == {
        free_today.pk: day(0),
        lent.pk: day(6),
        blocked.pk: day(7),
        partly_lent.pk: day(0),
        staggered.pk: day(4),
    }
    # and each item's days are the same as counted alone
    together = capacity.equipment_daily_availability_of(items, day(0), day(horizon))
    for item in items:
        assert together[item.pk] == capacity.equipment_daily_availability(
            item, day(0), day(horizon)
        )


def test_first_free_days_of_no_items_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert capacity.equipment_first_free_days([], day(0), day(30)) == {}


def test_the_free_count_agrees_with_what_a_hold_can_take():
    item = EquipmentFactory(quantity=4, buffer_days=1)
    EquipmentAllocationFactory(item=item, unit_number=1, start=day(2), end=day(5))
    EquipmentAllocationFactory(item=item, unit_number=2, start=day(4), end=day(8))
    EquipmentAllocationFactory(
        item=item, unit_number=3, start=day(9), end=day(10), kind=AllocationKind.BLOCKED
    )
    # (pickup day, return day)
    loans = [(day(0), day(1)), (day(1), day(3)), (day(5), day(8)), (day(10), day(11))]

    free = [capacity.equipment_free_units(item, pickup, back) for pickup, back in loans]

    assert free == [3, 2, 2, 4]
    for (pickup, back), units in zip(loans, free, strict=True):
        with transaction.atomic():
            capacity.equipment_hold(item_id=item.pk, units=units, pickup_on=pickup, return_on=back)
            with pytest.raises(Conflict):
                capacity.equipment_hold(item_id=item.pk, units=1, pickup_on=pickup, return_on=back)
            transaction.set_rollback(True)


# --- Job positions ----------------------------------------------------------------------------


def test_a_job_closes_itself_when_its_last_position_is_filled():
    job = JobOfferFactory(positions=2)
    with transaction.atomic():
        capacity.job_fill_position(job_id=job.pk)
    job.refresh_from_db()
    assert (job.positions_filled, job.status) == (1, ListingStatus.PUBLISHED)

    with transaction.atomic():
        capacity.job_fill_position(job_id=job.pk)
    job.refresh_from_db()
    assert (job.positions_filled, job.status, job.closed_reason) == (
        2,
        ListingStatus.CLOSED,
        ClosedReason.FILLED,
    )
    assert job.status_changes.last().to_status == ListingStatus.CLOSED

    with pytest.raises(Conflict, match="schon besetzt"), transaction.atomic():
        capacity.job_fill_position(job_id=job.pk)


def test_a_hire_that_falls_through_reopens_a_full_job_before_its_deadline():
    job = JobOfferFactory(positions=1)
    with transaction.atomic():
        capacity.job_fill_position(job_id=job.pk)
        capacity.job_release_position(job_id=job.pk)
    job.refresh_from_db()
    assert (job.positions_filled, job.status, job.closed_reason) == (
        0,
        ListingStatus.PUBLISHED,
        "",
    )
    with pytest.raises(Conflict), transaction.atomic():
        capacity.job_release_position(job_id=job.pk)


def test_a_job_closed_by_hand_stays_closed_when_a_hire_falls_through():
    job = JobOfferFactory(
        positions=2, positions_filled=1, status=ListingStatus.CLOSED, closed_reason="manual"
    )
    with transaction.atomic():
        capacity.job_release_position(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ListingStatus.CLOSED

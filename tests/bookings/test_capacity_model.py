"""Property-based: random sequences of requests, confirmations, declines, cancellations,
hand-overs and returns, compared step by step with a simple in-memory model of the capacity.

The model lends units as listings.capacity promises to: the lowest free unit numbers, each
taken from the first day to the end plus the item's buffer days, never on unavailable days.
After every step the free units per day (what /equipment/{id}/availability/ shows) and the held
places of a slot equal the model's, and every service call succeeded exactly when the model
and the state table said it would.
"""

import datetime as dt
import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bookings import services
from bookings.models import Booking, BookingKind
from bookings.states import HOLDS_CAPACITY, TRANSITIONS, Action, Side
from listings import capacity
from listings.models import VolunteerSlot
from marketplace.errors import Conflict, NotAllowed

from .support import in_days, item_of, make_world, slot_of

pytestmark = pytest.mark.django_db

HORIZON = 16  # days from tomorrow the model looks at
BLOCKED = (9, 11)  # the item is unavailable on days [9, 11) from today

# The same examples on every run (derived from the test's code), so that CI's answer does not
# depend on chance. HYPOTHESIS_SEARCH=1 searches afresh, ten times longer: run it after changing
# the capacity rules or the model.
SEARCH = os.environ.get("HYPOTHESIS_SEARCH") == "1"
RUNS = settings(
    max_examples=400 if SEARCH else 40,
    derandomize=not SEARCH,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class EquipmentModel(RuleBasedStateMachine):
    world = None

    def __init__(self):
        super().__init__()
        self.quantity = 2
        self.buffer = 1
        self.item = item_of(
            self.world, quantity=self.quantity, buffer_days=self.buffer, max_loan_days=5
        )
        with transaction.atomic():
            capacity.block_period_locked(
                capacity.lock_equipment(self.item.pk),
                start=in_days(BLOCKED[0]),
                end=in_days(BLOCKED[1]),
            )
        # unit -> list of (first day, end day exclusive) offsets, loans with their buffer
        self.taken: dict[int, list[tuple[int, int, int | None]]] = {
            unit: [(BLOCKED[0], BLOCKED[1], None)] for unit in range(1, self.quantity + 1)
        }
        # (booking id, state in the model, pickup day offset)
        self.bookings: list[tuple[int, str, int]] = []

    def _free_units(self, start: int, end: int) -> list[int]:
        return [
            unit
            for unit, periods in self.taken.items()
            if all(stop <= start or first >= end for first, stop, _b in periods)
        ]

    # Pickup from today on: a loan picked up today can be handed over, a later one not yet.
    @rule(units=st.integers(1, 2), start=st.integers(0, 12), days=st.integers(1, 4))
    def request(self, units, start, days):
        free = self._free_units(start, start + days + self.buffer)
        try:
            booking = services.booking_request_loan(
                by=self.world.social_member,
                organisation=self.world.social,
                item=self.item.pk,
                units=units,
                pickup_on=in_days(start),
                return_on=in_days(start + days - 1),
                purpose="Fest",
            )
        except Conflict:
            assert len(free) < units, "refused although the model had units free"
            return
        assert len(free) >= units, "granted although the model had no units free"
        for unit in free[:units]:
            self.taken[unit].append((start, start + days + self.buffer, booking.pk))
        self.bookings.append((booking.pk, booking.state, start))

    def _act(self, index, action, call):
        booking_id, state, start = self.bookings[index % len(self.bookings)]
        move = TRANSITIONS[BookingKind.EQUIPMENT][state].get(action)
        if action == Action.HAND_OVER and start > 0:
            move = None  # not before the pickup day
        booking = Booking.objects.get(pk=booking_id)
        try:
            call(booking)
        except Conflict:
            assert move is None, f"{action} refused in {state}"
            return
        assert move is not None, f"{action} allowed in {state}"
        self.bookings[index % len(self.bookings)] = (booking_id, move.to, start)
        if action == Action.RETURN:
            self._returned_today(booking_id)
        elif move.to not in HOLDS_CAPACITY[BookingKind.EQUIPMENT]:
            for unit, periods in self.taken.items():
                self.taken[unit] = [p for p in periods if p[2] != booking_id]

    def _returned_today(self, booking_id: int) -> None:
        """Back today: the units stay taken through the item's buffer days, today the first of
        them (capacity.equipment_hold_shorten), and are free from then on."""
        until = 0 + self.buffer
        for unit, periods in self.taken.items():
            self.taken[unit] = [
                (first, min(stop, until), owner) if owner == booking_id else (first, stop, owner)
                for first, stop, owner in periods
                if owner != booking_id or first < until
            ]

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 50))
    def confirm(self, index):
        self._act(
            index,
            Action.CONFIRM,
            lambda b: services.booking_confirm(booking=b, by=self.world.company_member),
        )

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 50))
    def decline(self, index):
        self._act(
            index,
            Action.DECLINE,
            lambda b: services.booking_decline(booking=b, by=self.world.company_member),
        )

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 50))
    def cancel(self, index):
        self._act(
            index,
            Action.CANCEL,
            lambda b: services.booking_cancel(
                booking=b, by=self.world.social_member, reason="Regen"
            ),
        )

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 50))
    def hand_over(self, index):
        self._act(
            index,
            Action.HAND_OVER,
            lambda b: services.booking_hand_over(booking=b, by=self.world.company_member),
        )

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 50), damaged=st.booleans())
    def give_back(self, index, damaged):
        self._act(
            index,
            Action.RETURN,
            lambda b: services.booking_return(
                booking=b, by=self.world.company_member, damaged=damaged
            ),
        )

    @invariant()
    def free_units_per_day_agree(self):
        days = capacity.equipment_daily_availability(self.item, in_days(1), in_days(1 + HORIZON))
        expected = [
            (in_days(offset), len(self._free_units(offset, offset + 1)))
            for offset in range(1, 1 + HORIZON)
        ]
        assert days == expected


class VolunteerModel(RuleBasedStateMachine):
    world = None

    def __init__(self):
        super().__init__()
        self.slot = slot_of(self.world, places=6)
        self.bookings: list[tuple[int, int, str]] = []  # (id, volunteers, state)

    def _held(self) -> int:
        holding = HOLDS_CAPACITY[BookingKind.VOLUNTEER]
        return sum(n for _id, n, state in self.bookings if state in holding)

    @rule(volunteers=st.integers(1, 4))
    def request(self, volunteers):
        expected = self._held() + volunteers <= 6
        try:
            booking = services.booking_request_volunteers(
                by=self.world.social_member,
                organisation=self.world.social,
                slot=self.slot.pk,
                volunteers=volunteers,
                task="Helfen",
                place="Hof",
                contact_name="Frau Berg",
            )
        except Conflict:
            assert not expected
            return
        assert expected
        self.bookings.append((booking.pk, volunteers, booking.state))

    def _act(self, index, action, call, side=Side.PROVIDER):
        booking_id, volunteers, state = self.bookings[index % len(self.bookings)]
        move = TRANSITIONS[BookingKind.VOLUNTEER][state].get(action)
        allowed = move is not None and side in move.sides
        try:
            call(Booking.objects.get(pk=booking_id))
        except (Conflict, NotAllowed):
            assert not allowed, f"{action} by {side} refused in {state}"
            return
        assert allowed, f"{action} by {side} allowed in {state}"
        self.bookings[index % len(self.bookings)] = (booking_id, volunteers, move.to)

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 50))
    def confirm(self, index):
        self._act(
            index,
            Action.CONFIRM,
            lambda b: services.booking_confirm(booking=b, by=self.world.company_member),
        )

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 50))
    def decline(self, index):
        self._act(
            index,
            Action.DECLINE,
            lambda b: services.booking_decline(booking=b, by=self.world.company_member),
        )

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 50), by_company=st.booleans())
    def cancel(self, index, by_company):
        person = self.world.company_member if by_company else self.world.social_member
        self._act(
            index,
            Action.CANCEL,
            lambda b: services.booking_cancel(booking=b, by=person, reason="Regen"),
            side=Side.PROVIDER if by_company else Side.REQUESTER,
        )

    @invariant()
    def held_places_agree(self):
        assert VolunteerSlot.objects.get(pk=self.slot.pk).volunteers_held == self._held()


def test_equipment_capacity_follows_the_model():
    EquipmentModel.world = make_world()
    run_state_machine_as_test(EquipmentModel, settings=RUNS)


def test_volunteer_places_follow_the_model():
    VolunteerModel.world = make_world()
    run_state_machine_as_test(VolunteerModel, settings=RUNS)


def test_the_model_sees_buffer_days_as_taken():
    # A guard on the model itself: without it every check above could pass vacuously.
    EquipmentModel.world = make_world()
    machine = EquipmentModel()
    machine.request(units=2, start=2, days=2)
    assert machine._free_units(4, 5) == []  # the buffer day after the loan
    assert machine._free_units(5, 6) == [1, 2]
    machine.free_units_per_day_agree()
    assert isinstance(in_days(0), dt.date)


def test_the_model_keeps_a_unit_back_today_taken_today_and_frees_it_tomorrow():
    """The sequence CI's random search once found while the model still freed a returned
    loan's units at once: a unit lent and given back today is not free again today."""
    EquipmentModel.world = make_world()
    model = EquipmentModel()
    model.request(units=1, start=0, days=1)
    model.confirm(index=0)
    model.hand_over(index=0)
    model.give_back(index=0, damaged=False)
    model.free_units_per_day_agree()

    model.request(units=2, start=0, days=1)  # refused: unit 1 is back but taken today
    assert len(model.bookings) == 1
    model.request(units=2, start=1, days=1)  # both free from tomorrow
    assert len(model.bookings) == 2
    model.free_units_per_day_agree()

"""How long a loan keeps its units: past its end while the borrower still has them (overdue:
until they are returned or marked lost), and only for the item's buffer days after an early or
on-time return.

Given a loan handed over, when it is late or comes back, then the free units per day (the
availability endpoint) and the search's free-unit filter (/api/v1/listings/) agree with what
the company has on its shelf, new requests are granted or refused accordingly, and the company
hears when a later loan is promised units that are still out.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from bookings import services, tasks
from bookings.models import Booking
from listings.capacity import UNTIL_RETURNED
from listings.models import EquipmentAllocation
from marketplace.errors import Conflict
from marketplace.models import Role
from tests.factories import SocialOrganisationFactory, member_of

from .support import in_days, item_of, request_equipment

pytestmark = pytest.mark.django_db

AHEAD = 60  # loans "lent in the past" are requested this far ahead, then moved back


# --- given ------------------------------------------------------------------------------------


def lent_out(world, item, *, units: int = 1, since: int, until: int) -> Booking:
    """A loan of `units` picked up on day `since` and due back the day before `until` (counted
    from today), confirmed and handed over. Requests cannot begin in the past, so a loan that
    began before today is requested ahead and then moved back with its allocation (as if
    requested back then), and handed over after that (not before its pickup day)."""
    booking = request_equipment(world, item, units=units, start=AHEAD, days=until - since)
    booking = services.booking_confirm(booking=booking, by=world.company_member)
    Booking.objects.filter(pk=booking.pk).update(
        pickup_on=in_days(since), return_on=in_days(until - 1)
    )
    EquipmentAllocation.objects.filter(hold_id=booking.hold_id).update(
        start=in_days(since), end=in_days(until + item.buffer_days)
    )
    booking.refresh_from_db()
    return services.booking_hand_over(booking=booking, by=world.company_member)


# --- what people see --------------------------------------------------------------------------


def free_per_day(client, item, start: int, until: int) -> list[int]:
    """Free units on each day of [start, until) from today, as the availability endpoint says."""
    response = client.get(
        f"/api/v1/equipment/{item.pk}/availability/",
        {"from": str(in_days(start)), "to": str(in_days(until - 1))},
    )
    assert response.status_code == 200, response.json()
    return [day["free_units"] for day in response.json()["days"]]


def free_in_search(client, item, start: int, until: int) -> int:
    """The most units the search finds the item with for a loan of [start, until)."""
    most = 0
    for quantity in range(1, item.quantity + 1):
        response = client.get(
            "/api/v1/listings/",
            {
                "kind": "equipment",
                "available_from": str(in_days(start)),
                "available_until": str(in_days(until - 1)),  # the return day
                "quantity": quantity,
            },
        )
        assert response.status_code == 200, response.json()
        if item.pk in [row["id"] for row in response.json()["results"]]:
            most = quantity
    return most


def assert_search_agrees(client, item, days: range) -> None:
    """A one-day loan on each day: the search counts what the days of it and of its buffer
    days have free at the least."""
    for day in days:
        lowest = min(free_per_day(client, item, day, day + 1 + item.buffer_days))
        assert free_in_search(client, item, day, day + 1) == lowest, day


def hold_rows(booking: Booking) -> list[tuple[int, dt.date, dt.date]]:
    booking.refresh_from_db()
    rows = EquipmentAllocation.objects.filter(hold_id=booking.hold_id) if booking.hold_id else []
    return sorted((row.unit_number, row.start, row.end) for row in rows)


def emails_to(*people) -> set[str]:
    return {person.email for person in people}


def recipients() -> set[str]:
    return {message.to[0] for message in mail.outbox}


def delivered_to(person, *, about: Booking) -> tuple[str, str]:
    """The plain-text and the HTML part of the one e-mail `person` received that links to
    the booking `about`."""
    [message] = [
        message
        for message in mail.outbox
        if message.to == [person.email] and about.path in message.body
    ]
    [(html, _mimetype)] = message.alternatives
    return message.body, html


def english_day(days: int) -> str:
    """A day as English e-mails write it: "9 Dec 2026"."""
    day = in_days(days)
    return f"{day.day} {day:%b %Y}"


def speaks_english(person) -> None:
    person.language = "en"
    person.save(update_fields=["language"])


# What the German warning about units promised to a later loan says (en: none of it).
GERMAN_WARNING = ("Achtung", "Stück davon", "zugesagt", "Solange", "Zur späteren Ausleihe")


@pytest.fixture
def viewer(world, client_for):
    return client_for(world.outsider)


# --- overdue: the units stay taken ------------------------------------------------------------


def test_an_overdue_loan_keeps_its_units_taken_until_it_is_back(
    world, viewer, django_capture_on_commit_callbacks
):
    item = item_of(world, quantity=3, buffer_days=1)
    loan = lent_out(world, item, units=2, since=-3, until=0)  # due back today
    # Before the sweep the units would count free from tomorrow (today is the buffer day).
    assert free_per_day(viewer, item, 0, 4) == [1, 3, 3, 3]

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.mark_overdue_loans.delay().get() == 1

    loan.refresh_from_db()
    assert loan.state == "overdue"
    # Both sides hear that it is overdue; no later loan is at risk, so no warning.
    assert mail.outbox and not any("Achtung" in message.body for message in mail.outbox)
    # Nobody knows when it comes back: the units stay taken on every day from now on.
    assert free_per_day(viewer, item, 0, 30) == [1] * 30
    assert_search_agrees(viewer, item, range(0, 4))
    for start in (1, 20):
        with pytest.raises(Conflict) as refused:
            request_equipment(world, item, units=2, start=start, days=1)
        assert "überfällig und noch nicht zurückgegeben" in refused.value.message

    services.loan_mark_overdue(today=in_days(1))  # a day later, still not back

    assert free_per_day(viewer, item, 0, 30) == [1] * 30
    assert_search_agrees(viewer, item, range(0, 5))
    loan.refresh_from_db()
    assert loan.state == "overdue" and len(hold_rows(loan)) == loan.units == 2
    assert {end for _unit, _start, end in hold_rows(loan)} == {UNTIL_RETURNED}


def test_an_overdue_loan_comes_back_and_keeps_only_its_buffer_days(world, viewer):
    item = item_of(world, quantity=2, buffer_days=1)
    loan = lent_out(world, item, units=2, since=-4, until=-1)
    # Due back yesterday, and yesterday's run was missed: the units would count free today.
    assert free_per_day(viewer, item, 0, 3) == [2, 2, 2]
    services.loan_mark_overdue()
    assert free_per_day(viewer, item, 0, 3) == [0, 0, 0]

    services.booking_return(booking=loan, by=world.company_member, note="spät, aber heil")

    # Back today: today is the buffer day, tomorrow both units are free again.
    assert free_per_day(viewer, item, 0, 3) == [0, 2, 2]
    assert_search_agrees(viewer, item, range(0, 3))
    assert hold_rows(loan) == [(1, in_days(-4), in_days(1)), (2, in_days(-4), in_days(1))]
    assert request_equipment(world, item, units=2, start=1, days=1).state == "requested"


def test_a_later_loan_promised_the_units_stays_as_it_is_and_the_company_is_told_once(
    world, viewer, django_capture_on_commit_callbacks
):
    item = item_of(world, quantity=2, buffer_days=1)
    loan = lent_out(world, item, units=2, since=-3, until=0)
    other = SocialOrganisationFactory(name="Kinderladen Regenbogen e.V.")
    other_admin = member_of(other, Role.ADMIN)
    later = request_equipment(
        world, item, units=1, start=2, days=2, by=other_admin, organisation=other
    )
    later = services.booking_confirm(booking=later, by=world.company_member)
    mail.outbox.clear()
    speaks_english(world.company_member)

    with django_capture_on_commit_callbacks(execute=True):
        services.loan_mark_overdue()

    # Unit 1 is the later loan's from day 2 to 4 (and its buffer day) and stays so; the late
    # borrower keeps it up to then and again after it, and keeps unit 2 throughout.
    assert hold_rows(later) == [(1, in_days(2), in_days(5))]
    assert hold_rows(loan) == [
        (1, in_days(-3), in_days(2)),
        (1, in_days(5), UNTIL_RETURNED),
        (2, in_days(-3), UNTIL_RETURNED),
    ]
    assert free_per_day(viewer, item, 0, 8) == [0] * 8
    assert_search_agrees(viewer, item, range(0, 6))
    # Only the company hears that the later loan is at risk, and what exactly, each person in
    # their language.
    assert emails_to(world.company_admin, world.company_member) <= recipients()
    assert other_admin.email not in recipients()
    day = in_days(2).strftime("%d.%m.%Y")
    for part in delivered_to(world.company_admin, about=later):
        assert (
            f"Achtung: 1 Stück davon (Nr. 1) ist ab dem {day} für die Ausleihe von "
            "Kinderladen Regenbogen e.V. zugesagt. Solange es nicht zurück ist, kann diese "
            "Ausleihe nicht wie vereinbart stattfinden."
        ) in part
        assert f"/{later.pk}" in part
    for part in delivered_to(world.company_member, about=later):
        assert (
            "Attention: 1 of these units (no. 1) is promised to the loan of Kinderladen "
            f"Regenbogen e.V. from {english_day(2)}. Until it is back, that loan cannot take place "
            "as agreed."
        ) in part
        assert f"/{later.pk}" in part
        assert not [word for word in GERMAN_WARNING if word in part]
    later.refresh_from_db()
    assert later.state == "confirmed"

    # The same run again, and the next days': nothing moves, nobody is told twice.
    before = free_per_day(viewer, item, 0, 8), hold_rows(loan), hold_rows(later)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.loan_mark_overdue()
        services.loan_mark_overdue(today=in_days(1))
        services.loan_mark_overdue(today=in_days(2))
    assert (free_per_day(viewer, item, 0, 8), hold_rows(loan), hold_rows(later)) == before
    assert mail.outbox == []

    # The later loan is cancelled: the next run keeps unit 1 with the late borrower as well.
    services.booking_cancel(booking=later, by=world.company_member, reason="Noch nicht zurück")
    services.loan_mark_overdue(today=in_days(2))
    assert hold_rows(loan) == [(1, in_days(-3), UNTIL_RETURNED), (2, in_days(-3), UNTIL_RETURNED)]


def test_the_company_hears_of_all_units_a_later_loan_was_promised_in_each_persons_language(
    world, django_capture_on_commit_callbacks
):
    item = item_of(world, quantity=2, buffer_days=0)
    lent_out(world, item, units=2, since=-3, until=0)
    other = SocialOrganisationFactory(name="Stadtteilmütter Kreuzberg e.V.")
    later = request_equipment(
        world, item, units=2, start=1, days=2, by=member_of(other, Role.ADMIN), organisation=other
    )
    later = services.booking_confirm(booking=later, by=world.company_member)
    speaks_english(world.company_member)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.loan_mark_overdue(today=in_days(1))  # still out when the later loan begins

    day = in_days(1).strftime("%d.%m.%Y")
    german_text, german_html = delivered_to(world.company_admin, about=later)
    english_text, english_html = delivered_to(world.company_member, about=later)
    assert (
        f"Achtung: 2 Stück davon (Nr. 1, 2) sind ab dem {day} für die Ausleihe von "
        "Stadtteilmütter Kreuzberg e.V. zugesagt. Solange sie nicht zurück sind"
    ) in german_text
    assert f"Zur späteren Ausleihe: {settings.SITE_URL}{later.path}" in german_text
    assert "Achtung: 2 Stück davon (Nr. 1, 2)" in german_html
    assert f'href="{settings.SITE_URL}{later.path}"' in german_html
    assert "Spätere Ausleihe ansehen" in german_html
    assert (
        "Attention: 2 of these units (nos. 1, 2) are promised to the loan of "
        f"Stadtteilmütter Kreuzberg e.V. from {english_day(1)}. Until they are back"
    ) in english_text
    assert f"The later loan: {settings.SITE_URL}{later.path}" in english_text
    assert "Attention: 2 of these units (nos. 1, 2)" in english_html
    assert "View the later loan" in english_html
    for part in (english_text, english_html):
        assert not [word for word in GERMAN_WARNING if word in part]


def test_the_sweep_run_twice_changes_nothing_the_second_time(
    world, viewer, django_capture_on_commit_callbacks
):
    item = item_of(world, quantity=2, buffer_days=2)
    loan = lent_out(world, item, units=1, since=-2, until=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.loan_mark_overdue()
    seen = free_per_day(viewer, item, -1, 5), hold_rows(loan), len(mail.outbox)
    assert seen[0] == [1, 1, 1, 1, 1, 1]

    with django_capture_on_commit_callbacks(execute=True):
        assert services.loan_mark_overdue() == 0

    assert (free_per_day(viewer, item, -1, 5), hold_rows(loan), len(mail.outbox)) == seen


# --- return: the buffer days stay -------------------------------------------------------------


def test_an_early_return_keeps_the_units_for_the_buffer_days_only(world, viewer):
    item = item_of(world, quantity=1, buffer_days=2)
    loan = request_equipment(world, item, units=1, start=0, days=5)
    loan = services.booking_confirm(booking=loan, by=world.company_member)
    loan = services.booking_hand_over(booking=loan, by=world.company_member)
    assert free_per_day(viewer, item, 0, 8) == [0, 0, 0, 0, 0, 0, 0, 1]

    services.booking_return(booking=loan, by=world.company_member, note="alles sauber")

    # Back today, three days early: cleaned and checked today and tomorrow, free after that.
    assert free_per_day(viewer, item, 0, 8) == [0, 0, 1, 1, 1, 1, 1, 1]
    assert_search_agrees(viewer, item, range(0, 6))
    assert hold_rows(loan) == [(1, in_days(0), in_days(2))]  # the booking still names its hold
    with pytest.raises(Conflict):
        request_equipment(world, item, units=1, start=1, days=1)
    assert request_equipment(world, item, units=1, start=2, days=2).state == "requested"


def test_a_return_on_time_keeps_the_hold_as_it_was(world, viewer):
    item = item_of(world, quantity=2, buffer_days=1)
    loan = lent_out(world, item, units=2, since=-3, until=0)  # today is the day to bring it back
    before = hold_rows(loan)

    services.booking_return(booking=loan, by=world.company_member)

    assert hold_rows(loan) == before == [(1, in_days(-3), in_days(1)), (2, in_days(-3), in_days(1))]
    assert free_per_day(viewer, item, 0, 2) == [0, 2]


def test_without_buffer_days_a_return_frees_the_units_from_the_return_day(world, viewer):
    item = item_of(world, quantity=2, buffer_days=0)
    running = lent_out(world, item, units=1, since=-2, until=3)
    starting = request_equipment(world, item, units=1, start=0, days=3)
    starting = services.booking_confirm(booking=starting, by=world.company_member)
    starting = services.booking_hand_over(booking=starting, by=world.company_member)
    assert free_per_day(viewer, item, 0, 4) == [0, 0, 0, 2]

    services.booking_return(booking=running, by=world.company_member)
    services.booking_return(booking=starting, by=world.company_member)

    assert free_per_day(viewer, item, 0, 4) == [2, 2, 2, 2]
    assert_search_agrees(viewer, item, range(0, 4))
    # The loan that began before today keeps its past days under its hold; the one that began
    # today has nothing left and forgets its hold.
    assert hold_rows(running) == [(1, in_days(-2), in_days(0))]
    starting.refresh_from_db()
    assert starting.hold_id is None
    assert EquipmentAllocation.objects.filter(item=item).count() == 1


def test_cancelling_a_confirmed_loan_still_frees_the_whole_hold(world, viewer):
    item = item_of(world, quantity=1, buffer_days=2)
    loan = request_equipment(world, item, units=1, start=1, days=2)
    services.booking_confirm(booking=loan, by=world.company_member)

    services.booking_cancel(booking=loan, by=world.social_member, reason="Fest fällt aus")

    assert free_per_day(viewer, item, 0, 6) == [1, 1, 1, 1, 1, 1]
    loan.refresh_from_db()
    assert loan.hold_id is None

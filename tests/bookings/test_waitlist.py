"""Waiting lists of full slots and items: joining only when full, leaving, expiry, and serving
whenever capacity frees (cancel, decline, expiry, a loan returned early) first come first
served, with the offer's option to confirm at once."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingState, WaitlistEntry, WaitlistState
from bookings.services.waitlist import waitlist_expire_passed
from listings.models import VolunteerSlot
from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.models import Membership, Role
from tests.factories import SocialOrganisationFactory, member_of

from .support import in_days, item_of, request_equipment, request_volunteers, slot_of

S, W = BookingState, WaitlistState


def wait_for_slot(world, slot, volunteers=2, **extra):
    return services.waitlist_join_volunteers(
        by=extra.pop("by", world.social_member),
        organisation=extra.pop("organisation", world.social),
        slot=slot.pk,
        volunteers=volunteers,
        task=extra.pop("task", "Beete umgraben"),
        place=extra.pop("place", "Hof, Wassertorstraße 48"),
        contact_name=extra.pop("contact_name", "Ayşe Yılmaz"),
        **extra,
    )


def wait_for_item(world, item, units=1, start=3, days=2, **extra):
    return services.waitlist_join_loan(
        by=extra.pop("by", world.social_member),
        organisation=extra.pop("organisation", world.social),
        item=item.pk,
        units=units,
        pickup_on=in_days(start),
        return_on=in_days(start + days - 1),
        purpose=extra.pop("purpose", "Sommerfest im Hof"),
        **extra,
    )


def another_social(name="Jugendclub Linse e.V."):
    organisation = SocialOrganisationFactory(name=name)
    return organisation, member_of(organisation, Role.ADMIN)


def full_slot(world, places=2):
    slot = slot_of(world, places=places)
    other, person = another_social("Kita Sonnenblume e.V.")
    booking = request_volunteers(world, slot, places, by=person, organisation=other)
    return slot, booking


def held(slot):
    return VolunteerSlot.objects.get(pk=slot.pk).volunteers_held


# --- joining and leaving ------------------------------------------------------------------------


def test_joining_a_slot_with_room_is_refused_so_people_ask_directly(world):
    slot = slot_of(world, places=5)

    with pytest.raises(Conflict) as refused:
        wait_for_slot(world, slot, 2)

    assert refused.value.code == "room_left"
    assert not WaitlistEntry.objects.exists()
    assert held(slot) == 0


def test_a_full_slot_takes_the_organisation_on_its_waiting_list_once(world):
    slot, _booking = full_slot(world)

    entry = wait_for_slot(world, slot, 1)

    assert entry.state == W.WAITING and entry.slot_id == slot.pk
    assert entry.expires_on == timezone.localdate(slot.start)
    with pytest.raises(Conflict) as again:
        wait_for_slot(world, slot, 1, by=world.social_admin)
    assert again.value.code == "already_waiting"
    assert WaitlistEntry.objects.count() == 1


def test_joining_checks_what_a_request_checks(world):
    slot, _booking = full_slot(world)
    company_slot_outsider = world.outsider

    with pytest.raises(InvalidInput):
        wait_for_slot(world, slot, 1, task="")
    with pytest.raises(InvalidInput):
        wait_for_slot(world, slot, 3)  # more places than the slot has at all
    with pytest.raises(InvalidInput):
        wait_for_slot(world, slot, 0)
    with pytest.raises(Exception):  # noqa: B017 - NotAllowed: not a member of world.social
        wait_for_slot(world, slot, 1, by=company_slot_outsider)
    with pytest.raises(Conflict):
        wait_for_slot(world, slot, 1, by=world.company_admin, organisation=world.company)
    with pytest.raises(InvalidInput):
        services.waitlist_join_volunteers(
            by=world.social_member,
            organisation=world.social,
            slot=999_999,
            volunteers=1,
            task="x",
            place="y",
            contact_name="z",
        )
    assert WaitlistEntry.objects.count() == 0


def test_an_item_waiting_list_is_for_days_that_are_taken(world):
    item = item_of(world, quantity=1)
    request_equipment(world, item, 1, start=3, days=2)
    other, person = another_social()

    with pytest.raises(Conflict) as free:
        wait_for_item(world, item, 1, start=10, by=person, organisation=other)
    assert free.value.code == "room_left"
    with pytest.raises(InvalidInput):
        wait_for_item(world, item, 1, start=-1, by=person, organisation=other)
    with pytest.raises(InvalidInput):
        wait_for_item(world, item, 2, start=3, by=person, organisation=other)  # has only 1

    entry = wait_for_item(world, item, 1, start=4, days=1, by=person, organisation=other)

    assert entry.state == W.WAITING and entry.expires_on == in_days(4)


def test_a_member_leaves_the_list_and_strangers_cannot(world):
    slot, _booking = full_slot(world)
    entry = wait_for_slot(world, slot, 1)

    with pytest.raises(NotFound):
        services.waitlist_leave(entry=entry.pk, by=world.outsider)
    with pytest.raises(NotFound):
        services.waitlist_leave(entry=entry.pk, by=world.company_member)
    left = services.waitlist_leave(entry=entry.pk, by=world.social_admin)

    assert left.state == W.LEFT and left.ended_at is not None
    with pytest.raises(Conflict):
        services.waitlist_leave(entry=entry.pk, by=world.social_admin)


def test_entries_whose_day_has_passed_expire(world):
    slot, _booking = full_slot(world)
    entry = wait_for_slot(world, slot, 1)

    assert waitlist_expire_passed(today=timezone.localdate(slot.start)) == 0
    assert waitlist_expire_passed(today=timezone.localdate(slot.start) + dt.timedelta(days=1)) == 1

    entry.refresh_from_db()
    assert entry.state == W.EXPIRED


# --- serving ------------------------------------------------------------------------------------


def test_a_cancellation_gives_the_place_to_the_first_in_line(
    world, django_capture_on_commit_callbacks
):
    slot, booking = full_slot(world, places=2)
    first = wait_for_slot(world, slot, 2)
    other, person = another_social()
    second = wait_for_slot(world, slot, 2, by=person, organisation=other)
    booking = services.booking_confirm(booking=booking, by=world.company_member)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=world.company_member, reason="Zu wenige Leute")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == W.OFFERED and second.state == W.WAITING
    placed = first.booking
    assert placed.state == S.REQUESTED and placed.requester == world.social
    assert placed.created_by == world.social_member and placed.volunteers == 2
    assert placed.task == "Beete umgraben"
    assert held(slot) == 2
    subjects = {m.subject for m in mail.outbox}
    assert any("Nachgerückt" in s and slot.action.title in s for s in subjects)
    assert any("Neue Anfrage" in s for s in subjects)  # the company's usual notice
    placed_mail = next(m for m in mail.outbox if m.subject.startswith("Nachgerückt"))
    assert f"/buchungen/{placed.pk}/" in placed_mail.body
    told = {m.to[0] for m in mail.outbox if m.subject.startswith("Nachgerückt")}
    assert world.social_admin.email in told and world.company_member.email not in told


def test_an_entry_that_does_not_fit_keeps_its_place_and_a_smaller_one_moves_up(world):
    slot = slot_of(world, places=3)
    other, person = another_social()
    big = request_volunteers(world, slot, 2, by=person, organisation=other)
    request_volunteers(world, slot, 1, by=person, organisation=other)
    wants_three = wait_for_slot(world, slot, 3)
    third, third_person = another_social("Seniorentreff Mitte e.V.")
    wants_two = wait_for_slot(world, slot, 2, by=third_person, organisation=third)

    services.booking_cancel(booking=big, by=person, reason="Doch nicht")

    wants_three.refresh_from_db()
    wants_two.refresh_from_db()
    assert wants_three.state == W.WAITING
    assert wants_two.state == W.OFFERED
    assert held(slot) == 3


def test_a_decline_and_an_expiry_serve_the_list(world):
    slot, booking = full_slot(world, places=2)
    entry = wait_for_slot(world, slot, 2)

    services.booking_decline(booking=booking, by=world.company_member)

    entry.refresh_from_db()
    assert entry.state == W.OFFERED
    other, person = another_social("Familienzentrum e.V.")
    behind = wait_for_slot(world, slot, 2, by=person, organisation=other)
    Booking.objects.filter(pk=entry.booking_id).update(expires_at=timezone.now())

    assert services.booking_expire_unanswered() == 1

    behind.refresh_from_db()
    assert behind.state == W.OFFERED and behind.booking.requester == other


def test_the_offer_can_confirm_whoever_moves_up_at_once(world, django_capture_on_commit_callbacks):
    slot = slot_of(world, places=1, waitlist_confirms=True)
    other, person = another_social()
    booking = request_volunteers(world, slot, 1, by=person, organisation=other)
    entry = wait_for_slot(world, slot, 1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=person, reason="Krank")

    entry.refresh_from_db()
    assert entry.booking.state == S.CONFIRMED
    assert entry.booking.events.filter(action="confirm", by=None).exists()
    subjects = [m.subject for m in mail.outbox]
    assert any("bestätigt" in s and "Nachgerückt" in s for s in subjects)


def test_a_loan_returned_early_frees_its_days_for_the_list(world):
    item = item_of(world, quantity=1)
    booking = request_equipment(world, item, 1, start=0, days=5)
    booking = services.booking_confirm(booking=booking, by=world.company_member)
    booking = services.booking_hand_over(booking=booking, by=world.company_member)
    other, person = another_social()
    entry = wait_for_item(world, item, 1, start=2, days=2, by=person, organisation=other)
    item.refresh_from_db()

    services.booking_return(booking=booking, by=world.company_member)

    entry.refresh_from_db()
    assert entry.state == W.OFFERED
    assert entry.booking.pickup_on == in_days(2) and entry.booking.units == 1


def test_a_person_who_left_the_organisation_is_not_served(world):
    slot, booking = full_slot(world, places=2)
    gone = wait_for_slot(world, slot, 2, by=world.social_member)
    other, person = another_social()
    next_in_line = wait_for_slot(world, slot, 2, by=person, organisation=other)
    Membership.objects.filter(user=world.social_member, organisation=world.social).delete()

    services.booking_decline(booking=booking, by=world.company_member)

    gone.refresh_from_db()
    next_in_line.refresh_from_db()
    assert gone.state == W.ENDED and gone.booking is None
    assert next_in_line.state == W.OFFERED


def test_the_demo_has_a_full_slot_with_a_waiting_list(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # a second run creates nothing

    entries = list(WaitlistEntry.objects.order_by("created_at", "id"))
    assert [entry.organisation.slug for entry in entries] == [
        "nachbarschaftshaus-am-wassertor",
        "grundschule-am-wassertorplatz",
    ]
    slot = entries[0].slot
    assert slot.volunteers_held == slot.volunteers_available
    assert {entry.state for entry in entries} == {W.WAITING}


def test_an_item_declined_in_a_group_answer_moves_the_list_up_with_its_own_e_mails(world):
    # The group's answer tells its items in one e-mail; the waiting list's new request is not
    # one of them, and the company and the waiting organisation must hear of it all the same.
    from .multi_support import items_of, mails, request_group

    beamer, tables = items_of(world, 2, quantity=1)
    group = request_group(world, [beamer, tables], start=3, days=2)
    other, person = another_social()
    entry = wait_for_item(world, beamer, 1, start=3, days=2, by=person, organisation=other)
    (tables_booking,) = group.bookings.filter(listing=tables)

    services.booking_group_answer(group=group, by=world.company_member, confirm={tables_booking.pk})

    entry.refresh_from_db()
    assert entry.state == W.OFFERED and entry.booking.requester == other
    placed = entry.booking
    told_company = [
        n for n in mails("booking_requested") if n.event_key == f"booking:{placed.pk}:requested"
    ]
    assert told_company and {n.organisation_id for n in told_company} == {world.company.pk}
    assert [n.organisation_id for n in mails("booking_waitlist_placed")] == [other.pk]
    assert len(mails("booking_group_answered")) >= 1  # the group's own answer, one e-mail

"""A request for several items of one company: one request, one answer, one e-mail each step,
each item a booking of its own with its own units held (bookings/services/multi.py)."""

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingGroup, BookingState
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from notifications.models import Notification
from tests.factories import CompanyFactory
from tests.listings.factories import EquipmentFactory

from .multi_support import held_units, items_of, mails, request_group
from .support import in_days, item_of, request_equipment

pytestmark = pytest.mark.django_db
S = BookingState


def _states(group) -> dict[str, str]:
    return {b.listing.title: b.state for b in group.bookings.select_related("listing")}


def test_a_request_for_three_items_holds_each_and_tells_the_company_once(world):
    beamer, tables, sound = items_of(world, 3)

    group = request_group(world, [beamer, tables, sound], units=2)

    assert group.bookings.count() == 3
    assert {b.state for b in group.bookings.all()} == {S.REQUESTED}
    assert [held_units(item) for item in (beamer, tables, sound)] == [2, 2, 2]
    mail = mails("booking_group_requested")[0]
    assert mail.organisation_id == world.company.pk
    assert [i["title"] for i in mail.context["items"]] == [
        "Beamer",
        "Biertischgarnitur",
        "Musikanlage",
    ]
    # Only the group's e-mail: no "booking_requested" per item.
    assert not mails("booking_requested")
    recipients = {m.email for m in mails("booking_group_requested")}
    assert recipients == {world.company_admin.email, world.company_member.email}


def test_one_item_not_free_refuses_the_whole_request_naming_it_and_holds_nothing(world):
    beamer, tables = items_of(world, 2)
    request_equipment(world, tables, units=3, start=3, days=2)  # every table taken

    with pytest.raises(Conflict) as refused:
        request_group(world, [beamer, tables], start=4, days=1)

    assert "„Biertischgarnitur“" in refused.value.message
    assert "nicht in ausreichender Zahl frei" in refused.value.message
    assert held_units(beamer) == 0
    assert BookingGroup.objects.count() == 0
    assert Booking.objects.filter(group__isnull=False).count() == 0
    assert not mails("booking_group_requested")


@pytest.mark.parametrize(
    ("items", "field"),
    [
        pytest.param(lambda a, b, other: [(a.pk, 1)], "items", id="one item"),
        pytest.param(lambda a, b, other: [(a.pk, 1), (a.pk, 2)], "items", id="duplicate"),
        pytest.param(lambda a, b, other: [(a.pk, 1), (999_999, 1)], "items", id="unknown"),
        pytest.param(lambda a, b, other: [(a.pk, 1), (other.pk, 1)], "items", id="two companies"),
        pytest.param(lambda a, b, other: [(a.pk, 1), (b.pk, 0)], "units", id="zero units"),
        pytest.param(
            lambda a, b, other: [(a.pk, 1)] + [(n, 1) for n in range(10**6, 10**6 + 20)],
            "items",
            id="too many",
        ),
    ],
)
def test_bad_lists_are_refused_and_change_nothing(world, items, field):
    a, b = items_of(world, 2)
    other = EquipmentFactory(organisation=CompanyFactory())

    with pytest.raises(InvalidInput) as refused:
        services.booking_request_loans(
            by=world.social_member,
            organisation=world.social,
            items=items(a, b, other),
            pickup_on=in_days(3),
            return_on=in_days(4),
            purpose="Fest",
        )

    assert refused.value.field == field
    assert BookingGroup.objects.count() == 0
    assert held_units(a) + held_units(b) + held_units(other) == 0
    assert Notification.objects.count() == 0


def test_only_members_of_an_approved_social_organisation_may_ask(world):
    items = items_of(world, 2)
    with pytest.raises(NotAllowed):
        request_group(world, items, by=world.outsider)
    with pytest.raises(Conflict):
        request_group(world, items, by=world.company_admin, organisation=world.company)
    assert BookingGroup.objects.count() == 0


def test_a_partial_answer_confirms_some_declines_the_rest_in_one_e_mail(world):
    beamer, tables, sound = items_of(world, 3)
    group = request_group(world, [beamer, tables, sound])
    ids = {b.listing_id: b.pk for b in group.bookings.all()}

    services.booking_group_answer(
        group=group,
        by=world.company_member,
        confirm={ids[beamer.pk], ids[sound.pk]},
        message="Die Tische sind schon verliehen.",
    )

    assert _states(group) == {
        "Beamer": S.CONFIRMED,
        "Biertischgarnitur": S.DECLINED,
        "Musikanlage": S.CONFIRMED,
    }
    assert held_units(tables) == 0 and held_units(beamer) == 1
    answers = mails("booking_group_answered")
    to_requester = [m for m in answers if m.organisation_id == world.social.pk]
    assert {m.email for m in to_requester} == {world.social_admin.email, world.social_member.email}
    [first, *_rest] = to_requester
    assert [i["title"] for i in first.context["confirmed_items"]] == ["Beamer", "Musikanlage"]
    assert [i["title"] for i in first.context["declined_items"]] == ["Biertischgarnitur"]
    # The company gets its copy (with the calendar entry); no per-item e-mails.
    assert any(m.organisation_id == world.company.pk for m in answers)
    assert not mails("booking_confirmed") and not mails("booking_declined")


def test_declining_all_and_answering_twice(world):
    group = request_group(world, items_of(world, 2))

    services.booking_group_answer(group=group, by=world.company_admin, confirm=set())

    assert set(_states(group).values()) == {S.DECLINED}
    with pytest.raises(Conflict):
        services.booking_group_answer(group=group, by=world.company_admin, confirm=set())


def test_only_the_company_answers_and_strangers_do_not_see_it(world):
    group = request_group(world, items_of(world, 2))
    with pytest.raises(NotAllowed):
        services.booking_group_answer(group=group, by=world.social_admin, confirm=set())
    with pytest.raises(NotFound):
        services.booking_group_answer(group=group, by=world.outsider, confirm=set())
    with pytest.raises(NotAllowed):
        services.booking_group_answer(group=group, by=world.coordinator, confirm=set())
    assert set(_states(group).values()) == {S.REQUESTED}


def test_a_booking_of_another_group_cannot_be_confirmed_through_this_one(world):
    group = request_group(world, items_of(world, 2))
    other = request_equipment(world, item_of(world))

    with pytest.raises(InvalidInput):
        services.booking_group_answer(group=group, by=world.company_admin, confirm={other.pk})
    assert set(_states(group).values()) == {S.REQUESTED}


def test_hand_over_and_return_all_at_once(world):
    items = items_of(world, 3)
    group = request_group(world, items, start=0, days=2)
    services.booking_group_answer(
        group=group, by=world.company_admin, confirm={b.pk for b in group.bookings.all()}
    )

    services.booking_group_hand_over(group=group, by=world.company_admin, note="Alles heil")
    assert set(_states(group).values()) == {S.HANDED_OVER}

    services.booking_group_return(group=group, by=world.company_admin, note="Zurück")
    assert set(_states(group).values()) == {S.RETURNED}


def test_hand_over_and_return_item_by_item(world):
    beamer, tables = items_of(world, 2)
    group = request_group(world, [beamer, tables], start=0, days=2)
    ids = {b.listing_id: b.pk for b in group.bookings.all()}
    services.booking_group_answer(group=group, by=world.company_admin, confirm=set(ids.values()))

    services.booking_group_hand_over(group=group, by=world.company_admin, bookings={ids[beamer.pk]})
    assert _states(group) == {"Beamer": S.HANDED_OVER, "Biertischgarnitur": S.CONFIRMED}
    # The single booking's own action works for an item of a group too.
    services.booking_hand_over(
        booking=Booking.objects.get(pk=ids[tables.pk]), by=world.company_admin
    )
    services.booking_group_return(group=group, by=world.company_admin, bookings={ids[tables.pk]})
    assert _states(group) == {"Beamer": S.HANDED_OVER, "Biertischgarnitur": S.RETURNED}


def test_hand_over_before_the_pickup_day_is_refused_for_all(world):
    group = request_group(world, items_of(world, 2), start=3)
    services.booking_group_answer(
        group=group, by=world.company_admin, confirm={b.pk for b in group.bookings.all()}
    )
    with pytest.raises(Conflict):
        services.booking_group_hand_over(group=group, by=world.company_admin)
    assert set(_states(group).values()) == {S.CONFIRMED}


def test_a_deposit_answer_is_needed_for_the_items_that_have_one(world):
    beamer = item_of(world, title="Beamer", deposit=50)
    tables = item_of(world, title="Tische")
    group = request_group(world, [beamer, tables], start=0, days=1)
    services.booking_group_answer(
        group=group, by=world.company_admin, confirm={b.pk for b in group.bookings.all()}
    )

    with pytest.raises(InvalidInput) as refused:
        services.booking_group_hand_over(group=group, by=world.company_admin)
    assert "„Beamer“" in refused.value.message
    assert set(_states(group).values()) == {S.CONFIRMED}

    services.booking_group_hand_over(group=group, by=world.company_admin, deposit_received=True)
    assert set(_states(group).values()) == {S.HANDED_OVER}


def test_the_requester_cancels_every_open_item_in_one_e_mail(world):
    items = items_of(world, 3)
    group = request_group(world, items)
    first = group.bookings.order_by("id").first()
    services.booking_group_answer(group=group, by=world.company_admin, confirm={first.pk})

    services.booking_group_cancel(group=group, by=world.social_member, reason="Fest fällt aus")

    assert set(_states(group).values()) == {S.DECLINED, S.CANCELLED}
    assert sum(held_units(item) for item in items) == 0
    cancelled = mails("booking_group_cancelled")
    assert {m.organisation_id for m in cancelled} == {world.company.pk, world.social.pk}
    assert not mails("booking_cancelled")
    with pytest.raises(NotAllowed):
        services.booking_group_cancel(group=group, by=world.company_admin, reason="x")


def test_the_confirmation_carries_one_calendar_entry_for_the_whole_request(world):
    group = request_group(world, items_of(world, 3), units=2)
    services.booking_group_answer(
        group=group, by=world.company_admin, confirm={b.pk for b in group.bookings.all()}
    )
    mail = mails("booking_group_answered")[0]
    [attachment] = mail.attachments.all()
    text = bytes(attachment.content).decode()
    assert text.count("BEGIN:VEVENT") == 1
    assert f"UID:bookinggroup-{group.pk}@" in text
    for title in ("Beamer", "Biertischgarnitur", "Musikanlage"):
        assert title in text


def test_an_unanswered_request_expires_in_one_e_mail_per_person_naming_every_item(world):
    items = items_of(world, 3)
    group = request_group(world, items)
    Booking.objects.filter(group=group).update(expires_at=timezone.now())

    assert services.booking_expire_unanswered() == 3

    assert set(_states(group).values()) == {S.EXPIRED}
    assert sum(held_units(item) for item in items) == 0
    expired = mails("booking_expired")
    people = [world.company_admin, world.company_member, world.social_admin, world.social_member]
    assert sorted(m.email for m in expired) == sorted(p.email for p in people)
    titles = [i["title"] for i in expired[0].context["group_items"]]
    assert titles == ["Beamer", "Biertischgarnitur", "Musikanlage"]


def test_cancelling_one_confirmed_item_updates_the_groups_calendar_entry(world):
    beamer, tables, sound = items_of(world, 3)
    group = request_group(world, [beamer, tables, sound])
    services.booking_group_answer(
        group=group, by=world.company_admin, confirm={b.pk for b in group.bookings.all()}
    )
    tables_booking = group.bookings.get(listing=tables)

    services.booking_cancel(booking=tables_booking, by=world.social_member, reason="Zu groß")

    [mail, *_] = mails("booking_cancelled")
    [attachment] = mail.attachments.all()
    assert attachment.filename == "sammelanfrage.ics"
    text = bytes(attachment.content).decode()
    assert "METHOD:REQUEST" in text and f"UID:bookinggroup-{group.pk}@" in text
    assert "Beamer" in text and "Musikanlage" in text
    assert "Biertischgarnitur" not in text

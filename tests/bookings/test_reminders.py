"""Reminders from the beat: the day before a volunteer action or a pick-up (both sides), and
the day before a loan is due back (the borrower). Overdue loans are told by the overdue
marking (tests/bookings/test_sweeps.py).

Given confirmed bookings at various dates, when the sweep runs (twice, as beat may), then the
right people get one reminder each and nobody else hears anything.
"""

import pytest
from django.conf import settings
from django.core import mail

from bookings import services, tasks
from bookings.models import Booking

from .calendar_support import slot_at
from .support import in_days, item_of, request_equipment, request_volunteers

pytestmark = pytest.mark.django_db


def _everyone(world) -> set[str]:
    return {
        world.social_admin.email,
        world.social_member.email,
        world.company_admin.email,
        world.company_member.email,
    }


def _sweep(capture, today=None) -> int:
    with capture(execute=True):
        return services.booking_remind_upcoming(today=today)


def _confirmed(world, booking) -> Booking:
    return services.booking_confirm(booking=booking, by=world.company_member)


def test_both_sides_are_reminded_once_the_day_before_a_volunteer_action(
    world, django_capture_on_commit_callbacks
):
    tomorrow = _confirmed(world, request_volunteers(world, slot_at(world, days=1, hour=23)))
    _confirmed(world, request_volunteers(world, slot_at(world, days=2, hour=0, minute=30)))
    request_volunteers(world, slot_at(world, days=1, hour=10))  # not confirmed
    mail.outbox.clear()

    first = _sweep(django_capture_on_commit_callbacks)
    second = _sweep(django_capture_on_commit_callbacks)

    # The task reports what it did: the second run reminded nobody.
    assert (first, second) == (1, 0)
    assert sorted(email.to[0] for email in mail.outbox) == sorted(_everyone(world))
    for email in mail.outbox:
        assert email.subject == "Morgen: Freiwilligeneinsatz „Hochbeete bauen im Hof“"
        assert f"/buchungen/{tomorrow.pk}/" in email.body


def test_both_sides_are_reminded_the_day_before_a_pick_up(
    world, django_capture_on_commit_callbacks
):
    item = item_of(world, title="Beamer")
    _confirmed(world, request_equipment(world, item, start=1, days=3))
    _confirmed(world, request_equipment(world, item, start=2, days=1))
    mail.outbox.clear()

    first = _sweep(django_capture_on_commit_callbacks)
    second = _sweep(django_capture_on_commit_callbacks)

    assert (first, second) == (1, 0)
    assert sorted(email.to[0] for email in mail.outbox) == sorted(_everyone(world))
    assert {email.subject for email in mail.outbox} == {"Morgen: Abholung „Beamer“"}


def test_the_borrower_is_reminded_the_day_before_a_loan_is_due_back(
    world, django_capture_on_commit_callbacks
):
    item = item_of(world, title="Biertischgarnitur")
    due = request_equipment(world, item, start=1, days=2)
    later = request_equipment(world, item, start=1, days=5)
    # Both were picked up yesterday; `due` ends tomorrow (its last day), `later` after.
    Booking.objects.filter(pk=due.pk).update(pickup_on=in_days(-1), return_on=in_days(1))
    Booking.objects.filter(pk=later.pk).update(pickup_on=in_days(-1), return_on=in_days(3))
    for booking in (due, later):
        booking.refresh_from_db()
        services.booking_hand_over(booking=_confirmed(world, booking), by=world.company_member)
    mail.outbox.clear()

    first = _sweep(django_capture_on_commit_callbacks)
    second = _sweep(django_capture_on_commit_callbacks)

    assert (first, second) == (1, 0)
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [world.social_admin.email, world.social_member.email]
    )
    for email in mail.outbox:
        assert email.subject == "Morgen zurückgeben: „Biertischgarnitur“"
        assert f"/buchungen/{due.pk}/" in email.body


def test_the_next_day_brings_the_next_days_reminders_only(
    world, django_capture_on_commit_callbacks
):
    _confirmed(world, request_volunteers(world, slot_at(world, days=2, hour=9)))
    mail.outbox.clear()

    today = _sweep(django_capture_on_commit_callbacks)
    tomorrow = _sweep(django_capture_on_commit_callbacks, today=in_days(1))
    day_after = _sweep(django_capture_on_commit_callbacks, today=in_days(2))

    assert (today, tomorrow, day_after) == (0, 1, 0)
    assert len(mail.outbox) == 4


def test_a_person_who_switched_reminders_off_is_not_reminded_unless_admin(
    world, django_capture_on_commit_callbacks
):
    from notifications.models import NotificationOptOut

    NotificationOptOut.objects.create(user=world.social_member, kind="booking_reminder")
    NotificationOptOut.objects.create(user=world.company_admin, kind="booking_reminder")
    _confirmed(world, request_volunteers(world, slot_at(world, days=1, hour=9)))
    mail.outbox.clear()

    _sweep(django_capture_on_commit_callbacks)

    assert {email.to[0] for email in mail.outbox} == _everyone(world) - {world.social_member.email}


def test_the_beat_task_is_scheduled_in_the_daytime_and_runs(
    world, django_capture_on_commit_callbacks
):
    entry = settings.CELERY_BEAT_SCHEDULE["bookings-remind-upcoming"]
    assert entry["task"] == "bookings.tasks.remind_upcoming"
    assert entry["schedule"].hour == set(range(8, 21))
    _confirmed(world, request_volunteers(world, slot_at(world, days=1, hour=9)))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_upcoming.delay()

    assert len(mail.outbox) == 4


def test_each_person_is_reminded_in_their_language(world, django_capture_on_commit_callbacks):
    world.social_member.language = "en"
    world.social_member.save(update_fields=["language"])
    _confirmed(world, request_volunteers(world, slot_at(world, days=1, hour=9)))
    mail.outbox.clear()

    _sweep(django_capture_on_commit_callbacks)

    subjects = {email.to[0]: email.subject for email in mail.outbox}
    assert subjects[world.social_member.email] == (
        "Tomorrow: volunteer action “Hochbeete bauen im Hof”"
    )
    assert subjects[world.social_admin.email] == (
        "Morgen: Freiwilligeneinsatz „Hochbeete bauen im Hof“"
    )
    english = next(e for e in mail.outbox if e.to[0] == world.social_member.email)
    assert english.body.startswith("Hello ")
    assert "A reminder: tomorrow is the volunteer action" in english.body

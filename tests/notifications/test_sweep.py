"""The periodic sweep: what a lost task or a dead worker left behind is queued again."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from marketplace.celery import app
from notifications.models import Notification, NotificationStatus
from notifications.tasks import notifications_sweep

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stuck_after(settings):
    settings.NOTIFICATIONS_STUCK_AFTER_SECONDS = 120
    return timedelta(seconds=120)


def _row(status, *, age=timedelta(0), next_attempt_in=None, **fields):
    row = NotificationFactory(kind="mail_test", status=status, **fields)
    now = timezone.now()
    Notification.objects.filter(pk=row.pk).update(
        updated_at=now - age,
        next_attempt_at=None if next_attempt_in is None else now + next_attempt_in,
    )
    return row


def _sweep(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return notifications_sweep()


def test_stuck_rows_and_due_retries_are_sent(stuck_after, django_capture_on_commit_callbacks):
    lost_task = _row(NotificationStatus.QUEUED, age=stuck_after * 2)
    dead_worker = _row(NotificationStatus.SENDING, age=stuck_after * 2, attempts=1)
    retry_due = _row(NotificationStatus.RETRY, next_attempt_in=-timedelta(seconds=1), attempts=1)

    assert _sweep(django_capture_on_commit_callbacks) == 3

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        r.email for r in (lost_task, dead_worker, retry_due)
    )
    for row in (lost_task, dead_worker, retry_due):
        row.refresh_from_db()
        assert row.status == NotificationStatus.SENT
    assert (dead_worker.attempts, retry_due.attempts) == (2, 2)


def test_a_row_left_in_sending_is_queued_with_a_note_for_the_coordinator(
    stuck_after, django_capture_on_commit_callbacks
):
    dead_worker = _row(NotificationStatus.SENDING, age=stuck_after * 2, attempts=1)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications_sweep()

    dead_worker.refresh_from_db()
    assert dead_worker.status == NotificationStatus.QUEUED
    assert dead_worker.last_error.startswith("Versand unterbrochen")
    assert len(callbacks) == 1


def test_fresh_waiting_and_final_rows_are_left_alone(
    stuck_after, django_capture_on_commit_callbacks
):
    rows = [
        _row(NotificationStatus.QUEUED, age=stuck_after / 2),
        _row(NotificationStatus.SENDING, age=stuck_after / 2),
        _row(NotificationStatus.RETRY, next_attempt_in=timedelta(minutes=5)),
        _row(NotificationStatus.SENT, age=stuck_after * 10),
        _row(NotificationStatus.FAILED, age=stuck_after * 10),
    ]

    assert _sweep(django_capture_on_commit_callbacks) == 0

    assert mail.outbox == []
    assert [Notification.objects.get(pk=r.pk).status for r in rows] == [r.status for r in rows]


def test_a_row_queued_again_is_not_queued_again_by_the_next_sweep(
    stuck_after, django_capture_on_commit_callbacks
):
    _row(NotificationStatus.QUEUED, age=stuck_after * 2)
    with django_capture_on_commit_callbacks(execute=False) as first:
        notifications_sweep()
    with django_capture_on_commit_callbacks(execute=False) as second:
        notifications_sweep()

    assert (len(first), len(second)) == (1, 0)


def test_beat_runs_the_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-sweep"]

    assert entry["task"] in app.tasks
    assert entry["schedule"] > 0

"""The sender against a real SMTP server (aiosmtpd in this process): delivery, passing and final
failures, retries with backoff, and what a second task for the same row does.

Tasks run in this process here (eager); tests/notifications/test_worker.py runs them on a real
Celery worker.
"""

import socket
import threading
import time
from contextlib import closing
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.sending import notification_send, notifications_send
from notifications.services import Recipient, notify
from notifications.tasks import notifications_sweep
from tests.factories import UserFactory
from tests.support.redis_server import unused_tcp_port

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = 2
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60.0
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 600.0

    def point_at(host: str, port: int):
        settings.EMAIL_HOST, settings.EMAIL_PORT = host, port

    return point_at


@pytest.fixture
def mail_to(smtp_settings, smtp_server):
    smtp_settings(smtp_server.host, smtp_server.port)
    return smtp_server


def _queued(*people, kind="mail_test") -> list[Notification]:
    """Rows as notify() writes them, without sending (their on-commit hook never runs)."""
    recipients = [p if isinstance(p, Recipient) else Recipient.of(p) for p in people]
    return notify(kind=kind, recipients=recipients, context={}, event_key="event:1")


def _reload(notification: Notification) -> Notification:
    notification.refresh_from_db()
    return notification


def test_a_notification_is_delivered_over_smtp_with_its_message_id(mail_to):
    person = UserFactory(email="ada@example.org", language="en", full_name="Ada Kiez")
    [row] = _queued(person)

    assert notification_send(notification_id=row.pk).status == "sent"

    [received] = mail_to.wait_for(1)
    assert received.envelope_to == ["ada@example.org"]
    message = received.message
    assert message["To"] == "ada@example.org"
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == "Test e-mail from Kiezmarkt"
    assert message.get_body(("plain",)).get_content().startswith("Hello Ada Kiez,")
    assert '<html lang="en">' in message.get_body(("html",)).get_content()
    row = _reload(row)
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 1, "")
    assert row.sent_at is not None


def test_one_connection_carries_several_emails(mail_to):
    rows = _queued(*UserFactory.create_batch(3))

    for row in rows:
        notification_send(notification_id=row.pk)

    received = mail_to.wait_for(3)
    assert sorted(m.message["Message-ID"] for m in received) == sorted(r.message_id for r in rows)


def test_a_4xx_answer_is_retried_later_with_backoff(mail_to):
    mail_to.reject_with = "451 4.3.0 Mailbox busy, try again later"
    [row] = _queued(UserFactory())
    before = timezone.now()

    outcome = notification_send(notification_id=row.pk)

    row = _reload(row)
    assert outcome.status == "retry"
    assert row.status == NotificationStatus.RETRY
    assert row.last_error == "451 4.3.0 Mailbox busy, try again later"
    # The first delay is half to all of NOTIFICATIONS_RETRY_BASE_SECONDS (60 s), jittered.
    assert 30 <= outcome.retry_in <= 60
    assert (
        before + timedelta(seconds=29)
        < row.next_attempt_at
        < timezone.now() + timedelta(seconds=61)
    )
    assert mail_to.messages == []

    # A task arriving before the retry is due leaves the row alone.
    assert notification_send(notification_id=row.pk).status == "skipped"
    assert _reload(row).attempts == 1


def test_the_delay_doubles_with_each_attempt_up_to_the_maximum(mail_to, settings):
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 200.0
    mail_to.reject_with = "421 4.7.0 Too many connections"
    [row] = _queued(UserFactory())

    delays = []
    for _attempt in range(4):
        delays.append(notification_send(notification_id=row.pk).retry_in)
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())

    # Ceilings 60, 120, 200 (capped), 200; each delay lies in the upper half of its ceiling.
    for delay, ceiling in zip(delays, [60, 120, 200, 200], strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert _reload(row).attempts == 4


def test_a_retried_notification_is_delivered_once_the_server_accepts_again(
    mail_to, django_capture_on_commit_callbacks
):
    mail_to.reject_with = "451 4.3.0 Greylisted"
    [row] = _queued(UserFactory())
    notification_send(notification_id=row.pk)
    mail_to.reject_with = None
    # The retry is due (as if its delay had passed); the sweep queues it.
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep() == 1

    [received] = mail_to.wait_for(1)
    assert received.message["Message-ID"] == row.message_id
    row = _reload(row)
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)


def test_a_refused_connection_is_retried(smtp_settings):
    smtp_settings("127.0.0.1", unused_tcp_port())
    [row] = _queued(UserFactory())

    assert notification_send(notification_id=row.pk).status == "retry"

    row = _reload(row)
    assert row.status == NotificationStatus.RETRY
    assert "ConnectionRefusedError" in row.last_error


def test_a_server_that_never_answers_times_out_and_is_retried(smtp_settings, settings):
    settings.EMAIL_TIMEOUT = 0.5
    with closing(socket.socket()) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        smtp_settings(*silent.getsockname())
        [row] = _queued(UserFactory())

        assert notification_send(notification_id=row.pk).status == "retry"

    row = _reload(row)
    assert row.status == NotificationStatus.RETRY
    assert "timed out" in row.last_error


def test_when_the_server_times_out_the_rest_of_the_batch_waits_without_trying(
    smtp_settings, settings
):
    settings.EMAIL_TIMEOUT = 0.5
    rows = _queued(*UserFactory.create_batch(4))
    with closing(socket.socket()) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        smtp_settings(*silent.getsockname())
        started = time.monotonic()

        outcomes = notifications_send(notification_ids=[row.pk for row in rows])

        elapsed = time.monotonic() - started
    assert [outcome.status for outcome in outcomes.values()] == ["retry"] * 4
    assert elapsed < 1.5  # one timeout, not four
    first, *rest = [_reload(row) for row in rows]
    assert "timed out" in first.last_error
    for row in rest:
        assert row.status == NotificationStatus.RETRY
        assert row.last_error.startswith("not attempted, the mail server failed just before")
        assert row.next_attempt_at is not None


def test_a_4xx_for_one_address_does_not_hold_up_the_others(smtp_settings):
    class FullMailbox:
        """Refuses voll@ at RCPT (452), accepts everyone else."""

        def __init__(self):
            self.accepted: list[str] = []

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("voll@"):
                return "452 4.2.2 Mailbox full"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.accepted.extend(envelope.rcpt_tos)
            return "250 OK"

    handler = FullMailbox()
    server = Controller(handler, hostname="127.0.0.1", port=unused_tcp_port())
    server.start()
    try:
        smtp_settings(server.hostname, server.port)
        full, fine = _queued(
            Recipient(email="voll@example.org"), Recipient(email="gut@example.org")
        )

        outcomes = notifications_send(notification_ids=[full.pk, fine.pk])
    finally:
        server.stop()

    assert (outcomes[full.pk].status, outcomes[fine.pk].status) == ("retry", "sent")
    assert "452 4.2.2 Mailbox full" in _reload(full).last_error
    assert handler.accepted == ["gut@example.org"]


def test_a_5xx_answer_fails_the_notification_with_the_error(mail_to):
    mail_to.reject_with = "550 5.1.1 Mailbox unavailable"
    [row] = _queued(UserFactory())

    outcome = notification_send(notification_id=row.pk)

    row = _reload(row)
    assert (outcome.status, outcome.retry_in) == ("failed", None)
    assert row.status == NotificationStatus.FAILED
    assert row.last_error == "550 5.1.1 Mailbox unavailable"
    assert row.next_attempt_at is None
    # Final: another task for it sends nothing.
    mail_to.reject_with = None
    assert notification_send(notification_id=row.pk).status == "skipped"
    assert mail_to.messages == []


def test_passing_errors_give_up_after_the_last_attempt(mail_to, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    mail_to.reject_with = "451 4.3.0 try later"
    [row] = _queued(UserFactory())

    first = notification_send(notification_id=row.pk)
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    second = notification_send(notification_id=row.pk)

    row = _reload(row)
    assert (first.status, second.status) == ("retry", "failed")
    assert row.status == NotificationStatus.FAILED
    assert row.last_error == "gave up after 2 attempts: 451 4.3.0 try later"


def test_a_missing_template_fails_at_once(mail_to):
    [row] = _queued(UserFactory())
    Notification.objects.filter(pk=row.pk).update(kind="organisation_gone")

    assert notification_send(notification_id=row.pk).status == "failed"

    assert "rendering failed" in _reload(row).last_error
    assert mail_to.messages == []


def test_a_second_task_for_a_sent_notification_sends_nothing(mail_to):
    [row] = _queued(UserFactory())

    statuses = [notification_send(notification_id=row.pk).status for _ in range(2)]

    assert statuses == ["sent", "skipped"]
    assert len(mail_to.wait_for(1)) == 1
    assert _reload(row).attempts == 1


def test_a_batch_sends_what_is_due_and_skips_the_rest(mail_to):
    queued, sent, waiting, failed, due = _queued(*UserFactory.create_batch(5))
    Notification.objects.filter(pk=sent.pk).update(status=NotificationStatus.SENT)
    Notification.objects.filter(pk=failed.pk).update(status=NotificationStatus.FAILED)
    Notification.objects.filter(pk=waiting.pk).update(
        status=NotificationStatus.RETRY, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    Notification.objects.filter(pk=due.pk).update(
        status=NotificationStatus.RETRY, next_attempt_at=timezone.now()
    )

    outcomes = notifications_send(
        notification_ids=[queued.pk, sent.pk, waiting.pk, failed.pk, due.pk]
    )

    assert {pk: outcome.status for pk, outcome in outcomes.items()} == {
        queued.pk: "sent",
        sent.pk: "skipped",
        waiting.pk: "skipped",
        failed.pk: "skipped",
        due.pk: "sent",
    }
    received = mail_to.wait_for(2)
    assert sorted(m.envelope_to[0] for m in received) == sorted([queued.email, due.email])


def test_a_notification_being_sent_by_another_worker_is_skipped(mail_to):
    [row] = _queued(UserFactory())
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.SENDING)

    assert notification_send(notification_id=row.pk).status == "skipped"
    assert mail_to.messages == []


def test_a_resend_after_an_unrecorded_delivery_carries_the_same_message_id(
    mail_to, settings, django_capture_on_commit_callbacks
):
    # Given a notification the server accepted, but whose worker died before recording it:
    # the row is still "sending" (set back here as a dying worker leaves it).
    settings.NOTIFICATIONS_STUCK_AFTER_SECONDS = 60
    [row] = _queued(UserFactory())
    notification_send(notification_id=row.pk)
    Notification.objects.filter(pk=row.pk).update(
        status=NotificationStatus.SENDING, updated_at=timezone.now() - timedelta(minutes=2)
    )

    # When the sweep finds it stuck
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep() == 1

    # Then it is delivered again, recognisably the same e-mail
    first, second = mail_to.wait_for(2)
    assert first.message["Message-ID"] == second.message["Message-ID"] == row.message_id
    assert _reload(row).status == NotificationStatus.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_tasks_for_one_row_send_it_once(mail_to):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs concurrent writers: run with DATABASE_URL=postgres://... (the in-memory "
            "SQLite test database refuses a second writer at once instead of queueing it)"
        )
    # Threads stand in for worker processes; each has its own database connection.
    row = NotificationFactory(kind="mail_test")
    outcomes, barrier = [], threading.Barrier(4)

    def run():
        from django.db import connection

        barrier.wait()
        try:
            outcomes.append(notification_send(notification_id=row.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(mail_to.wait_for(1)) == 1

"""The pipeline end to end: a real Celery worker (subprocess) on Redis, a real SMTP server
(aiosmtpd in this process), PostgreSQL shared by both. Skipped on the embedded SQLite run,
with the reason, by the celery_worker_factory fixture (tests/support/celery_worker.py)."""

import signal
import time
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from notifications.models import Notification, NotificationStatus
from notifications.services import Recipient, notify
from notifications.tasks import notifications_sweep
from tests.factories import CoordinatorFactory, UserFactory
from tests.support.redis_server import unused_tcp_port
from tests.support.smtp import SMTPServer, _CollectingHandler
from tests.support.waiting import wait_until

pytestmark = pytest.mark.celery_worker


def statuses() -> Counter:
    return Counter(Notification.objects.values_list("status", flat=True))


def send_test_mail(recipients, *, event_key="event:1") -> list[Notification]:
    with transaction.atomic():
        return notify(kind="mail_test", recipients=recipients, context={}, event_key=event_key)


class SMTPServerOnPort(SMTPServer):
    """The test SMTP server on a port chosen beforehand, to come up where a worker already
    tried to connect."""

    def __init__(self, port: int):
        super().__init__()
        self._controller = Controller(_CollectingHandler(self), hostname=self.host, port=port)


def test_a_notification_arrives_over_smtp_in_the_recipients_language(
    celery_worker_factory, smtp_server
):
    # Given a worker, and a German and an English speaker
    celery_worker_factory(concurrency=2)
    ada = UserFactory(email="ada@example.org", language="de", full_name="Ada Kiez")
    grace = UserFactory(email="grace@example.org", language="en", full_name="Grace Hopper")

    # When a change that notifies them commits
    rows = {row.email: row for row in send_test_mail([ada, grace])}

    # Then each gets one e-mail in their language, with text and HTML and its Message-ID
    received = {m.envelope_to[0]: m.message for m in smtp_server.wait_for(2)}
    assert sorted(received) == ["ada@example.org", "grace@example.org"]
    german, english = received["ada@example.org"], received["grace@example.org"]
    assert german["Subject"] == "Test-E-Mail von Kiezmarkt"
    assert english["Subject"] == "Test e-mail from Kiezmarkt"
    assert german.get_body(("plain",)).get_content().startswith("Hallo Ada Kiez,")
    assert english.get_body(("plain",)).get_content().startswith("Hello Grace Hopper,")
    assert '<html lang="de">' in german.get_body(("html",)).get_content()
    assert '<html lang="en">' in english.get_body(("html",)).get_content()
    for address, message in received.items():
        assert message["To"] == address
        assert message["Message-ID"] == rows[address].message_id
    wait_until(lambda: statuses() == {NotificationStatus.SENT: 2}, what="rows marked sent")


def test_a_rolled_back_transaction_sends_nothing(celery_worker_factory, smtp_server):
    celery_worker_factory()
    rolled_back, committed = UserFactory(), UserFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        send_test_mail([rolled_back], event_key="event:rolled-back")
        raise RuntimeError("the change that would notify failed")
    # A later committed notification proves the worker was there to send the first one.
    send_test_mail([committed], event_key="event:committed")

    [received] = smtp_server.wait_for(1)
    time.sleep(1.0)  # anything else queued would have arrived by now
    assert [m.envelope_to for m in smtp_server.messages] == [[committed.email]]
    assert received.envelope_to == [committed.email]
    assert list(Notification.objects.values_list("email", flat=True)) == [committed.email]


def test_killed_workers_lose_no_notification_and_repeat_at_most_what_was_in_flight(
    celery_worker_factory, smtp_server, settings
):
    # Given 1,000 notifications queued for a worker with two processes
    concurrency, total = 2, 1000
    settings.NOTIFICATIONS_STUCK_AFTER_SECONDS = 3.0
    worker = celery_worker_factory(concurrency=concurrency)
    recipients = [
        Recipient(email=f"person{i}@example.org", language="de" if i % 2 else "en")
        for i in range(total)
    ]
    rows = send_test_mail(recipients)
    email_of = {row.message_id: row.email for row in rows}

    # When the worker is SIGKILLed mid-way, twice, and a new one started each time
    in_flight_at_kills: set[int] = set()
    for received_before_kill in (150, 550):
        smtp_server.wait_for(received_before_kill, timeout=120)
        worker.stop(signal.SIGKILL)
        in_flight_at_kills |= set(
            Notification.objects.filter(status=NotificationStatus.SENDING).values_list(
                "pk", flat=True
            )
        )
        worker = celery_worker_factory(concurrency=concurrency)

    # ... and the sweep runs whenever the queue has run dry (as beat would, every minute):
    # the killed worker's unacknowledged tasks come back from Redis only after the
    # visibility timeout, so it is the sweep that finds their rows.
    deadline, last_sent = time.monotonic() + 180, -1
    while (sent := statuses()[NotificationStatus.SENT]) < total:
        assert time.monotonic() < deadline, f"only {sent} of {total} sent: {statuses()}"
        if sent == last_sent:
            notifications_sweep()
        last_sent = sent
        time.sleep(1.0)
    time.sleep(1.0)  # a repeat still on its way would arrive now

    # Then every notification reached the SMTP server, to the right address
    received = smtp_server.messages
    counts = Counter(m.message["Message-ID"] for m in received)
    assert set(counts) == set(email_of), "every notification arrives"
    for message in received:
        assert message.envelope_to == [email_of[message.message["Message-ID"]]]
    # ... and one arrived twice only if its worker was killed while it was being sent
    repeated = {mid for mid, count in counts.items() if count > 1}
    assert max(counts.values()) <= 2
    assert len(repeated) <= 2 * concurrency  # at most the worker's concurrency per kill
    in_flight_ids = {Notification(pk=pk).message_id for pk in in_flight_at_kills}
    assert repeated <= in_flight_ids
    assert len(received) == total + len(repeated)


def test_smtp_answering_4xx_is_retried_until_it_accepts(celery_worker_factory, smtp_server):
    # Given a mail server that says "try again later"
    smtp_server.reject_with = "451 4.3.0 Bitte später erneut versuchen"
    celery_worker_factory(
        extra_env={
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2",
            "NOTIFICATIONS_RETRY_MAX_SECONDS": "0.5",
            "NOTIFICATIONS_MAX_ATTEMPTS": "50",
        }
    )
    [row] = send_test_mail([UserFactory()])

    # When the worker has tried a few times
    wait_until(lambda: Notification.objects.get(pk=row.pk).attempts >= 3, what="three attempts")
    waiting = Notification.objects.get(pk=row.pk)
    assert waiting.status in {NotificationStatus.RETRY, NotificationStatus.SENDING}
    assert waiting.last_error == "451 4.3.0 Bitte später erneut versuchen"
    assert smtp_server.messages == []

    # Then it is delivered, once, when the server accepts again
    smtp_server.reject_with = None
    [received] = smtp_server.wait_for(1)
    assert received.message["Message-ID"] == row.message_id
    wait_until(
        lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT,
        what="row marked sent",
    )
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1


def test_smtp_down_is_retried_until_it_is_back(celery_worker_factory):
    # Given a worker whose mail server is not running
    port = unused_tcp_port()
    celery_worker_factory(
        extra_env={
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2",
            "NOTIFICATIONS_RETRY_MAX_SECONDS": "0.5",
            "NOTIFICATIONS_MAX_ATTEMPTS": "50",
        }
    )
    [row] = send_test_mail([UserFactory()])
    wait_until(
        lambda: "ConnectionRefusedError" in Notification.objects.get(pk=row.pk).last_error,
        what="a refused connection",
    )

    # When the mail server comes up
    server = SMTPServerOnPort(port)
    server.start()
    try:
        # Then the notification arrives
        [received] = server.wait_for(1)
    finally:
        server.stop()
    assert received.message["Message-ID"] == row.message_id
    wait_until(
        lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT,
        what="row marked sent",
    )


def test_smtp_answering_5xx_fails_and_the_coordinator_sees_why(
    celery_worker_factory, smtp_server, client
):
    # Given a mail server that refuses the address for good
    smtp_server.reject_with = "550 5.1.1 Postfach existiert nicht"
    celery_worker_factory()
    [row] = send_test_mail([Recipient(email="vertippt@example.org")])

    # When the worker tried it
    wait_until(
        lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.FAILED,
        what="row marked failed",
    )

    # Then it is failed after one attempt with the server's answer, and the admin shows it
    row.refresh_from_db()
    assert (row.attempts, row.last_error) == (1, "550 5.1.1 Postfach existiert nicht")
    client.force_login(CoordinatorFactory())
    page = client.get("/admin/notifications/notification/", {"status__exact": "failed"})
    assert "vertippt@example.org" in page.content.decode()
    assert "550 5.1.1 Postfach existiert nicht" in page.content.decode()

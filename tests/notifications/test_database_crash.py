"""A database crash in the middle of a batch sends nothing twice: the sender remembers what the
mail server accepted and records it once the database is back (notifications/sending.py,
_record_sent_durably()).

The crash is played on PostgreSQL at the moment the mail server takes the second e-mail: the
sender's connection is terminated (pg_terminate_backend) and the "sent" record of the first
e-mail is undone, as a crash would lose a record not yet flushed to disk. benchmarks/faults.py
crashes a whole PostgreSQL server the same way (pg_ctl stop -m immediate).
"""

import psycopg
import pytest
from django.db import DatabaseError, connection

from notifications.models import Notification, NotificationStatus
from notifications.sending import notifications_send
from notifications.tasks import notifications_sweep

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_to(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_TIMEOUT = 2
    return smtp_server


def _other_connection() -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        dbname=params["NAME"],
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    )


def test_emails_accepted_before_a_crash_are_recorded_once_the_database_is_back(
    mail_to, settings, caplog
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the crash is played by terminating the sender's server process "
            "(pg_terminate_backend); set DATABASE_URL=postgres://..."
        )
    settings.NOTIFICATIONS_STUCK_AFTER_SECONDS = 0
    rows = NotificationFactory.create_batch(3, kind="mail_test", recipient=None)
    ids = [row.pk for row in rows]
    connection.ensure_connection()
    sender_pid = connection.connection.info.backend_pid
    table = Notification._meta.db_table

    def crash_while_the_second_is_accepted(accepted_so_far: int) -> None:
        if accepted_so_far != 1:
            return
        with _other_connection() as other:
            # What a crash loses: the first e-mail's record, written without waiting for disk
            other.execute(f"UPDATE {table} SET status = 'sending' WHERE id = %s", [ids[0]])  # noqa: S608
            other.execute("SELECT pg_terminate_backend(%s)", [sender_pid])

    mail_to.before_accepting = crash_while_the_second_is_accepted

    # When the sender works through the batch and the database goes away under it
    with pytest.raises(DatabaseError):
        notifications_send(notification_ids=ids)

    # Then both e-mails the server accepted are recorded as sent, the third waits for the sweep
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in ids] == [
        NotificationStatus.SENT,
        NotificationStatus.SENT,
        NotificationStatus.SENDING,
    ]
    assert "accepted by the mail server" in caplog.text

    # And when the sweep queues what is left and it is sent, each e-mail arrived exactly once
    mail_to.before_accepting = None
    assert notifications_sweep() == 1  # (its task runs in this process here)
    received = mail_to.wait_for(3)
    assert sorted(m.envelope_to[0] for m in received) == sorted(row.email for row in rows)
    assert len({m.message["Message-ID"] for m in received}) == 3
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}

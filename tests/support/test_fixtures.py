"""The shared fixtures do what other tests rely on."""

import smtplib
from email.message import EmailMessage

import pytest

from marketplace.models import User
from tests.factories import UserFactory
from tests.support.probe_tasks import mail_people_count


def _send(server, to="anna@example.org", subject="Hallo"):
    message = EmailMessage()
    message["From"] = "kiezmarkt@example.org"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Grüße aus dem Wassertorkiez")
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.send_message(message)


def test_smtp_server_keeps_what_it_accepts(smtp_server):
    _send(smtp_server, subject="Grüße")

    [received] = smtp_server.wait_for(1)
    assert received.envelope_to == ["anna@example.org"]
    assert received.message["Subject"] == "Grüße"
    assert received.message.get_content().strip() == "Grüße aus dem Wassertorkiez"


def test_smtp_server_can_refuse_for_retry_tests(smtp_server):
    smtp_server.reject_with = "451 4.3.0 Bitte später erneut versuchen"

    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(smtp_server)

    assert refused.value.smtp_code == 451
    assert smtp_server.messages == []


@pytest.mark.celery_worker
def test_real_worker_reads_the_test_database_and_mails_through_smtp(celery_worker, smtp_server):
    # Given two people committed to the test database
    UserFactory.create_batch(2)
    assert User.objects.count() == 2

    # When a task is queued on the broker (not run here: this process is no longer eager)
    mail_people_count.delay("probe@example.org")

    # Then the worker ran it against the same database and its e-mail reached our SMTP server
    [received] = smtp_server.wait_for(1)
    assert received.message["Subject"] == "2 people"
    assert received.envelope_to == ["probe@example.org"]

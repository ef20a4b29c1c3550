"""Handing a rendered e-mail to the mail server, and telling passing failures from final ones.

Each worker process keeps one open connection and reuses it for the next e-mail: opening an
SMTP session (greeting, EHLO, maybe STARTTLS and login) costs more than sending a short
message. A connection idle for longer than NOTIFICATIONS_SMTP_IDLE_SECONDS is reopened before
use, because servers drop idle sessions and a dropped session would turn into a retry. After
any error the connection is closed, so the next e-mail starts on a fresh one.
"""

import smtplib
import threading
import time
from contextlib import suppress

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.signals import setting_changed
from django.dispatch import receiver

_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
)


class _Connection(threading.local):
    backend = None
    settings_key: tuple = ()
    last_used = 0.0


_connection = _Connection()


def _settings_key() -> tuple:
    return tuple(getattr(settings, name, None) for name in _SETTINGS)


def close() -> None:
    """Close this process's connection (the next send opens a new one)."""
    backend, _connection.backend = _connection.backend, None
    if backend is not None:
        with suppress(smtplib.SMTPException, OSError):  # it is gone either way
            backend.close()


@receiver(setting_changed)
def _forget_connection(setting, **kwargs):
    if setting in _SETTINGS:
        close()


def _open_backend():
    key = _settings_key()
    idle = time.monotonic() - _connection.last_used
    if _connection.backend is not None and (
        _connection.settings_key != key or idle > settings.NOTIFICATIONS_SMTP_IDLE_SECONDS
    ):
        close()
    if _connection.backend is None:
        backend = get_connection(fail_silently=False)
        # An open backend is left open by send_messages(); backends without a connection
        # (locmem, files) have an open() that does nothing.
        backend.open()
        _connection.backend, _connection.settings_key = backend, key
    return _connection.backend


def send(message: EmailMessage) -> None:
    """Send one message over this process's connection; raise whatever the server said."""
    backend = _open_backend()
    try:
        sent = backend.send_messages([message])
    except BaseException:
        close()
        raise
    _connection.last_used = time.monotonic()
    if sent != 1:
        close()
        raise smtplib.SMTPException("the mail backend did not accept the message")


def is_permanent(error: BaseException) -> bool:
    """True for answers that a later attempt cannot change: 5xx replies, refused recipients
    (all with 5xx), addresses that cannot be encoded. Everything else is worth retrying:
    4xx replies, refused or dropped connections, timeouts, and a rejected login (a
    configuration error on our side that the coordinator can fix)."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return isinstance(error, (ValueError, UnicodeError)) and not isinstance(error, OSError)


def affects_every_message(error: BaseException) -> bool:
    """True when the server, not one message, is the problem: it cannot be reached, times out,
    drops the connection, refuses our greeting, login or sender, or closes the service (421).
    The next e-mails would fail the same way, each after its own timeout."""
    if isinstance(
        error,
        (
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPConnectError,
            smtplib.SMTPHeloError,
            smtplib.SMTPAuthenticationError,
            smtplib.SMTPSenderRefused,
        ),
    ):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    # smtplib's own errors are OSErrors too; the rest are the network's (refused, timeout).
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def describe(error: BaseException) -> str:
    """A line for last_error that says what the server answered."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        ]
        return "recipients refused: " + "; ".join(parts)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)

"""Sending the outbox's rows: claim, render, send over SMTP, record; and finding the rows that a
lost task or a dead worker left behind. Called by the Celery tasks (tasks.py), which hand rows
to the workers; nothing here queues a task, so the imports point one way:
services (notify) → tasks (hand-off) → sending.

Life of a row: queued → sending → sent; a passing failure (4xx, refused connection, timeout)
→ retry → (when due) sending again; a final failure (5xx, broken template, too many attempts)
→ failed, with the reason in last_error for the coordinator.
"""

import logging
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import transport
from .models import Notification, NotificationStatus
from .rendering import render_email

logger = logging.getLogger(__name__)

# A retry message may arrive a little before its row's next_attempt_at (clocks, rounding).
_EARLY = timedelta(seconds=1)
# How many stuck rows one transaction of the sweep takes at most.
SWEEP_BATCH = 1000
# Seconds between attempts to record accepted e-mails while the database is unreachable.
RECORD_RETRY_INTERVAL = 0.5


@dataclass(frozen=True)
class SendOutcome:
    status: str  # "sent", "skipped" (not due or already taken), "retry" or "failed"
    retry_in: float | None = None
    # The mail server itself failed (unreachable, timed out, ...), not just this e-mail.
    server_failed: bool = False
    error: str = ""


def retry_delay(attempts: int) -> float:
    """Seconds until the next attempt: doubling from NOTIFICATIONS_RETRY_BASE_SECONDS up to
    NOTIFICATIONS_RETRY_MAX_SECONDS, of which a random half (jitter), so that e-mails refused
    together do not all come back at the same moment."""
    ceiling = min(
        settings.NOTIFICATIONS_RETRY_MAX_SECONDS,
        settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _synchronous_commit(value: str) -> Func:
    return Func(
        Value("synchronous_commit"),
        Value(value),
        Value(True),  # local: for this transaction only
        function="set_config",
        output_field=CharField(),
    )


def _commit_mode(rows: QuerySet[Notification], mode: str) -> QuerySet[Notification]:
    """The rows, for an UPDATE whose transaction commits with synchronous_commit `mode` (set
    inside the statement, so it costs no extra round trip; PostgreSQL only)."""
    if connection.vendor == "postgresql":
        rows = rows.filter(Exact(_synchronous_commit(mode), Value(mode)))
    return rows


def _status_change(notification_ids: Iterable[int]) -> QuerySet[Notification]:
    """The rows, for an UPDATE of a status that does not decide whether an e-mail is sent
    again ("retry", "failed"), committed without waiting for PostgreSQL to flush its log.

    If PostgreSQL crashes, the last fraction of a second of these may be lost and the row falls
    back to its durable claim ("sending"): the sweep queues it again and it is tried once more
    (a refused e-mail is refused again). Nothing is sent twice that way. The claim and the
    record of a sent e-mail are durable (_claim(), _record_sent_durably()).
    """
    return _commit_mode(Notification.objects.filter(pk__in=list(notification_ids)), "off")


def notifications_send(*, notification_ids: Sequence[int]) -> dict[int, SendOutcome]:
    """Send those of the notifications that are queued or whose retry is due, one after the
    other over this process's mail connection; skip the others. Returns each id's outcome.

    Precondition: no open transaction (the Celery task calls it); no row is locked while the
    mail server talks. Raises nothing for mail errors: they become the rows' status. A
    database error propagates once the e-mails already accepted are recorded (waiting for the
    database to come back, see _record_sent_durably()); rows left in "sending" are queued
    again by the sweep.

    What decides whether an e-mail goes out again is durable before this returns: the claim
    ("sending") is committed with a flush to disk, each row is marked sent right after the
    server accepted it (without waiting for the flush: one per e-mail would halve the rate),
    and one durable write at the end covers the batch. Until then this process remembers
    what was accepted and writes it again if the database lost it in a crash. So a PostgreSQL
    crash repeats nothing; a worker that dies repeats at most the e-mail it was sending.
    """
    outcomes = dict.fromkeys(notification_ids, SendOutcome("skipped"))
    claimed = _claim(notification_ids)
    accepted: list[int] = []
    try:
        for index, notification in enumerate(claimed):
            outcome = outcomes[notification.pk] = _deliver(notification, accepted)
            if outcome.server_failed:
                # The others would fail the same way, each after its own timeout: they wait too.
                reason = f"not attempted, the mail server failed just before: {outcome.error}"
                for waiting in claimed[index + 1 :]:
                    outcomes[waiting.pk] = _passing_failure(waiting, reason)
                break
    finally:
        if accepted:
            _record_sent_durably(accepted)
    return outcomes


def notification_send(*, notification_id: int) -> SendOutcome:
    """notifications_send() for one notification."""
    return notifications_send(notification_ids=[notification_id])[notification_id]


def _claim(notification_ids: Sequence[int]) -> list[Notification]:
    """Lock the rows that are due, move them to "sending", commit, and return them.

    The lock makes a second task for the same rows wait and then find them taken (PostgreSQL
    re-checks the WHERE clause of a locked row once the lock is released); rows are locked in
    id order, so two such tasks cannot deadlock. SQLite runs one writing transaction at a time.
    """
    now = timezone.now()
    due = Q(status=NotificationStatus.QUEUED) | (
        Q(status=NotificationStatus.RETRY)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + _EARLY))
    )
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "organisation")
            .filter(due, pk__in=list(notification_ids))
            .order_by("pk")
        )
        if rows:
            # Durable: a claim lost in a crash would let another task send the row again.
            _commit_mode(Notification.objects.filter(pk__in=[row.pk for row in rows]), "on").update(
                status=NotificationStatus.SENDING, attempts=F("attempts") + 1, updated_at=now
            )
    for row in rows:
        row.status, row.attempts, row.updated_at = NotificationStatus.SENDING, row.attempts + 1, now
    return rows


def _deliver(notification: Notification, accepted: list[int]) -> SendOutcome:
    """Render and send one claimed notification; its id joins `accepted` once the mail server
    took it, before anything else can fail."""
    max_attempts = settings.NOTIFICATIONS_MAX_ATTEMPTS
    if notification.attempts > max_attempts:
        # Only interrupted attempts (a worker dying mid-send, again and again) get here.
        return _fail(notification, f"gave up after {max_attempts} attempts")
    try:
        message = render_email(notification)
    except (TemplateDoesNotExist, TemplateSyntaxError, LookupError, TypeError, ValueError) as error:
        # A missing template or a broken context does not mend itself: no retry.
        return _fail(notification, f"rendering failed: {type(error).__name__}: {error}")
    try:
        transport.send(message)
    except Exception as error:  # every mail error is data; is_permanent() sorts them
        reason = transport.describe(error)
        if transport.is_permanent(error):
            return _fail(notification, reason)
        outcome = _passing_failure(notification, reason)
        return replace(outcome, server_failed=transport.affects_every_message(error), error=reason)
    accepted.append(notification.pk)
    _mark_sent(notification.pk)
    return SendOutcome("sent")


def _mark_sent(notification_id: int) -> None:
    """Record one accepted e-mail at once, without waiting for the flush to disk (that comes
    once per batch, _record_sent_durably()). Hand-written SQL: this runs once per e-mail, and
    building the ORM query cost about as much CPU as rendering the e-mail."""
    now = timezone.now()
    table = connection.ops.quote_name(Notification._meta.db_table)
    no_wait = (
        " AND set_config('synchronous_commit', 'off', true) = 'off'"
        if connection.vendor == "postgresql"
        else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, next_attempt_at = NULL, "  # noqa: S608
            f"updated_at = %s WHERE id = %s{no_wait}",
            [NotificationStatus.SENT.value, now, now, notification_id],
        )


def _record_sent_durably(notification_ids: list[int]) -> None:
    """Write "sent" for e-mails the server accepted and wait until it is on disk.

    One write to the rows (a write is needed: only a transaction that wrote something waits
    for the flush), committed with synchronous_commit on; the flush also covers every earlier
    change of this connection (_mark_sent()'s, the log is flushed in order). If the database
    is unreachable (it crashed mid-batch, and with it maybe the records of _mark_sent()), try
    again on a new connection every RECORD_RETRY_INTERVAL seconds for up to
    NOTIFICATIONS_RECORD_RETRY_SECONDS: only then would the sweep send these again.
    Inside the caller's transaction (tasks run eagerly) it is a single try.
    """
    deadline = time.monotonic() + settings.NOTIFICATIONS_RECORD_RETRY_SECONDS
    warned = False
    while True:
        try:
            now = timezone.now()
            rows = Notification.objects.filter(pk__in=notification_ids)
            _commit_mode(rows, "on").update(
                status=NotificationStatus.SENT,
                sent_at=Coalesce("sent_at", Value(now)),
                next_attempt_at=None,
                updated_at=now,
            )
            if warned:
                logger.warning("database back: sent notifications %s recorded", notification_ids)
            return
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or time.monotonic() >= deadline:
                logger.error(
                    "notifications %s were accepted by the mail server but could not be "
                    "recorded as sent (%s); the sweep will send them again",
                    notification_ids,
                    error,
                )
                raise
            if not warned:
                warned = True
                logger.warning(
                    "database unreachable (%s); keeping notifications %s, accepted by the mail "
                    "server, to record them as sent once it is back",
                    error,
                    notification_ids,
                )
            connection.close()  # the broken connection; the next try opens a new one
            time.sleep(RECORD_RETRY_INTERVAL)


def _passing_failure(notification: Notification, reason: str) -> SendOutcome:
    """Try again later, after retry_delay(), unless this was the last attempt."""
    max_attempts = settings.NOTIFICATIONS_MAX_ATTEMPTS
    if notification.attempts >= max_attempts:
        return _fail(notification, f"gave up after {max_attempts} attempts: {reason}")
    delay = retry_delay(notification.attempts)
    logger.info(
        "notification %s: attempt %s failed (%s)", notification.pk, notification.attempts, reason
    )
    now = timezone.now()
    _status_change([notification.pk]).update(
        status=NotificationStatus.RETRY,
        last_error=reason[:2000],
        next_attempt_at=now + timedelta(seconds=delay),
        updated_at=now,
    )
    return SendOutcome("retry", retry_in=delay)


def _fail(notification: Notification, reason: str) -> SendOutcome:
    logger.warning("notification %s failed: %s", notification.pk, reason)
    _status_change([notification.pk]).update(
        status=NotificationStatus.FAILED,
        last_error=reason[:2000],
        next_attempt_at=None,
        updated_at=timezone.now(),
    )
    return SendOutcome("failed")


def requeue_stuck_and_due() -> list[int]:
    """Queue again what would otherwise wait forever: rows queued or sending for longer than
        NOTIFICATIONS_STUCK_AFTER_SECONDS (their task was lost with Redis, or their worker died
        and its unacknowledged task returns only after the broker's visibility timeout) and rows
        whose retry is due: marks them queued, each batch in its own transaction, and returns their
    ids for tasks.notifications_sweep() to hand to Celery.

        A row queued twice is sent once: notifications_send() skips what is taken or final. A row
        whose worker died after the mail server accepted it is sent again, with the same
        Message-ID. Precondition: none; runs in its own transactions (one per batch).
    """
    requeued: list[int] = []
    while True:
        now = timezone.now()
        stuck_before = now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_AFTER_SECONDS)
        stuck = Q(
            status__in=[NotificationStatus.QUEUED, NotificationStatus.SENDING],
            updated_at__lt=stuck_before,
        )
        retry_due = Q(status=NotificationStatus.RETRY) & (
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
        )
        with transaction.atomic():
            ids = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(stuck | retry_due)
                .order_by("updated_at", "id")
                .values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            Notification.objects.filter(pk__in=ids, status=NotificationStatus.SENDING).update(
                last_error=_("Versand unterbrochen (Worker beendet?); erneut eingereiht")
            )
            Notification.objects.filter(pk__in=ids).update(
                status=NotificationStatus.QUEUED, next_attempt_at=None, updated_at=now
            )
        requeued += ids
        if len(ids) < SWEEP_BATCH:
            return requeued

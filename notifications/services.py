"""Every write of the notification pipeline.

notify() is the one way any part of Kiezmarkt tells people something. Callers pass a kind (a
row of kinds.KINDS), the recipients, a JSON-serialisable context and an event key that names
the event once. The rows are written in the caller's transaction; after it commits, Celery
tasks send them, up to SEND_BATCH per task (notifications_send), and a periodic sweep
(notifications_sweep) re-queues what a lost task or a dead worker left behind.

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
from functools import partial

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import InvalidInput, NotFound
from marketplace.models import User

from . import tokens, transport
from .kinds import KINDS, Kind, get_kind, in_app_kind_names
from .models import (
    Notification,
    NotificationAttachment,
    NotificationOptOut,
    NotificationStatus,
)
from .rendering import render_email
from .selectors import opted_out_user_ids, recipient_addresses_for

logger = logging.getLogger(__name__)

# A retry message may arrive a little before its row's next_attempt_at (clocks, rounding).
_EARLY = timedelta(seconds=1)
# How many stuck rows one transaction of the sweep takes at most.
SWEEP_BATCH = 1000
# How many notifications one task sends: fewer tasks and database round trips per e-mail; a
# worker that dies still leaves at most one e-mail accepted but unrecorded (see _claim()).
SEND_BATCH = 20
# Seconds between attempts to record accepted e-mails while the database is unreachable.
RECORD_RETRY_INTERVAL = 0.5


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes


@dataclass(frozen=True)
class Recipient:
    """An address to notify; `user_id` is None for someone without an account (an invitee)."""

    email: str
    language: str = "de"
    user_id: int | None = None

    @classmethod
    def of(cls, user: User) -> "Recipient":
        return cls(email=user.email, language=user.language, user_id=user.pk)


def notify(
    *,
    kind: str,
    recipients: Iterable[User | Recipient],
    context: dict,
    event_key: str,
    organisation=None,
    attachments: Iterable[Attachment] = (),
) -> list[Notification]:
    """Write one notification per distinct recipient address and queue them after commit.

    A recipient already notified of `event_key` is skipped, so calling twice is harmless; so is
    a person who switched an optional kind off, unless they are an admin of `organisation`.
    Caller may hold locks; nothing is sent before its transaction commits.
    Raises ValueError for a kind missing from kinds.KINDS, or attachments for a kind that
    declares none (programming errors, meant to fail in the first test).
    """
    wanted = _distinct(recipients)
    switched_off = opted_out_user_ids(
        kind,
        [r.user_id for r in wanted if r.user_id is not None],
        organisation=organisation,
    )
    wanted = [r for r in wanted if r.user_id is None or r.user_id not in switched_off]
    return _write(kind, wanted, context, event_key, organisation, attachments)


def notify_organisation(
    *,
    kind: str,
    organisation,
    context: dict,
    event_key: str,
    attachments: Iterable[Attachment] = (),
) -> list[Notification]:
    """notify() the people of `organisation` who should hear about `kind`: its admins always,
    its other members unless they switched the kind off (selectors.recipient_addresses_for()
    already leaves those out, so no second look at the preferences). Errors as notify()."""
    recipients = [
        Recipient(email=email, language=language, user_id=user_id)
        for user_id, email, language in recipient_addresses_for(organisation, kind)
    ]
    return _write(kind, _distinct(recipients), context, event_key, organisation, attachments)


def _distinct(recipients: Iterable[User | Recipient]) -> list[Recipient]:
    """One Recipient per address (addresses compare case-insensitively), first one kept."""
    wanted: dict[str, Recipient] = {}
    for item in recipients:
        recipient = item if isinstance(item, Recipient) else Recipient.of(item)
        address = recipient.email.lower()
        if address not in wanted:
            wanted[address] = replace(recipient, email=address)
    return list(wanted.values())


def _write(
    kind: str,
    recipients: list[Recipient],
    context: dict,
    event_key: str,
    organisation,
    attachments: Iterable[Attachment],
) -> list[Notification]:
    kind_row = get_kind(kind)
    attachments = list(attachments)
    if attachments and not kind_row.attachments:
        raise ValueError(f"Kind {kind!r} declares no attachments in notifications/kinds.py")
    rows = [
        Notification(
            recipient_id=recipient.user_id,
            email=recipient.email,
            organisation=organisation,
            kind=kind,
            context=context,
            language=recipient.language,
            event_key=event_key,
        )
        for recipient in recipients
    ]
    if not rows:
        return []
    try:
        # All rows in one insert; a savepoint, so that a duplicate (someone was already told of
        # this event) does not break the caller's transaction.
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:
        created = [row for row in rows if _insert_unless_notified(row)]
    NotificationAttachment.objects.bulk_create(
        NotificationAttachment(
            notification=notification,
            filename=attachment.filename,
            mimetype=attachment.mimetype,
            content=attachment.content,
        )
        for notification in created
        for attachment in attachments
    )
    if created:
        transaction.on_commit(partial(_enqueue, [n.pk for n in created]))
    return created


def _insert_unless_notified(row: Notification) -> bool:
    """Insert one row in its own savepoint; False if its recipient was told of the event."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _enqueue(notification_ids: list[int]) -> None:
    """Hand the rows to Celery, up to SEND_BATCH per task. Runs after the commit, so it must
    not fail the caller: if the broker cannot be reached the rows stay queued and the sweep
    hands them over later."""
    from .tasks import send_notifications

    try:
        for start in range(0, len(notification_ids), SEND_BATCH):
            send_notifications.delay(notification_ids[start : start + SEND_BATCH])
    except Exception:  # whatever the broker raised; the rows are safe in the database
        logger.exception(
            "could not queue notifications %s; the sweep will queue them", notification_ids
        )


# --- sending ---------------------------------------------------------------------------------


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


def notifications_sweep() -> int:
    """Queue again what would otherwise wait forever: rows queued or sending for longer than
    NOTIFICATIONS_STUCK_AFTER_SECONDS (their task was lost with Redis, or their worker died
    and its unacknowledged task returns only after the broker's visibility timeout) and rows
    whose retry is due. Returns how many it queued.

    A row queued twice is sent once: notifications_send() skips what is taken or final. A row
    whose worker died after the mail server accepted it is sent again, with the same
    Message-ID. Precondition: none; runs in its own transactions (one per batch).
    """
    total = 0
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
            if ids:
                transaction.on_commit(partial(_enqueue, ids))
        total += len(ids)
        if len(ids) < SWEEP_BATCH:
            return total


def notifications_requeue(*, notifications: QuerySet[Notification]) -> int:
    """Give failed (or waiting) notifications a fresh set of attempts, e.g. after the
    coordinator fixed the mail settings. Sent ones are left alone. Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            notifications.select_for_update()
            .filter(status__in=[NotificationStatus.FAILED, NotificationStatus.RETRY])
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.QUEUED, attempts=0, next_attempt_at=None, updated_at=now
        )
        if ids:
            transaction.on_commit(partial(_enqueue, ids))
    return len(ids)


def notification_send_test(*, email: str, language: str = "de") -> Notification:
    """Queue a test e-mail to `email` through the whole pipeline (worker, templates, SMTP)."""
    now = timezone.now()
    with transaction.atomic():
        [notification] = notify(
            kind="mail_test",
            recipients=[Recipient(email=email, language=language)],
            context={"requested_at": now.isoformat()},
            event_key=f"mail_test:{now.isoformat()}",
        )
    return notification


# --- in-app and preferences ------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the person's in-app notifications read (again: harmless, the first time
    stays). Raises NotFound for another person's notification or one the app does not list."""
    notification = _in_app_of(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("Benachrichtigung nicht gefunden."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark all of the person's in-app notifications read; returns how many were unread."""
    return _in_app_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def _in_app_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, kind__in=in_app_kind_names())


def notification_preferences_set(*, user: User, enabled: dict[str, bool]) -> None:
    """Switch optional kinds on (True) or off (False) for the person; kinds not named stay as
    they are. Raises InvalidInput for an unknown kind or one that cannot be switched off."""
    for name in enabled:
        _switchable(name)
    with transaction.atomic():
        off = [name for name, on in enabled.items() if not on]
        on = [name for name, on in enabled.items() if on]
        NotificationOptOut.objects.filter(user=user, kind__in=on).delete()
        NotificationOptOut.objects.bulk_create(
            [NotificationOptOut(user=user, kind=name) for name in off], ignore_conflicts=True
        )


def notification_unsubscribe(*, token: str) -> tuple[User, Kind]:
    """Switch off the kind named in a one-click unsubscribe token for its person.

    Harmless to repeat. Raises NotFound for a forged token or a person who no longer exists,
    InvalidInput if the kind can no longer be switched off.
    """
    user, kind = unsubscribe_target(token)
    notification_preferences_set(user=user, enabled={kind.name: False})
    return user, kind


def unsubscribe_target(token: str) -> tuple[User, Kind]:
    """The person and kind a token names; raises like notification_unsubscribe()."""
    payload = tokens.read_unsubscribe_token(token)
    user = None
    if payload is not None:
        user = User.objects.filter(pk=payload[0], is_active=True).first()
    if user is None:
        raise NotFound(_("Dieser Abmeldelink ist ungültig."))
    return user, _switchable(payload[1])


def _switchable(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise InvalidInput(
            _("Unbekannte Benachrichtigungsart: %(kind)s") % {"kind": name}, field="kinds"
        )
    if not kind.optional:
        raise InvalidInput(
            _("Diese Benachrichtigung kann nicht abbestellt werden: %(kind)s")
            % {"kind": kind.description},
            code="not_switchable",
            field="kinds",
        )
    return kind

"""Every write of the notification pipeline.

notify() is the one way any part of Kiezmarkt tells people something. Callers pass a kind (a
row of kinds.KINDS), the recipients, a JSON-serialisable context and an event key that names
the event once. The rows are written in the caller's transaction; after it commits, Celery
tasks send them (tasks.py hands them over, sending.py sends), and a periodic sweep
(tasks.notifications_sweep) re-queues what a lost task or a dead worker left behind.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import InvalidInput, NotFound
from marketplace.models import User
from marketplace.notices import Recipient
from marketplace.rows import insert_new, insert_selected, mark_written

from . import tokens
from .kinds import KINDS, Kind, get_kind, in_app_kind_names
from .models import (
    Notification,
    NotificationAttachment,
    NotificationOptOut,
    NotificationStatus,
)
from .selectors import opted_out_user_ids, recipient_addresses_for, recipients_source

# The sending half of the outbox, also named here for the callers that know it from here.
from .tasks import enqueue_on_commit


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes


# What a caller attaches: the same files for everyone, or each recipient's own copy (a
# calendar invitation names its recipient and speaks their language).
Attachments = Iterable[Attachment] | Callable[[Recipient], Iterable[Attachment]]


def notify(
    *,
    kind: str,
    recipients: Iterable[User | Recipient],
    context: dict,
    event_key: str,
    organisation=None,
    attachments: Attachments = (),
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
    attachments: Attachments = (),
) -> list[Notification]:
    """notify() the people of `organisation` who should hear about `kind`: its admins always,
    its other members unless they switched the kind off (selectors.recipients_source()
    already leaves those out, so no second look at the preferences). Errors as notify().

    Without attachments the rows are inserted straight from the members in one statement
    (this runs in every booking request); attachments are made per recipient, so with them
    the recipients are read first."""
    if attachments:
        recipients = [
            Recipient(email=email, language=language, user_id=user_id)
            for user_id, email, language in recipient_addresses_for(organisation, kind)
        ]
        return _write(kind, _distinct(recipients), context, event_key, organisation, attachments)
    source, params = recipients_source(organisation, kind)
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    template = Notification(
        email="", organisation_id=org_id, kind=kind, context=context, event_key=event_key
    )
    # A recipient told of this event before is left out by notification_once, as in _write().
    new = insert_selected(
        template,
        select=_FROM_MEMBERS,
        source=source,
        params=params,
        returning=["id", "recipient", "email", "language"],
    )
    created = [
        Notification(
            pk=pk,
            recipient_id=user_id,
            email=email,
            language=language,
            organisation_id=org_id,
            kind=kind,
            context=context,
            event_key=event_key,
            created_at=template.created_at,
            updated_at=template.updated_at,
        )
        for pk, user_id, email, language in new
    ]
    mark_written(*created)
    enqueue_on_commit([row.pk for row in created])
    return created


# Each member's own values in notify_organisation()'s insert (addresses compared in lower
# case, as _distinct() does).
_FROM_MEMBERS = {
    "recipient_id": 'm."user_id"',
    "email": 'lower(u."email")',
    "language": 'u."language"',
}


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
    attachments: Attachments,
) -> list[Notification]:
    kind_row = get_kind(kind)
    if callable(attachments):
        files = {r.email: list(attachments(r)) for r in recipients}
    else:
        shared = list(attachments)
        files = {r.email: shared for r in recipients}
    if any(files.values()) and not kind_row.attachments:
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
    # All rows in one insert that leaves out whoever was already told of this event.
    created = _insert_unless_notified(rows)
    NotificationAttachment.objects.bulk_create(
        NotificationAttachment(
            notification=notification,
            filename=attachment.filename,
            mimetype=attachment.mimetype,
            content=attachment.content,
        )
        for notification in created
        for attachment in files[notification.email]
    )
    if created:
        enqueue_on_commit([n.pk for n in created])
    return created


def _insert_unless_notified(rows: list[Notification]) -> list[Notification]:
    """The rows whose recipient was not yet told of the event (notification_once: one address
    per event key), inserted, with their ids; the others are left out. One statement, no
    savepoint: a recipient told before does not break the caller's transaction."""
    new = dict(insert_new(rows, returning=["email", "id"]))
    created = []
    for row in rows:
        if row.email in new:
            row.pk = new[row.email]
            created.append(row)
    mark_written(*created)
    return created


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
            enqueue_on_commit(ids)
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

"""notify(): the one way any part of Kiezmarkt tells people something.

Callers pass a kind (a folder of templates under templates/notifications/), the recipients,
a JSON-serialisable context and an event key that names the event once. The rows are written in
the caller's transaction; the e-mails are queued only after it commits.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from marketplace.models import User

from .models import Notification, NotificationAttachment


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes


@dataclass(frozen=True)
class Recipient:
    """An address to notify; `user` is None for someone without an account (an invitee)."""

    email: str
    language: str = "de"
    user: User | None = None

    @classmethod
    def of(cls, user: User) -> "Recipient":
        return cls(email=user.email, language=user.language, user=user)


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

    A recipient already notified of `event_key` is skipped, so calling twice is harmless.
    Caller may hold locks; nothing is sent before its transaction commits.
    """
    from .tasks import send_notification

    attachments = list(attachments)
    created: list[Notification] = []
    seen: set[str] = set()
    for item in recipients:
        recipient = item if isinstance(item, Recipient) else Recipient.of(item)
        address = recipient.email.lower()
        if address in seen:
            continue
        seen.add(address)
        try:
            # A savepoint, so a duplicate does not break the caller's transaction.
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient.user,
                    email=address,
                    organisation=organisation,
                    kind=kind,
                    context=context,
                    language=recipient.language,
                    event_key=event_key,
                )
        except IntegrityError:
            continue
        for attachment in attachments:
            NotificationAttachment.objects.create(
                notification=notification,
                filename=attachment.filename,
                mimetype=attachment.mimetype,
                content=attachment.content,
            )
        created.append(notification)
    for notification in created:
        send_notification.delay_on_commit(notification.pk)
    return created

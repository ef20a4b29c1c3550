"""The outbox's copies of a person's data, for marketplace.anonymisation: the stored context of
each notification (from which the e-mail, its subject and the in-app line are rendered), the
server's last answer, the attachments, and the e-mail files of the embedded run.

A notification about a referenced record (its event key begins with the reference) loses every
text that mentions the person, even by part of the name; any other notification loses the texts
that name the person in full.
"""

from email import message_from_bytes, policy
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from marketplace.anonymisation import Subject

from .mail_backends import EmlFileBackend
from .models import Notification, NotificationAttachment


def _about(subject: Subject) -> Q:
    query = Q(pk__in=[])
    for reference in subject.references:
        query |= Q(event_key__startswith=f"{reference}:")
    return query


def outbox_erase(subject: Subject) -> int:
    annotation, mentions = subject.json_filter("context")
    rows = (
        Notification.objects.alias(**annotation)
        .filter(_about(subject) | mentions | subject.text_filter("last_error"))
        .only("pk", "event_key", "context", "last_error")
    )
    changed = 0
    for row in rows:
        loosely = any(row.event_key.startswith(f"{ref}:") for ref in subject.references)
        context = subject.erase(row.context, loosely=loosely)
        error = subject.erase(row.last_error, loosely=loosely)
        if (context, error) != (row.context, row.last_error):
            Notification.objects.filter(pk=row.pk).update(context=context, last_error=error)
            changed += 1
        for attachment in NotificationAttachment.objects.filter(notification_id=row.pk):
            text = bytes(attachment.content).decode("utf-8", "ignore")
            if subject.mentioned_in(text, loosely=loosely):
                attachment.delete()
                changed += 1
    return changed


def _mail(path: Path) -> tuple[str, str]:
    """(Message-ID, subject and text parts) of an e-mail file."""
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    texts = [str(message.get("subject", ""))]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            texts.append(part.get_content())
    return str(message.get("message-id", "")).strip(), "\n".join(texts)


def mail_files_erase(subject: Subject) -> int:
    """The embedded run writes every e-mail as a file (mail_backends.EmlFileBackend): those that
    mention the person are deleted."""
    backend = f"{EmlFileBackend.__module__}.{EmlFileBackend.__name__}"
    if backend != settings.EMAIL_BACKEND:
        return 0
    directory = Path(getattr(settings, "EMAIL_FILE_PATH", "") or ".")
    # E-mails about a referenced record are recognised by their Message-ID (the outbox's).
    about = {
        notification.message_id
        for notification in Notification.objects.filter(_about(subject)).only("pk")
    }
    deleted = 0
    for path in directory.glob("*.eml"):
        message_id, text = _mail(path)
        if subject.mentioned_in(text, loosely=message_id in about):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted

"""How the base tells people something: organisation and account notices (applied, approved,
invited, verify your address, reset your password) go through notify().

The floors: `marketplace` is the base and imports no other app; `notifications` stands on it
(its rows point to users and organisations, its e-mails use the base's tokens). The outbox's
notify() therefore lives one floor up, and the base reaches it here, through Django's app
registry (notifications/apps.py), the one place where it does. Same contract as
notifications.services.notify(): rows written in the caller's transaction, sent after commit.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps

from .models import User


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
) -> list:
    """notifications.services.notify(): one notification row per distinct recipient, written
    in the caller's transaction and handed to Celery after its commit."""
    return apps.get_app_config("notifications").notify(
        kind=kind,
        recipients=recipients,
        context=context,
        event_key=event_key,
        organisation=organisation,
    )

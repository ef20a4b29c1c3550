"""The password reset e-mail, written after the web request has answered (marketplace/tasks.py
runs it), so that the answer neither says nor, by taking longer, shows whether an address has an
account. Asked for by accounts.user_request_password_reset()."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import User
from ..notices import notify

PASSWORD_RESET_KIND = "account_password_reset"  # noqa: S105 (a template folder)


def password_reset_send(*, email: str) -> None:
    """Queue the reset e-mail if the address belongs to an active account; nothing otherwise.
    The link is made when the e-mail is rendered (notifications/secret_links.py). `email` as
    accounts.normalize_email() leaves it."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        notify(
            kind=PASSWORD_RESET_KIND,
            recipients=[user],
            context={
                "email": user.email,
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            # Each request is its own e-mail; a repeat within the same second is sent once.
            event_key=f"{PASSWORD_RESET_KIND}:{user.pk}:{int(timezone.now().timestamp())}",
        )

"""The one-click link to cancel a registration (in the confirmation, waiting-list, promotion
and reminder e-mails): a signed registration id, good until the event starts (the service
refuses later)."""

from django.conf import settings
from django.core import signing

SALT = "network.registration.cancel"


def cancel_token(registration_id: int) -> str:
    return signing.dumps(registration_id, salt=SALT, compress=False)


def registration_id_from(token: str) -> int | None:
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def cancel_url(registration_id: int) -> str:
    return f"{settings.SITE_URL}/termine/abmelden/{cancel_token(registration_id)}/"

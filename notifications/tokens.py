"""The one-click unsubscribe link: a signed (person, kind) pair, not stored anywhere.

It does not expire: mail clients keep the List-Unsubscribe address of old e-mails, and the
link can only ever switch one kind off for one person.
"""

from django.conf import settings
from django.core import signing

UNSUBSCRIBE_SALT = "kiezmarkt.notifications.unsubscribe"
# Primary keys are bigints; a larger number in a forged link must not reach the database.
_MAX_PK = 2**63 - 1


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(token: str) -> str:
    return f"{settings.SITE_URL}/benachrichtigungen/abbestellen/{token}/"


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a genuine token, None for anything else."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    user_id, kind = payload.get("u"), payload.get("k")
    if not isinstance(user_id, int) or not 0 < user_id <= _MAX_PK or not isinstance(kind, str):
        return None
    return user_id, kind

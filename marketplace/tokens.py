"""The secrets in links that open an account or a membership: the e-mail verification token,
the password reset pair and the invitation token.

None is stored. Each is built when its e-mail is rendered (notifications/secret_links.py), from
the person's or the invitation's current state, so neither the outbox nor any other table holds
a usable link. The verification token is a signed, timestamped payload (user id and the
address it was sent to), so it expires after EMAIL_VERIFICATION_MAX_AGE and stops fitting once
the address changes. The reset token is Django's default_token_generator: it expires after
PASSWORD_RESET_TIMEOUT and is spent as soon as the password (or last sign-in) changes. The
invitation token is derived from the invitation's id with SECRET_KEY; the database
keeps only its SHA-256 hash (Invitation.token_hash) to find the invitation a link points to.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from .errors import InvalidInput
from .models import Invitation, User

EMAIL_VERIFICATION_SALT = "kiezmarkt.accounts.email-verification"
INVITATION_SALT = "kiezmarkt.organisations.invitation"
# Primary keys are bigints; a larger number in a forged link must not reach the database.
_MAX_PK = 2**63 - 1


def email_verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFICATION_SALT)


def email_verification_url(token: str) -> str:
    return f"{settings.SITE_URL}/konto/bestaetigen/{token}/"


def user_from_email_verification_token(token: str) -> User:
    """The active person the token was issued to; raises InvalidInput if it is expired, forged,
    or issued for an address the account no longer has."""
    try:
        payload = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise InvalidInput(
            _(
                "Der Bestätigungslink ist abgelaufen. Bitte fordern Sie einen neuen "
                "Bestätigungslink an."
            ),
            code="token_expired",
            field="token",
        ) from None
    except signing.BadSignature:
        raise _invalid_verification_token() from None
    if not isinstance(payload, dict):
        raise _invalid_verification_token()
    user_id, email = payload.get("user"), payload.get("email")
    if not isinstance(user_id, int) or not isinstance(email, str):
        raise _invalid_verification_token()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email.lower() != email.lower():
        raise _invalid_verification_token()
    return user


def _invalid_verification_token() -> InvalidInput:
    return InvalidInput(
        _("Der Bestätigungslink ist ungültig."), code="token_invalid", field="token"
    )


def password_reset_pair(user: User) -> tuple[str, str]:
    """(uidb64, token) for the reset link."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def password_reset_url(uidb64: str, token: str) -> str:
    return f"{settings.SITE_URL}/konto/passwort/{uidb64}/{token}/"


def user_from_password_reset_pair(uidb64: str, token: str) -> User:
    """The active person the pair was issued to; raises InvalidInput if the link is forged,
    expired or already used (a changed password spends the token)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        raise _invalid_reset_link() from None
    if not 0 < pk <= _MAX_PK:
        raise _invalid_reset_link()
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        raise _invalid_reset_link()
    return user


def _invalid_reset_link() -> InvalidInput:
    return InvalidInput(
        _(
            "Der Link zum Zurücksetzen des Passworts ist ungültig oder abgelaufen. "
            "Bitte fordern Sie einen neuen an."
        ),
        code="token_invalid",
        field="token",
    )


def invitation_token(invitation: Invitation) -> str:
    """The secret in the invitation's link (64 hex characters). Needs the saved invitation."""
    if invitation.pk is None:
        raise ValueError("an invitation gets its token once it is saved")
    # Ids are never reused (PostgreSQL sequences, SQLite AUTOINCREMENT), so neither are tokens.
    return salted_hmac(INVITATION_SALT, str(invitation.pk), algorithm="sha256").hexdigest()


def invitation_token_hash(token: str) -> str:
    """What the database keeps of an invitation token: enough to find it, useless as a link."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(invitation: Invitation) -> str:
    return f"{settings.SITE_URL}/einladung/{invitation_token(invitation)}/"

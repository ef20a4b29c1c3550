"""People's own accounts: sign-up, e-mail verification, sign-in tokens, password reset, profile.

Called alike by the API (marketplace/api/accounts.py) and the web pages. Answers that must not
reveal whether an address has an account (sign-up, password reset, resending verification) are
the same either way; the owner of an account is told by e-mail when someone signs up with it.
"""

from functools import partial

from django.conf import settings
from django.contrib.auth import authenticate, password_validation, user_logged_in
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from .. import signals, tokens
from ..errors import DomainError, InvalidInput, NotAllowed
from ..models import Language, User
from ..notices import notify
from ..tasks import queue_password_reset
from .legal import privacy_consent_record, privacy_notice_to_accept

VERIFY_EMAIL_KIND = "account_verify_email"
ACCOUNT_EXISTS_KIND = "account_exists"


class SignInLocked(DomainError):
    """Too many failed sign-ins for this address from this IP address (django-axes)."""

    status_code = 429
    code = "locked_out"


def normalize_email(email: str) -> str:
    # Addresses are stored lower-case (UserManager); sign-in and lockouts key on the same form.
    return email.strip().lower()


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise InvalidInput(
            " ".join(error.messages), code="password_invalid", field="password"
        ) from None


def user_register(
    *,
    email: str,
    password: str,
    full_name: str,
    privacy_notice_accepted: bool,
    privacy_notice_version: int | None = None,
    language: str = "de",
) -> User | None:
    """Create an unverified account and send the verification e-mail after commit.

    The person must accept the privacy notice in force (the version they were shown, if
    `privacy_notice_version` says which); the account records which version and when.
    The caller's answer must not tell whether the address has an account: for an address that
    has one, nothing is created, the owner is told by e-mail instead (ACCOUNT_EXISTS_KIND), and
    None is returned. Raises InvalidInput (field "password") if Django's password validators
    refuse the password, (field "full_name" or "language") for a blank name or unknown language,
    (field "privacy_notice_accepted" or "privacy_notice_version") without a valid consent.
    """
    notice = privacy_notice_to_accept(
        accepted=privacy_notice_accepted, version=privacy_notice_version
    )
    email = normalize_email(email)
    full_name = full_name.strip()
    if language not in Language.values:
        raise InvalidInput(_("Unbekannte Sprache."), field="language")
    if not full_name:
        raise InvalidInput(_("Bitte geben Sie Ihren Namen an."), field="full_name")
    _validate_password(password, User(email=email, full_name=full_name))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # As long as a new account takes: the password is hashed either way.
        make_password(password)
        _tell_owner_of_sign_up(existing)
        return None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name,
                language=language,
                email_verified=False,
            )
            privacy_consent_record(user=user, notice=notice)
            _send_verification(user)
    except IntegrityError:
        # A concurrent sign-up with the same address won the race (unique constraint).
        _tell_owner_of_sign_up(User.objects.get(email__iexact=email))
        return None
    return user


def _tell_owner_of_sign_up(owner: User) -> None:
    """Someone signed up with the owner's address: tell them (they may have forgotten the
    account), with links to sign in or reset the password. Nothing for a deactivated account."""
    if not owner.is_active:
        return
    with transaction.atomic():
        notify(
            kind=ACCOUNT_EXISTS_KIND,
            recipients=[owner],
            context={"email": owner.email},
            event_key=f"{ACCOUNT_EXISTS_KIND}:{owner.pk}:{int(timezone.now().timestamp())}",
        )


def _send_verification(user: User) -> None:
    # The link is made when the e-mail is rendered (notifications/secret_links.py); a repeat
    # within the same second is the same e-mail and is sent once.
    notify(
        kind=VERIFY_EMAIL_KIND,
        recipients=[user],
        context={
            "email": user.email,
            "valid_days": settings.EMAIL_VERIFICATION_MAX_AGE.days,
        },
        event_key=f"{VERIFY_EMAIL_KIND}:{user.pk}:{int(timezone.now().timestamp())}",
    )


def user_resend_verification(*, email: str) -> None:
    """Send a fresh verification e-mail if the address belongs to an active, unverified account.

    Does nothing otherwise, so the caller's answer is the same whether or not the account exists.
    """
    user = User.objects.filter(
        email__iexact=normalize_email(email), is_active=True, email_verified=False
    ).first()
    if user is not None:
        with transaction.atomic():
            _send_verification(user)


def user_verify_email(*, token: str) -> User:
    """Mark the account the token was issued to as verified. Verifying twice is harmless.

    Raises InvalidInput (code "token_expired" or "token_invalid", field "token").
    """
    user = tokens.user_from_email_verification_token(token)
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def user_authenticate(*, request: HttpRequest, email: str, password: str) -> User:
    """The verified, active person with this e-mail address and password: the check behind
    every sign-in (API token here; the web pages then call django.contrib.auth.login).

    `request` is the Django HttpRequest: django-axes counts failures per address and client IP
    address. Raises SignInLocked (429) from the AXES_FAILURE_LIMIT-th failure until
    AXES_COOLOFF_TIME has passed, also for the right password; InvalidInput (code
    "invalid_credentials") for a wrong address or password, the same for both; NotAllowed
    (code "email_not_verified") for the right password of an unverified account.
    """
    user = authenticate(request=request, email=normalize_email(email), password=password)
    if getattr(request, "axes_locked_out", False):
        minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
        raise SignInLocked(
            ngettext(
                "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist für %(minutes)d "
                "Minute gesperrt; Sie können Ihr Passwort zurücksetzen.",
                "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist für %(minutes)d "
                "Minuten gesperrt; Sie können Ihr Passwort zurücksetzen.",
                minutes,
            )
            % {"minutes": minutes}
        )
    if user is None:
        raise InvalidInput(
            _("E-Mail-Adresse oder Passwort ist falsch."), code="invalid_credentials"
        )
    if not user.email_verified:
        raise NotAllowed(
            _(
                "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse über den Link in der "
                "Bestätigungs-E-Mail. Sie können einen neuen Link anfordern."
            ),
            code="email_not_verified",
        )
    return user


def token_obtain(*, request: HttpRequest, email: str, password: str) -> Token:
    """The person's API token (created on first sign-in) for a correct e-mail and password.

    Raises what user_authenticate() raises.
    """
    user = user_authenticate(request=request, email=email, password=password)
    token, _created = Token.objects.get_or_create(user=user)
    # A sign-in like the web one: updates last_login and lets django-axes forget past failures.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token


def token_revoke(*, user: User) -> None:
    """Sign the person out of the API: their token stops working. Harmless without a token."""
    Token.objects.filter(user=user).delete()


def user_request_password_reset(*, email: str) -> None:
    """Ask for a reset link to be e-mailed to `email` once the caller's transaction commits.

    The look-up happens after the response, in a task (password_reset_send()), so that the
    answer neither says nor, by taking longer, shows whether the address has an account. If
    the task cannot be queued (the broker is down), the work is done at once instead.
    """
    email = normalize_email(email)
    transaction.on_commit(partial(queue_password_reset, email))


def user_reset_password(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link and sign the person out of the API everywhere;
    signals.password_reset lets other apps end what else grants access (the calendar feed).

    The link proves the person reads the address, so it also counts as verifying it.
    Raises InvalidInput (code "token_invalid") for a forged, expired or used link, InvalidInput
    (field "password") if the password validators refuse the new password.
    """
    user = tokens.user_from_password_reset_pair(uidb64, token)
    _validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.email_verified = True
        user.save(update_fields=["password", "email_verified"])
        Token.objects.filter(user=user).delete()
        signals.password_reset.send(sender=User, user=user)
    return user


def user_update_profile(
    *, user: User, full_name: str | None = None, language: str | None = None
) -> User:
    """Change the person's own name and language (the e-mail address cannot be changed here).

    Raises InvalidInput for an empty name or an unknown language.
    """
    fields = []
    if full_name is not None:
        full_name = full_name.strip()
        if not full_name:
            raise InvalidInput(_("Bitte geben Sie Ihren Namen an."), field="full_name")
        user.full_name = full_name
        fields.append("full_name")
    if language is not None:
        if language not in Language.values:
            raise InvalidInput(_("Unbekannte Sprache."), field="language")
        user.language = language
        fields.append("language")
    if fields:
        user.save(update_fields=fields)
    return user

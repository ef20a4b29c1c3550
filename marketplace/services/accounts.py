"""People's own accounts: sign-up, e-mail verification, sign-in tokens, password reset, profile.

Called alike by the API (marketplace/api/accounts.py) and the web pages. Answers that must not
reveal whether an address has an account (password reset, resending verification) return
nothing either way.
"""

from django.conf import settings
from django.contrib.auth import authenticate, password_validation, user_logged_in
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from notifications.services import notify

from .. import tokens
from ..errors import DomainError, InvalidInput, NotAllowed
from ..models import Language, User
from .legal import privacy_consent_record, privacy_notice_to_accept

VERIFY_EMAIL_KIND = "account_verify_email"
PASSWORD_RESET_KIND = "account_password_reset"  # noqa: S105 (a template folder)


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
) -> User:
    """Create an unverified account and send the verification e-mail after commit.

    The person must accept the privacy notice in force (the version they were shown, if
    `privacy_notice_version` says which); the account records which version and when.
    Raises InvalidInput (field "email") if the address already has an account, InvalidInput
    (field "password") if Django's password validators refuse the password, InvalidInput
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
    if User.objects.filter(email__iexact=email).exists():
        raise _email_taken()
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
        raise _email_taken() from None
    return user


def _email_taken() -> InvalidInput:
    return InvalidInput(
        _(
            "Für diese E-Mail-Adresse gibt es bereits ein Konto. Bitte melden Sie sich an "
            "oder setzen Sie Ihr Passwort zurück."
        ),
        code="email_taken",
        field="email",
    )


def _send_verification(user: User) -> None:
    token = tokens.email_verification_token(user)
    notify(
        kind=VERIFY_EMAIL_KIND,
        recipients=[user],
        context={
            "email": user.email,
            "verify_url": tokens.email_verification_url(token),
            "valid_days": settings.EMAIL_VERIFICATION_MAX_AGE.days,
        },
        # The token carries its timestamp, so each request is its own event; a repeat within
        # the same second is the same e-mail and is sent once.
        event_key=f"{VERIFY_EMAIL_KIND}:{user.pk}:{token.rsplit(':', 2)[-2]}",
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
    """E-mail a reset link if the address belongs to an active account; do nothing otherwise,
    so the caller's answer does not reveal which addresses have accounts."""
    user = User.objects.filter(email__iexact=normalize_email(email), is_active=True).first()
    if user is None:
        return
    uidb64, token = tokens.password_reset_pair(user)
    with transaction.atomic():
        notify(
            kind=PASSWORD_RESET_KIND,
            recipients=[user],
            context={
                "email": user.email,
                "reset_url": tokens.password_reset_url(uidb64, token),
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            event_key=f"{PASSWORD_RESET_KIND}:{user.pk}:{token}",
        )


def user_reset_password(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link and sign the person out of the API everywhere.

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

"""Links that open an account or a membership, built when the e-mail is rendered.

Whoever can read the outbox (the coordinators in the admin, a database dump, a backup) must not
find a usable link there, so the callers of notify() put only ids in the context and the link
is made here, at sending time, from the current state of the person or the invitation
(marketplace/tokens.py). A link that no longer fits that state (the account was deactivated,
the invitation revoked) is not sent: the builder raises ValueError and the row fails with the
reason.
"""

from collections.abc import Callable

from marketplace import tokens
from marketplace.models import Invitation, User

from .models import Notification


def _account_holder(notification: Notification) -> User:
    """The active person the e-mail is addressed to, still at that address."""
    user = notification.recipient
    if user is None or not user.is_active:
        raise ValueError("the account is gone or deactivated")
    if user.email.lower() != notification.email.lower():
        raise ValueError("the account's address changed since the e-mail was queued")
    return user


def _verify_email(notification: Notification) -> dict:
    token = tokens.email_verification_token(_account_holder(notification))
    return {"verify_url": tokens.email_verification_url(token)}


def _password_reset(notification: Notification) -> dict:
    uidb64, token = tokens.password_reset_pair(_account_holder(notification))
    return {"reset_url": tokens.password_reset_url(uidb64, token)}


def _invitation(notification: Notification) -> dict:
    invitation = Invitation.objects.filter(pk=notification.context.get("invitation_id")).first()
    if invitation is None or invitation.email.lower() != notification.email.lower():
        raise ValueError("the invitation is gone")
    if not invitation.is_open:
        raise ValueError("the invitation was accepted or revoked before it was sent")
    token = tokens.invitation_token(invitation)
    if invitation.token_hash != tokens.invitation_token_hash(token):
        # Invitations from before tokens were derived keep their old hash: no link fits it.
        raise ValueError("the invitation's link cannot be made again; invite anew")
    return {"accept_url": tokens.invitation_url(invitation)}


BUILDERS: dict[str, Callable[[Notification], dict]] = {
    "account_verify_email": _verify_email,
    "account_password_reset": _password_reset,
    "invitation": _invitation,
}


def secret_links(notification: Notification) -> dict:
    """The links of the notification's kind for its template (none for most kinds)."""
    builder = BUILDERS.get(notification.kind)
    return builder(notification) if builder else {}

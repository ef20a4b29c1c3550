"""The secret address of a person's private calendar feed."""

import secrets

from django.db import transaction
from django.utils import timezone

from marketplace.models import User

from ..models import CalendarFeedToken

# --- private calendar feed --------------------------------------------------------------------


def _new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_token_get(*, user: User) -> CalendarFeedToken:
    """The person's calendar feed token, made on first use.

    Precondition: an active person with an account. Raises nothing (two concurrent first
    calls both end with the one row that won).
    """
    token = CalendarFeedToken.objects.filter(user=user).first()
    if token is not None:
        return token
    with transaction.atomic():
        token, _created = CalendarFeedToken.objects.get_or_create(
            user=user, defaults={"token": _new_feed_token()}
        )
    return token


def calendar_feed_token_rotate(*, user: User) -> None:
    """Replace the person's feed token if they have one (after a password reset): the old URL
    answers 404 from now on, the person finds the new one on their page. Raises nothing."""
    with transaction.atomic():
        token = CalendarFeedToken.objects.select_for_update().filter(user=user).first()
        if token is not None:
            token.token = _new_feed_token()
            token.created_at = timezone.now()
            token.save(update_fields=["token", "created_at"])


def calendar_feed_token_regenerate(*, user: User) -> CalendarFeedToken:
    """Replace the person's feed token (made if there was none); the old URL answers 404 from
    now on. Raises nothing."""
    with transaction.atomic():
        token, created = CalendarFeedToken.objects.select_for_update().get_or_create(
            user=user, defaults={"token": _new_feed_token()}
        )
        if not created:
            token.token = _new_feed_token()
            token.created_at = timezone.now()
            token.save(update_fields=["token", "created_at"])
    return token

"""Celery entry points of the base and the hand-off to them: account work done after the web
request has answered. Imports point one way: services.accounts → tasks → services.password_reset.
"""

import logging

from celery import shared_task

from .idempotency import idempotency_keys_purge
from .services.password_reset import password_reset_send

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def send_password_reset(email: str) -> None:
    # After the response, so that a known and an unknown address are answered alike and as fast.
    password_reset_send(email=email)


def queue_password_reset(email: str) -> None:
    """Hand the reset e-mail to a worker (after the caller's commit). If the task cannot be
    queued (the broker is down), the work is done at once instead."""
    try:
        send_password_reset.delay(email)
    except Exception:  # whatever the broker raised: better a slower answer than no e-mail
        logger.warning("could not queue a password reset; doing it in the request")
        password_reset_send(email=email)


@shared_task(acks_late=True, ignore_result=True)
def purge_idempotency_keys() -> int:
    return idempotency_keys_purge()

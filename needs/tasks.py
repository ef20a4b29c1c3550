"""Celery entry points of needs (scheduled in CELERY_BEAT_SCHEDULE). Thin: call a service."""

from celery import shared_task

from .services import needs_expire, needs_send_digests


@shared_task(acks_late=True, ignore_result=True)
def expire_needs() -> int:
    return needs_expire()


@shared_task(acks_late=True, ignore_result=True)
def send_digests() -> int:
    return needs_send_digests()

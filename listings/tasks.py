"""Celery entry points of listings (scheduled in CELERY_BEAT_SCHEDULE). Thin: call a service."""

import logging

from celery import shared_task

from .services import sweeps

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def close_expired_job_offers() -> int:
    """Close job offers whose application deadline has passed."""
    closed = sweeps.job_offers_close_expired()
    if closed:
        logger.info("closed %d job offers after their deadline", closed)
    return closed


@shared_task(acks_late=True, ignore_result=True)
def refresh_next_dates() -> int:
    """Move volunteer actions' next date past slots that have ended."""
    return sweeps.volunteer_actions_refresh_next_dates()

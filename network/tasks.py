"""Celery entry points of the network (beat schedule in settings). Thin: the services re-read
what they change and send each reminder once."""

from celery import shared_task

from .services.registrations import registration_notes_purge, registrations_remind_tomorrow
from .services.series import series_extend


@shared_task(acks_late=True, ignore_result=True)
def remind_tomorrow() -> int:
    return registrations_remind_tomorrow()


@shared_task(acks_late=True, ignore_result=True)
def purge_notes() -> int:
    return registration_notes_purge()


@shared_task(acks_late=True, ignore_result=True)
def extend_series() -> int:
    return series_extend()

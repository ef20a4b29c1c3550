"""Celery entry points of bookings (beat schedule in settings). Thin: the services re-fetch,
re-check each booking under its lock and skip what changed meanwhile."""

from celery import shared_task

from .services import (
    booking_expire_unanswered,
    booking_remind_upcoming,
    loan_mark_overdue,
    referral_anonymise_expired,
    waitlist_expire_passed,
)


@shared_task(acks_late=True, ignore_result=True)
def expire_unanswered() -> int:
    return booking_expire_unanswered()


@shared_task(acks_late=True, ignore_result=True)
def mark_overdue_loans() -> int:
    return loan_mark_overdue()


@shared_task(acks_late=True, ignore_result=True)
def anonymise_referrals() -> int:
    return referral_anonymise_expired()


@shared_task(acks_late=True, ignore_result=True)
def remind_upcoming() -> int:
    return booking_remind_upcoming()


@shared_task(acks_late=True, ignore_result=True)
def expire_waitlist() -> int:
    return waitlist_expire_passed()

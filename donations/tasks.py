"""Celery entry points of donations (beat schedule in settings). Thin: the services decide."""

from celery import shared_task

from .services.collective import collective_receipt_offers_send


@shared_task(acks_late=True, ignore_result=True)
def offer_collective_receipts() -> int:
    """Runs daily; only in January does it e-mail each organisation its donors due a collective
    receipt for the year just ended, once per organisation and year."""
    return collective_receipt_offers_send()

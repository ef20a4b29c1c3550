"""Celery entry points of the base: account work done after the web request has answered."""

from celery import shared_task

from .services.accounts import password_reset_send


@shared_task(acks_late=True, ignore_result=True)
def send_password_reset(email: str) -> None:
    # After the response, so that a known and an unknown address are answered alike and as fast.
    password_reset_send(email=email)

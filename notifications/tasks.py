"""Celery entry points of the outbox. They take ids, lock the row and skip what is final."""

import logging
import smtplib

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .models import FINAL_STATUSES, Notification, NotificationStatus
from .rendering import render_email

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def send_notification(notification_id: int) -> None:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status in FINAL_STATUSES:
            return
        notification.status = NotificationStatus.SENDING
        notification.attempts += 1
        notification.save(update_fields=["status", "attempts", "updated_at"])
    try:
        render_email(notification).send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("notification %s not sent: %s", notification_id, error)
        Notification.objects.filter(pk=notification_id).update(
            status=NotificationStatus.RETRY, last_error=str(error)[:2000]
        )
        return
    Notification.objects.filter(pk=notification_id).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), last_error=""
    )

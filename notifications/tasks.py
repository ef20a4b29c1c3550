"""Celery entry points of the outbox. They take ids and leave the work to services.py.

acks_late + reject_on_worker_lost: a task is acknowledged only when it has finished, so a
worker that dies mid-task leaves it to the broker to hand out again. That alone is not enough
(with Redis an unacknowledged task returns only after the visibility timeout, and a task
published just before Redis died is gone), hence the periodic sweep.
"""

from celery import shared_task

from .services import notification_send, notifications_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_notification(notification_id: int) -> str:
    outcome = notification_send(notification_id=notification_id)
    if outcome.retry_in is not None:
        # The row says when it is due; this message asks for the attempt then. Were it lost,
        # the sweep queues the row once it is due.
        send_notification.apply_async((notification_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(acks_late=True, ignore_result=True)
def sweep_notifications() -> int:
    return notifications_sweep()

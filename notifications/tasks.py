"""Celery entry points of the outbox. They take ids and leave the work to services.py.

acks_late + reject_on_worker_lost: a task is acknowledged only when it has finished, so a
worker that dies mid-task leaves it to the broker to hand out again. That alone is not enough
(with Redis an unacknowledged task returns only after the visibility timeout, and a task
published just before Redis died is gone), hence the periodic sweep.
"""

from celery import shared_task
from django.db import close_old_connections

from .services import notification_send, notifications_sweep


def _fresh_database_connection(task) -> None:
    # Workers keep their database connection between tasks (CELERY_DB_REUSE_MAX). Like Django
    # at the start of a request, drop it if it broke or outlived CONN_MAX_AGE. Not when the
    # task runs eagerly inside the caller, whose connection (and transaction) is in use.
    if not task.request.is_eager:
        close_old_connections()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_notification(self, notification_id: int) -> str:
    _fresh_database_connection(self)
    outcome = notification_send(notification_id=notification_id)
    if outcome.retry_in is not None:
        # The row says when it is due; this message asks for the attempt then. Were it lost,
        # the sweep queues the row once it is due.
        send_notification.apply_async((notification_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(bind=True, acks_late=True, ignore_result=True)
def sweep_notifications(self) -> int:
    _fresh_database_connection(self)
    return notifications_sweep()

"""Celery entry points of the outbox. They take ids and leave the work to services.py.

acks_late + reject_on_worker_lost: a task is acknowledged only when it has finished, so a
worker that dies mid-task leaves it to the broker to hand out again. That alone is not enough
(with Redis an unacknowledged task returns only after the visibility timeout, and a task
published just before Redis died is gone), hence the periodic sweep.
"""

import time

from celery import shared_task
from django.db import close_old_connections

from .services import notifications_send, notifications_sweep

_CONNECTION_CHECK_INTERVAL = 1.0  # seconds
_last_connection_check = 0.0


def _fresh_database_connection(task) -> None:
    """Like Django at the start of a request, drop the database connection if it broke or
    outlived CONN_MAX_AGE (workers keep it between tasks, see CELERY_DB_REUSE_MAX).

    At most once a second: each check costs a round trip to the database (CONN_HEALTH_CHECKS),
    as much as one of the e-mail's own queries. A task that meets a connection broken since the
    last check fails, its row waits for the sweep, and the next check replaces the
    connection. Not when the task runs eagerly inside the caller, whose connection (and
    transaction) is in use.
    """
    global _last_connection_check
    if task.request.is_eager:
        return
    now = time.monotonic()
    if now - _last_connection_check >= _CONNECTION_CHECK_INTERVAL:
        _last_connection_check = now
        close_old_connections()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_notifications(self, notification_ids: list[int]) -> dict[str, str]:
    _fresh_database_connection(self)
    outcomes = notifications_send(notification_ids=notification_ids)
    for notification_id, outcome in outcomes.items():
        if outcome.retry_in is not None:
            # The row says when it is due; this message asks for the attempt then. Were it
            # lost, the sweep queues the row once it is due.
            send_notifications.apply_async(([notification_id],), countdown=outcome.retry_in)
    return {str(notification_id): outcome.status for notification_id, outcome in outcomes.items()}


@shared_task(bind=True, acks_late=True, ignore_result=True)
def sweep_notifications(self) -> int:
    _fresh_database_connection(self)
    return notifications_sweep()

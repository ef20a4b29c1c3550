"""Celery entry points of the outbox and the hand-off to them. They take ids and leave the work
to sending.py; services.notify() hands its rows over with enqueue_on_commit(), which queues the
send task with Celery's delay_on_commit(). Imports point one way: services → tasks → sending.

acks_late + reject_on_worker_lost: a task is acknowledged only when it has finished, so a
worker that dies mid-task leaves it to the broker to hand out again. That alone is not enough
(with Redis an unacknowledged task returns only after the visibility timeout, and a task
published just before Redis died is gone), hence the periodic sweep.
"""

import time

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import close_old_connections, transaction
from kombu.utils.uuid import uuid

from .sending import notifications_send, requeue_stuck_and_due

# How many notifications one task sends: fewer tasks and database round trips per e-mail; a
# worker that dies still leaves at most one e-mail accepted but unrecorded (see
# sending._claim()).
SEND_BATCH = 20

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


class OutboxTask(DjangoTask):
    """A task queued after the caller's commit (Celery's delay_on_commit()) that never fails the
    caller: the change has committed, so a broker that cannot be reached is logged and the rows
    stay queued in the database, where the periodic sweep finds them and queues them later."""

    def delay_on_commit(self, *args, **kwargs) -> None:
        def hand_over() -> None:
            self.publish(*args, **kwargs)

        # robust: an error in the hand-off is logged by Django and does not reach the caller.
        transaction.on_commit(hand_over, robust=True)

    def publish(self, *args, **kwargs) -> None:
        """delay() through Celery's message API without apply_async()'s per-call work: the
        route is looked up once per process, the arguments' repr is written here rather than by
        saferepr. The message is the one delay() sends (same headers, queue, retry policy and
        publish signals); about half of delay()'s CPU, which every booking request paid
        (profiled with benchmarks/booking.py). Eager (tests, the embedded run): delay()."""
        app = self.app
        if app.conf.task_always_eager or app.current_worker_task is not None:
            # Eager, or inside a task (delay() records the parent and root task).
            self.delay(*args, **kwargs)
            return
        route = self.__dict__.get("_outbox_route")
        if route is None:
            route = self._outbox_route = app.amqp.router.route({}, self.name, args, kwargs, self)
        message = app.amqp.create_task_message(
            uuid(),
            self.name,
            args,
            kwargs,
            argsrepr=repr(args),
            kwargsrepr=repr(kwargs),
            reply_to=app.thread_oid,
            ignore_result=self.ignore_result,
        )
        with app.producer_or_acquire() as producer:
            app.amqp.send_task_message(producer, self.name, message, **route)


@shared_task(
    base=OutboxTask, bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
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


# --- hand-off ---------------------------------------------------------------------------------


def enqueue_on_commit(notification_ids: list[int]) -> None:
    """Hand the rows to Celery once the caller's transaction commits (at once outside a
    transaction), up to SEND_BATCH per task. If the broker cannot be reached then, the rows stay
    queued and the sweep hands them over later (OutboxTask)."""
    for start in range(0, len(notification_ids), SEND_BATCH):
        send_notifications.delay_on_commit(list(notification_ids[start : start + SEND_BATCH]))


def notifications_sweep() -> int:
    """Queue again what would otherwise wait forever (sending.requeue_stuck_and_due()) and hand
    it to Celery. Returns how many it queued."""
    requeued = requeue_stuck_and_due()
    enqueue_on_commit(requeued)
    return len(requeued)

"""Celery entry points of the outbox and the hand-off to them. They take ids and leave the work
to sending.py; services.notify() hands its rows over with enqueue_on_commit(), which queues the
send task after the caller's commit, gathered with other commits of the same process
(GatheredHandOff). Imports point one way: services → tasks → sending.

acks_late + reject_on_worker_lost: a task is acknowledged only when it has finished, so a
worker that dies mid-task leaves it to the broker to hand out again. That alone is not enough
(with Redis an unacknowledged task returns only after the visibility timeout, and a task
published just before Redis died is gone), hence the periodic sweep.
"""

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterator

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import close_old_connections, transaction
from kombu.utils.uuid import uuid

from .sending import notifications_send, requeue_stuck_and_due

# How many notifications one task sends: fewer tasks and database round trips per e-mail; a
# worker that dies still leaves at most one e-mail accepted but unrecorded (see
# sending._claim()).
SEND_BATCH = 20

logger = logging.getLogger(__name__)

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
    """The send task, with a cheaper way to queue it from a web process (publish())."""

    def publish(self, *args, **kwargs) -> None:
        """delay() through Celery's message API without apply_async()'s per-call work: the
        route is looked up once per process, the arguments' repr is written here rather than by
        saferepr. The message is the one delay() sends (same headers, queue, retry policy and
        publish signals); about half of delay()'s CPU, which every booking request paid
        (profiled with benchmarks/booking.py). Always sends a message, even where tasks run
        eagerly (_hand_over() decides that)."""
        app = self.app
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
    queued and the sweep hands them over later (GatheredHandOff)."""
    if notification_ids:
        ids = list(notification_ids)
        transaction.on_commit(lambda: _hand_over(ids), robust=True)


def _hand_over(notification_ids: list[int]) -> None:
    app = send_notifications.app
    if app.conf.task_always_eager or app.current_worker_task is not None:
        # Eager (tests, the embedded run) or inside a task: at once, as delay() does.
        for batch in _batches(notification_ids):
            send_notifications.delay(batch)
    elif settings.NOTIFICATIONS_HAND_OFF_SECONDS <= 0:
        _publish(notification_ids)
    else:
        _gathered.add(notification_ids)


def _batches(notification_ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(notification_ids), SEND_BATCH):
        yield notification_ids[start : start + SEND_BATCH]


def _publish(notification_ids: list[int]) -> None:
    """One task message per SEND_BATCH ids. A broker out of reach is logged; the rows stay
    queued and the sweep hands them over later."""
    for batch in _batches(notification_ids):
        try:
            send_notifications.publish(batch)
        except Exception:
            logger.exception("Could not hand notifications to Celery; the sweep will")


class GatheredHandOff:
    """The ids that this web process's transactions committed within a short window, handed
    to Celery together: one message per SEND_BATCH ids instead of one per request. A publish
    costs a web process more CPU than any other step of a booking request but its SQL
    (benchmarks/booking.py), and the worker gets fewer, fuller tasks.

    The window (NOTIFICATIONS_HAND_OFF_SECONDS, 0.05 s) is all an e-mail waits for. One daemon
    thread per process publishes, started on first use (also after a fork). Ids still held when
    the process ends are published at exit; were the process killed first, the rows are
    committed and queued, and the sweep hands them over (NOTIFICATIONS_STUCK_AFTER_SECONDS)."""

    def __init__(self) -> None:
        self.forget_parent()

    def forget_parent(self) -> None:
        """Start afresh (also in a forked child: the parent publishes what it gathered)."""
        self._ids: list[int] = []
        self._lock = threading.Lock()
        self._due = threading.Event()
        self._publisher: threading.Thread | None = None

    def add(self, notification_ids: list[int]) -> None:
        with self._lock:
            self._ids.extend(notification_ids)
            if self._publisher is None:
                self._publisher = threading.Thread(
                    target=self._run, name="notifications-hand-off", daemon=True
                )
                self._publisher.start()
        self._due.set()

    def _run(self) -> None:
        while True:
            self._due.wait()
            time.sleep(settings.NOTIFICATIONS_HAND_OFF_SECONDS)  # gather the next commits too
            self._due.clear()  # before taking the ids: an add() from now on wakes us again
            self.publish_all()

    def publish_all(self) -> None:
        with self._lock:
            ids, self._ids = self._ids, []
        _publish(ids)


_gathered = GatheredHandOff()
atexit.register(_gathered.publish_all)
os.register_at_fork(after_in_child=_gathered.forget_parent)


def notifications_sweep() -> int:
    """Queue again what would otherwise wait forever (sending.requeue_stuck_and_due()) and hand
    it to Celery. Returns how many it queued."""
    requeued = requeue_stuck_and_due()
    enqueue_on_commit(requeued)
    return len(requeued)

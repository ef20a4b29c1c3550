"""Row locks with a timeout, else Busy: the one place that decides how long a request waits for
a lock and what it answers when it does not get one.

Capacity (listings), donations and organisations lock rows with `select_for_update()`. On
PostgreSQL every connection sets `lock_timeout` to settings.LOCK_TIMEOUT_MS once, when it is
opened (`lock_timeout_per_connection()`, connected in marketplace/apps.py), so a request queues
behind a held lock for at most that long without a statement per transaction; a transaction
whose setting differs from the connection's (a test that changed it) sets it for itself. On
SQLite, which has no row locks, writing transactions queue for the database lock (BEGIN
IMMEDIATE with the busy timeout of the settings). Either way a lock not had in time is a
database error; `busy_on_lock_contention()` turns it into the domain error `Busy` (409 with
Retry-After), recognised by its error code, never by its message text. The API's exception
handler and the pages' error middleware use `busy_from()` for the lock errors that no service
caught (SQLite's BEGIN at the request's start).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import Busy, DomainError

DEFAULT_LOCK_TIMEOUT_MS = 3000
# PostgreSQL: lock_timeout ran out; a deadlock was broken by aborting this transaction.
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"
POSTGRES_LOCK_STATES = frozenset({LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED})
# SQLite: the database (or a shared-cache table) is locked by another connection; the primary
# code is the low byte of the extended one.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6


def lock_timeout_ms() -> int:
    return int(getattr(settings, "LOCK_TIMEOUT_MS", DEFAULT_LOCK_TIMEOUT_MS))


def lock_timeout_per_connection(sender, connection, **kwargs) -> None:
    """connection_created: a new PostgreSQL connection waits at most LOCK_TIMEOUT_MS for any
    lock. Runs right after connecting, in autocommit, so the setting lasts as long as the
    connection (a SET inside a transaction that rolls back would be undone)."""
    if connection.vendor != "postgresql":
        return
    timeout = lock_timeout_ms()
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {timeout}")
    connection.lock_timeout_ms = timeout


def set_lock_timeout() -> None:
    """Waiting for a row lock in the current transaction ends after LOCK_TIMEOUT_MS (PostgreSQL;
    SQLite's writers wait for their busy timeout instead). Precondition: inside a transaction.
    Costs no statement when the connection was opened with the setting in force."""
    if not connection.in_atomic_block:
        raise RuntimeError("Row locks are taken inside transaction.atomic() only.")
    if connection.vendor == "postgresql":
        timeout = lock_timeout_ms()
        if getattr(connection, "lock_timeout_ms", None) == timeout:
            return
        with connection.cursor() as cursor:
            # LOCAL: the setting ends with the transaction (the connection is reused).
            cursor.execute(f"SET LOCAL lock_timeout = {timeout}")


def is_lock_contention(error: BaseException) -> bool:
    """Whether a database error says that a lock was not had (by its code, not its text)."""
    driver_error = error.__cause__ if isinstance(error, DatabaseError) else error
    if driver_error is None:
        return False
    sqlstate = getattr(driver_error, "sqlstate", None) or getattr(driver_error, "pgcode", None)
    if sqlstate is not None:
        return sqlstate in POSTGRES_LOCK_STATES
    sqlite_code = getattr(driver_error, "sqlite_errorcode", None)
    return sqlite_code is not None and sqlite_code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)


def busy_from(error: BaseException, message: str | None = None) -> Busy | None:
    """The Busy error for a lock contention error, else None."""
    if not isinstance(error, DatabaseError) or not is_lock_contention(error):
        return None
    return Busy(message or _("Gerade zu viele gleichzeitige Anfragen. Bitte gleich noch einmal."))


@contextmanager
def busy_on_lock_contention(message: str) -> Iterator[None]:
    """A lock not had inside the block raises Busy(message); other errors pass unchanged.
    The surrounding transaction is unusable afterwards and must be left."""
    try:
        yield
    except DatabaseError as error:
        busy = busy_from(error, message)
        if busy is None:
            raise
        raise busy from error


@contextmanager
def locking_transaction(busy_message: str) -> Iterator[None]:
    """A transaction whose lock waits end after LOCK_TIMEOUT_MS; a lock not had in time (also
    SQLite's database lock at BEGIN or COMMIT) raises Busy(busy_message)."""
    with busy_on_lock_contention(busy_message), transaction.atomic():
        set_lock_timeout()
        yield


@contextmanager
def checked_before_written() -> Iterator[None]:
    """transaction.atomic() for an action that locks, checks, and only then writes (a booking
    request: lock → check → hold). A refusal from the checks (a DomainError other than Busy)
    leaves the transaction by COMMIT and is raised after it: nothing was written, so that
    commits nothing and releases the lock, as a rollback would. A rollback would also make
    psycopg drop every prepared statement of the connection (it cannot know whether the
    transaction changed the schema), and every refused request would parse and plan its
    statements anew: PostgreSQL's CPU per refusal 0.80 → 0.35 ms (benchmarks/booking.py).
    Busy and any other error roll back as usual (after a lock timeout the transaction is
    unusable). Precondition: the block raises no DomainError after its first write."""
    refusal = None
    with transaction.atomic():
        try:
            yield
        except Busy:
            raise
        except DomainError as error:
            refusal = error
    if refusal is not None:
        raise refusal


def lock_rows(queryset: QuerySet, *, busy_message: str) -> list:
    """The rows of `queryset` (which says `select_for_update()`), locked until the caller's
    transaction ends; Busy(busy_message) when a row stays locked too long. Precondition: inside
    transaction.atomic() with set_lock_timeout() done (locking_transaction() does both)."""
    if not connection.in_atomic_block:
        raise RuntimeError("Row locks are taken inside transaction.atomic() only.")
    with busy_on_lock_contention(busy_message):
        return list(queryset)

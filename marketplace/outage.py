"""While the database is away, answer 503 with Retry-After instead of Django's HTML 500.

Under /api/ the answer is JSON ({"detail": ..., "code": "database_unavailable"}); the web pages
get templates/503.html, a "gleich wieder da" page rendered without the database (no session,
no user, no context processors). /health/ names the part that is down.

Two hooks, because Django turns an exception into a response at every middleware layer:
DatabaseOutageMiddleware.process_exception answers what a view raised (and logs one warning
per WARN_EVERY seconds instead of a traceback per request), and marketplace.error_views.server_error
(handler500) answers what a middleware raised (a session saved, a user looked up) the same way.
"""

import logging
import sqlite3
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

WARN_EVERY = 60.0  # seconds
_last_warned = float("-inf")  # per process: every handler (and test client) shares it
# PostgreSQL's answers that mean "no database to talk to right now": connection exceptions
# (class 08), shut down by an administrator or a crash, starting up, no free connection.
_POSTGRES_UNAVAILABLE = {"57P01", "57P02", "57P03", "53300"}
# SQLite: the file is unreadable or cannot be opened (sqlite3 result codes). A busy or locked
# database is another writer holding the lock: contention, which marketplace/locking.py answers
# as Busy (409 with Retry-After), not an outage.
_SQLITE_UNAVAILABLE = {10, 14}  # IOERR, CANTOPEN


def is_database_unavailable(error: BaseException | None) -> bool:
    """True for errors that say the database cannot be reached, not that a query is wrong nor
    that a lock was not had in time (is_lock_contention: Busy)."""
    if isinstance(error, InterfaceError):
        return True  # the connection broke (closed by the server) and was not replaced yet
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return (getattr(cause, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_UNAVAILABLE
    sqlstate = getattr(cause, "sqlstate", None)
    # psycopg raises without an SQLSTATE when no server answered at all (refused, reset).
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in _POSTGRES_UNAVAILABLE


def retry_after() -> int:
    return int(getattr(settings, "DATABASE_OUTAGE_RETRY_AFTER", 15))


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 for `request`, made without touching the database."""
    seconds = retry_after()
    # Middleware that runs after this answer (private caching headers) must not look the
    # person up: that needs the session, in the database.
    request.user = AnonymousUser()
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _(
                    "Kiezmarkt ist gleich wieder da: Die Datenbank ist gerade nicht erreichbar. "
                    "Bitte versuchen Sie es in %(seconds)d Sekunden noch einmal."
                )
                % {"seconds": seconds},
                "code": "database_unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": seconds}),
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """First in MIDDLEWARE. Turns a view's database-unavailable error into the 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_database_unavailable(exception):
            return None
        global _last_warned
        now = time.monotonic()
        if now - _last_warned >= WARN_EVERY:
            _last_warned = now
            logger.warning(
                "database unavailable, answering 503 (%s: %s); /health/ shows what is down",
                type(exception).__name__,
                str(exception).strip().splitlines()[0] if str(exception).strip() else "",
            )
        return database_unavailable_response(request)

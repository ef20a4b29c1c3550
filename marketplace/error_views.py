"""Django's error views (404, 500, 403, 400), answering in JSON under /api/.

A request that never reaches a DRF view (a path that matches no route, an id the path converter
refuses, an exception DRF re-raises) would otherwise get the web pages' HTML. The 500 answer
stays minimal on purpose: it must work when nothing else does (no database, no templates).
"""

import sys

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from marketplace.errors import Busy
from marketplace.locking import busy_from
from marketplace.outage import database_unavailable_response, is_database_unavailable

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def page_not_found(request, exception):
    if _is_api(request):
        return _json(_("Nicht gefunden."), "not_found", 404)
    return defaults.page_not_found(request, exception)


def _busy(request, busy: Busy):
    """409 with Retry-After for a lock not had in time outside a view (SQLite's database lock
    when the session is saved), as the API and the pages answer it inside a view. Rendered
    without the database: the person is not looked up."""
    if _is_api(request):
        response = _json(busy.message, busy.code, 409)
    else:
        response = HttpResponse(
            render_to_string("409_busy.html", {"retry_after": busy.retry_after}),
            status=409,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(busy.retry_after)
    return response


def server_error(request):
    error = sys.exc_info()[1]
    # A database outage met outside a view (a session saved, a user looked up): 503, not 500.
    if is_database_unavailable(error):
        return database_unavailable_response(request)
    # A lock not had in time there is contention, not an outage: 409 Busy, as in a view.
    busy = busy_from(error) if error is not None else None
    if busy is not None:
        return _busy(request, busy)
    if _is_api(request):
        # Fixed text, no translation: this must work when nothing else does.
        return _json("Interner Fehler. Bitte später noch einmal versuchen.", "server_error", 500)
    return defaults.server_error(request)


def permission_denied(request, exception):
    if _is_api(request):
        return _json(_("Keine Berechtigung."), "permission_denied", 403)
    return defaults.permission_denied(request, exception)


def bad_request(request, exception):
    if _is_api(request):
        return _json(_("Ungültige Anfrage."), "bad_request", 400)
    return defaults.bad_request(request, exception)

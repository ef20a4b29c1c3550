"""Django's error views (404, 500, 403, 400), answering in JSON under /api/.

A request that never reaches a DRF view (a path that matches no route, an id the path converter
refuses, an exception DRF re-raises) would otherwise get the web pages' HTML. The 500 answer
stays minimal on purpose: it must work when nothing else does (no database, no templates).
"""

import sys

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

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


def server_error(request):
    # A database outage met outside a view (a session saved, a user looked up): 503, not 500.
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
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

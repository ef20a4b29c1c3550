"""Every API error is JSON: {"detail": ...} or field errors, with the right 4xx status."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Busy, DomainError
from .locking import busy_from


def exception_handler(exc, context):
    # A lock not had in time that no service turned into Busy (SQLite's BEGIN, a deadlock).
    exc = busy_from(exc) or exc
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body = {exc.field: [exc.message], "detail": exc.message, "code": exc.code}
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Busy) else None
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nicht gefunden."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("Keine Berechtigung."))
    elif isinstance(exc, IntegrityError):
        # A constraint caught what the service's checks let through (a race): the request
        # conflicts with the current state; the transaction was rolled back.
        return Response(
            {
                "detail": _("Die Änderung widerspricht dem aktuellen Stand. Bitte neu laden."),
                "code": "conflict",
            },
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)

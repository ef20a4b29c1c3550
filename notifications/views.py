"""The one-click unsubscribe page: /benachrichtigungen/abbestellen/<token>/.

GET shows what the link would switch off and a button; only POST changes anything, because
mail scanners and link previews follow links in e-mails. Mail clients that support RFC 8058
POST "List-Unsubscribe=One-Click" straight here, without a CSRF token (the signed token is
what authorises the request).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from marketplace.errors import DomainError

from . import services


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            user, kind = services.notification_unsubscribe(token=token)
        else:
            user, kind = services.unsubscribe_target(token)
    except DomainError as error:
        return render(
            request,
            "notifications/unsubscribe.html",
            {"error": error.message},
            status=error.status_code,
        )
    with translation.override(user.language):
        return render(
            request,
            "notifications/unsubscribe.html",
            {"kind": kind, "done": request.method == "POST", "email": user.email},
        )

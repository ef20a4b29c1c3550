"""The one-click cancel page of the registration e-mails: /termine/abmelden/<token>/.

GET shows the event and a button; only POST cancels, because mail scanners and link previews
follow links in e-mails. The signed token stands for the person (network/links.py); the
service refuses once the event has begun.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from marketplace.errors import DomainError

from . import notices
from .links import registration_id_from
from .models import Registration, RegistrationState
from .services.registrations import registration_cancel_by_link

TEMPLATE = "network/registration_cancel.html"


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration_id = registration_id_from(token)
    registration = (
        Registration.objects.select_related("event", "person", "organisation")
        .filter(pk=registration_id)
        .first()
        if registration_id is not None
        else None
    )
    if registration is None:
        return render(request, TEMPLATE, {"error": _("Dieser Link ist ungültig.")}, status=404)
    with translation.override(registration.person.language):
        context = {
            "registration": registration,
            "event": registration.event,
            "when": notices.when(registration.event),
        }
        if request.method == "POST":
            try:
                registration_cancel_by_link(registration_id=registration.pk)
            except DomainError as error:
                return render(
                    request, TEMPLATE, {**context, "error": error.message}, status=error.status_code
                )
            context["done"] = True
        elif registration.state == RegistrationState.CANCELLED:
            context["done"] = True
        return render(request, TEMPLATE, context)

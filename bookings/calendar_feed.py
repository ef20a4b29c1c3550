"""A person's private calendar feed: a secret URL a calendar program subscribes to.

- GET  /kalender/<token>.ics                 no login: the confirmed dates of every booking of
                                             the person's organisations, and whatever else an
                                             app registered with notifications.calendar_files
                                             (404 for an unknown or replaced token)
- GET  /api/v1/calendar-feed/                my feed's URL (made on first use)
- POST /api/v1/calendar-feed/regenerate/     a new URL; the old one stops working
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_base import ErrorSerializer, StrictSerializer
from notifications import calendar_files

from . import services
from .models import CalendarFeedToken
from .selectors import feed_owner


def feed_url(token: CalendarFeedToken) -> str:
    return f"{settings.SITE_URL}{token.path}"


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    owner = feed_owner(token)
    if owner is None:
        raise Http404(_("Diesen Kalender gibt es nicht (mehr)."))
    # Calendar programs fetch without cookies or Accept-Language: the owner's language.
    with translation.override(owner.language):
        name = _("%(site)s – Termine von %(person)s") % {
            "site": settings.SITE_NAME,
            "person": owner.full_name or owner.email,
        }
        body = calendar_files.feed(owner, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kiezmarkt.ics"'
    # The URL is the secret: no shared caches, no search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


class NoBodySerializer(StrictSerializer):
    """Regenerating takes no input (unknown fields are refused)."""


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text=_("geheime Adresse zum Abonnieren im Kalenderprogramm"))
    created_at = serializers.DateTimeField()


def _shown(token: CalendarFeedToken) -> dict:
    return {"url": feed_url(token), "created_at": token.created_at}


class CalendarFeedView(APIView):
    @extend_schema(
        responses={200: CalendarFeedSerializer, 401: ErrorSerializer},
        summary="My private calendar feed URL (made on first use)",
    )
    def get(self, request: Request) -> Response:
        token = services.calendar_feed_token_get(user=request.user)
        return Response(CalendarFeedSerializer(_shown(token)).data)


class CalendarFeedRegenerateView(APIView):
    @extend_schema(
        request=None,
        responses={200: CalendarFeedSerializer, 400: ErrorSerializer, 401: ErrorSerializer},
        summary="Replace my calendar feed URL; the old one stops working",
    )
    def post(self, request: Request) -> Response:
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        token = services.calendar_feed_token_regenerate(user=request.user)
        return Response(CalendarFeedSerializer(_shown(token)).data)

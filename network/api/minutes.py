"""The minutes of an event, under /api/v1/events/{id}/minutes/: thin views over
network/services/minutes.py.

- GET  events/{id}/minutes/                        read them (see network/selectors_minutes.py)
- PUT  events/{id}/minutes/                        write or correct them (the hosts)
- POST events/{id}/minutes/publish/                publish: the registered people (an AG
                                                   meeting: the group's members) are told
- POST events/{id}/minutes/attachments/            a photo or PDF (multipart field `file`)
- GET/DELETE events/{id}/minutes/attachments/{a}/  the file; remove it (the hosts)
- GET  working-groups/{id}/minutes/                a group's minutes, newest meeting first

An event or minutes the person may not read answer 404; writing without being a host 403.
"""

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from marketplace.api_base import error_responses
from marketplace.api_filters import NoFilters
from marketplace.errors import NotFound
from marketplace.pagination import Key, Ordering

from ..attachments import attachment_response
from ..models import Event, Minutes, MinutesAttachment
from ..selectors import visible_event
from ..selectors_groups import group_for
from ..selectors_minutes import (
    attendance_of,
    may_read_group_minutes,
    may_read_minutes,
    minutes_of_event,
    published_minutes_of_group,
)
from ..services import minutes as services
from .minutes_serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    MinutesInputSerializer,
    MinutesSerializer,
    MinutesSummarySerializer,
)

TAG = ["minutes"]

_ERRORS = {
    400: gettext_lazy('Ungültige Eingabe: {"detail": ...} oder Fehler je Feld.'),
    401: gettext_lazy("Nicht angemeldet."),
    403: gettext_lazy("Sichtbar, aber nicht erlaubt (nur die Gastgeber)."),
    404: gettext_lazy("Gibt es nicht oder ist für Sie nicht sichtbar."),
    409: gettext_lazy(
        "Widerspricht dem aktuellen Stand (Veranstaltung noch nicht begonnen oder abgesagt, "
        "schon veröffentlicht, zu viele Anhänge); bei code=busy mit Retry-After."
    ),
}

NEWEST_MEETING_FIRST = Ordering(
    "meeting",
    (
        Key("event__starts_at", descending=True, type="datetime"),
        Key("id", descending=True),
    ),
)


def _errors(*codes: int) -> dict:
    return error_responses(_ERRORS, *codes)


def _event_or_404(request, pk: int) -> Event:
    event = visible_event(request.user, pk)
    if event is None:
        raise NotFound(_("Veranstaltung nicht gefunden."))
    return event


def _readable_minutes(request, event: Event) -> Minutes:
    minutes = minutes_of_event(event)
    if minutes is None or not may_read_minutes(
        request.user, event, published=minutes.published_at is not None
    ):
        raise NotFound(_("Zu dieser Veranstaltung gibt es (noch) kein Protokoll."))
    return minutes


def _show(request, event: Event) -> dict:
    minutes = _readable_minutes(request, event)
    return MinutesSerializer(minutes, context={"attendance": list(attendance_of(event))}).data


class MinutesView(generics.GenericAPIView):
    serializer_class = MinutesSerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Das Protokoll einer Veranstaltung"),
        responses={200: MinutesSerializer, **_errors(401, 404)},
    )
    def get(self, request, pk: int):
        return Response(_show(request, _event_or_404(request, pk)))

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Das Protokoll schreiben oder korrigieren (Gastgeber)"),
        description=gettext_lazy(
            "Text, beteiligte Organisationen, Beschlüsse und nächste Schritte (ersetzen die "
            "bisherigen) und, wenn angegeben, wie viele Personen je Organisation da waren."
        ),
        request=MinutesInputSerializer,
        responses={200: MinutesSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def put(self, request, pk: int):
        event = _event_or_404(request, pk)
        parsed = MinutesInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        attendance = data.get("attendance")
        services.minutes_save(
            event=event,
            by=request.user,
            text=data["text"],
            organisation_ids=data.get("organisations", []),
            decisions=[
                services.DecisionInput(
                    text=item["text"], owner_id=item.get("owner"), due=item.get("due")
                )
                for item in data.get("decisions", [])
            ],
            attendance=None
            if attendance is None
            else {row["organisation"]: row["count"] for row in attendance},
        )
        return Response(_show(request, event))


class MinutesPublishView(generics.GenericAPIView):
    serializer_class = MinutesSerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Das Protokoll veröffentlichen (Gastgeber)"),
        request=None,
        responses={200: MinutesSerializer, **_errors(401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        event = _event_or_404(request, pk)
        services.minutes_publish(event=event, by=request.user)
        return Response(_show(request, event))


class AttachmentsView(generics.GenericAPIView):
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Einen Anhang hochladen: Foto (JPEG, PNG, WebP) oder PDF"),
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        event = _event_or_404(request, pk)
        parsed = AttachmentUploadSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        attachment = services.minutes_attachment_add(
            event=event, by=request.user, upload=parsed.validated_data["file"]
        )
        return Response(
            AttachmentSerializer(attachment, context={"event_id": event.pk}).data,
            status=status.HTTP_201_CREATED,
        )


class AttachmentView(generics.GenericAPIView):
    serializer_class = AttachmentSerializer

    def _attachment(self, request, pk: int, attachment_id: int) -> MinutesAttachment:
        event = _event_or_404(request, pk)
        minutes = _readable_minutes(request, event)
        attachment = (
            MinutesAttachment.objects.filter(pk=attachment_id, minutes=minutes)
            .select_related("minutes__event")
            .first()
        )
        if attachment is None:
            raise NotFound(_("Anhang nicht gefunden."))
        return attachment

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Einen Anhang herunterladen"),
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="die Datei"),
            **_errors(401, 404),
        },
    )
    def get(self, request, pk: int, attachment_id: int):
        return attachment_response(self._attachment(request, pk, attachment_id))

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Einen Anhang entfernen (Gastgeber)"),
        request=None,
        responses={204: None, **_errors(401, 403, 404)},
    )
    def delete(self, request, pk: int, attachment_id: int):
        services.minutes_attachment_delete(
            attachment=self._attachment(request, pk, attachment_id), by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupMinutesView(generics.ListAPIView):
    serializer_class = MinutesSummarySerializer
    filterset_class = NoFilters
    page_ordering = NEWEST_MEETING_FIRST

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        group = group_for(request.user, kwargs["pk"])
        if group is None or not may_read_group_minutes(request.user, group):
            raise NotFound(_("Arbeitsgruppe nicht gefunden."))
        self.group = group

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Minutes.objects.none()
        return published_minutes_of_group(self.group, self.request.user)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Die Protokolle der Treffen einer Arbeitsgruppe"),
        responses={200: MinutesSummarySerializer(many=True), **_errors(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("events/<id:pk>/minutes/", MinutesView.as_view(), name="minutes"),
    path("events/<id:pk>/minutes/publish/", MinutesPublishView.as_view(), name="minutes-publish"),
    path(
        "events/<id:pk>/minutes/attachments/",
        AttachmentsView.as_view(),
        name="minutes-attachments",
    ),
    path(
        "events/<id:pk>/minutes/attachments/<id:attachment_id>/",
        AttachmentView.as_view(),
        name="minutes-attachment",
    ),
    path(
        "working-groups/<id:pk>/minutes/", GroupMinutesView.as_view(), name="working-group-minutes"
    ),
]

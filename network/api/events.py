"""/api/v1/events/: thin views over network/services.

- GET   events/                              list (kind, from, until, group, host, state,
                                             registered=me; keyset pages); open without an
                                             account (public events only)
- POST  events/                              create a draft (hosts)
- GET   events/{id}/  PATCH events/{id}/     one event; edit it (hosts)
- POST  events/{id}/publish|cancel|close/    lifecycle (hosts)
- GET   events/{id}/ics/                     the event's calendar file (public events: anyone)
- GET   events/{id}/registrations/           all (hosts) or mine
- POST  events/{id}/registrations/           register (Idempotency-Key)
- POST  events/{id}/registrations/{rid}/cancel/
- GET   events/{id}/waiting-list/            in order (hosts: all; others: their own place)
- GET/PUT events/{id}/attendance/            who came, counts per organisation (hosts)
- GET/POST events/{id}/stations/  PATCH events/{id}/stations/{sid}/
- POST  events/series/  GET events/series/{id}/  POST .../publish/  GET .../ics/

What the caller may not see is a 404; what the state does not allow a 409.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_base import error_responses, page_of, require_json_object
from marketplace.errors import InvalidInput, NotFound
from marketplace.idempotency import created_once
from marketplace.models import Organisation, OrganisationStatus
from marketplace.pagination import Key, Ordering, page_parameters, page_response, paginate

from .. import calendar, selectors
from ..models import (
    Event,
    EventSeries,
    OrganisationAttendance,
    Registration,
    RegistrationState,
    Station,
    WorkingGroup,
)
from ..services import events as event_services
from ..services import registrations as registration_services
from ..services import series as series_services
from ..services.events import EventDetails, StationDetails
from .serializers import (
    AttendanceSerializer,
    AttendanceWriteSerializer,
    CancelSerializer,
    EmptySerializer,
    EventListParams,
    EventSerializer,
    EventWriteSerializer,
    RegistrationCreateSerializer,
    RegistrationSerializer,
    SeriesSerializer,
    SeriesWriteSerializer,
    StationSerializer,
    StationWriteSerializer,
    WaitingEntrySerializer,
)

TAG = ["events"]
BY_START = Ordering("starts", (Key("starts_at", type="datetime"), Key("id")))
IN_ORDER = Ordering("order", (Key("created_at", type="datetime"), Key("id")))

_ERRORS = {
    400: gettext_lazy('Ungültige Eingabe: {"detail": ...} oder Fehler je Feld.'),
    401: gettext_lazy("Nicht angemeldet."),
    403: gettext_lazy("Sichtbar, aber nicht erlaubt (z. B. nicht Gastgeber)."),
    404: gettext_lazy("Gibt es nicht oder ist für Sie nicht sichtbar."),
    409: gettext_lazy(
        "Widerspricht dem aktuellen Stand (Status, Beginn, schon angemeldet); "
        "bei code=busy mit Retry-After."
    ),
}


def _errors(*codes: int) -> dict:
    return error_responses(_ERRORS, *codes)


def _event_or_404(request, pk: int) -> Event:
    event = selectors.event_for(request.user, pk)
    if event is None:
        raise NotFound(_("Diese Veranstaltung gibt es nicht."))
    return event


def _show(request, pk: int) -> dict:
    return EventSerializer(_event_or_404(request, pk)).data


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _organisations(ids: list[int], field: str) -> list[Organisation]:
    found = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(_("Diese Organisation gibt es nicht."), field=field)
    return [found[pk] for pk in ids]


def _details(data: dict) -> tuple[EventDetails, frozenset]:
    values = dict(data)
    unset = frozenset(
        name
        for name in ("capacity", "registration_deadline", "group")
        if name in values and values[name] is None
    )
    if "hosts" in values:
        values["hosts"] = _organisations(values["hosts"], "hosts")
    if values.get("group") is not None:
        group = WorkingGroup.objects.filter(pk=values["group"]).first()
        if group is None:
            raise InvalidInput(_("Diese Arbeitsgruppe gibt es nicht."), field="group")
        values["group"] = group
    for name in unset:
        values[name] = None
    return EventDetails(**values), unset


def _parsed(serializer_class, request, **kwargs):
    require_json_object(request)
    parsed = serializer_class(data=request.data, **kwargs)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data


class EventListView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Veranstaltungen (ohne Konto: nur öffentliche)"),
        operation_id="events_list",
        parameters=[EventListParams],
        responses={200: page_of(EventSerializer, "Event"), **_errors(400, 401)},
    )
    def get(self, request):
        params = EventListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        options = params.validated_data
        events = selectors.events_for_display(request.user)
        if "kind" in options:
            events = events.filter(kind=options["kind"])
        if "state" in options:
            events = events.filter(state=options["state"])
        if "from" in options:
            events = events.filter(starts_at__gte=_start_of(options["from"]))
        if "until" in options:
            events = events.filter(starts_at__lt=_start_of(options["until"] + dt.timedelta(1)))
        if "group" in options:
            events = events.filter(group_id=options["group"])
        if "host" in options:
            events = events.filter(hosts=options["host"])
        if options.get("registered") == "me":
            if not request.user.is_authenticated:
                raise NotAuthenticated(_("Bitte anmelden."))
            events = events.filter(
                Q(
                    pk__in=Registration.objects.filter(
                        person=request.user,
                        state__in=[RegistrationState.REGISTERED, RegistrationState.WAITING],
                    ).values("event_id")
                )
            )
        page = paginate(
            events,
            BY_START,
            cursor=options.get("cursor"),
            size=options.get("page_size", 20),
        )
        return page_response(request, page, EventSerializer(page.rows, many=True).data)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Veranstaltung als Entwurf anlegen"),
        request=EventWriteSerializer,
        responses={201: EventSerializer, **_errors(400, 401, 403)},
    )
    def post(self, request):
        details, _unset = _details(_parsed(EventWriteSerializer, request))
        event = event_services.event_create(by=request.user, details=details)
        return Response(_show(request, event.pk), status=status.HTTP_201_CREATED)


class EventDetailView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(tags=TAG, responses={200: EventSerializer, **_errors(404)})
    def get(self, request, pk: int):
        return Response(_show(request, pk))

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Veranstaltung ändern (Zeit oder Ort: alle Angemeldeten erfahren es)"),
        request=EventWriteSerializer(partial=True),
        responses={200: EventSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        event = _event_or_404(request, pk)
        data = _parsed(EventWriteSerializer, request, partial=True)
        if not data:
            raise ValidationError({"detail": _("Bitte mindestens ein Feld angeben.")})
        details, unset = _details(data)
        event_services.event_update(event=event, by=request.user, details=details, unset=unset)
        return Response(_show(request, pk))


def _lifecycle_view(name: str, service, summary: str, input_serializer=EmptySerializer):
    def post(self, request, pk: int):
        event = _event_or_404(request, pk)
        data = _parsed(input_serializer, request)
        service(event=event, by=request.user, **data)
        return Response(_show(request, pk))

    post = extend_schema(
        tags=TAG,
        summary=summary,
        request=input_serializer,
        responses={200: EventSerializer, **_errors(400, 401, 403, 404, 409)},
    )(post)
    return type(f"Event{name.title()}View", (APIView,), {"post": post}).as_view()


def _ics_response(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


class EventCalendarView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Kalenderdatei (.ics) der Veranstaltung"),
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR),
            **_errors(404),
        },
    )
    def get(self, request, pk: int):
        event = _event_or_404(request, pk)
        with_link = bool(event.i_host if hasattr(event, "i_host") else False) or (
            getattr(event, "my_state", None) == RegistrationState.REGISTERED
        )
        return _ics_response(
            calendar.event_calendar(event, with_link=with_link), f"termin-{event.pk}"
        )


# --- registrations -------------------------------------------------------------------------------


def _default_organisation(request) -> int:
    ids = list(
        Organisation.objects.filter(
            memberships__user=request.user, status=OrganisationStatus.APPROVED
        ).values_list("pk", flat=True)[:2]
    )
    if len(ids) != 1:
        raise InvalidInput(
            _("Bitte angeben, für welche Organisation Sie sich anmelden."), field="organisation"
        )
    return ids[0]


def _registrations_for(request, event: Event):
    registrations = selectors.registrations_of(event)
    host = bool(getattr(event, "i_host", False))
    if not host:
        registrations = registrations.filter(person=request.user)
    return registrations, host


class RegistrationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Anmeldungen (Gastgeber: alle mit Hinweisen; sonst die eigenen)"),
        parameters=[
            OpenApiParameter("state", str, enum=[s.value for s in RegistrationState]),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses={200: page_of(RegistrationSerializer, "Registration"), **_errors(400, 401, 404)},
    )
    def get(self, request, pk: int):
        event = _event_or_404(request, pk)
        registrations, host = _registrations_for(request, event)
        unknown = set(request.query_params) - {"state", "cursor", "page_size"}
        if unknown:
            raise ValidationError({name: [_("Unbekannter Parameter.")] for name in unknown})
        state = request.query_params.get("state")
        if state is not None:
            if state not in RegistrationState.values:
                raise ValidationError({"state": [_("Diesen Status gibt es nicht.")]})
            registrations = registrations.filter(state=state)
        cursor, size = page_parameters(request.query_params)
        page = paginate(registrations, IN_ORDER, cursor=cursor, size=size)
        context = {"host": host, "viewer": request.user}
        return page_response(
            request, page, RegistrationSerializer(page.rows, many=True, context=context).data
        )

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Anmelden (oder auf die Warteliste, wenn ausgebucht)"),
        description=gettext_lazy(
            "Mit dem Header `Idempotency-Key` liefert eine Wiederholung die erste Antwort."
        ),
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
        request=RegistrationCreateSerializer,
        responses={201: RegistrationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        event = _event_or_404(request, pk)
        data = _parsed(RegistrationCreateSerializer, request)

        def register() -> dict:
            registration = registration_services.registration_create(
                event=event,
                by=request.user,
                organisation_id=data.get("organisation") or _default_organisation(request),
                companions=data["companions"],
                note=data["note"],
                station_id=data["station"],
            )
            return RegistrationSerializer(registration, context={"viewer": request.user}).data

        return created_once(request, register)


class RegistrationCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Abmelden (bis zum Beginn); ein frei gewordener Platz rückt nach"),
        request=EmptySerializer,
        responses={200: RegistrationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int, registration_id: int):
        event = _event_or_404(request, pk)
        _parsed(EmptySerializer, request)
        registrations, host = _registrations_for(request, event)
        registration = registrations.filter(pk=registration_id).first()
        if registration is None:
            raise NotFound(_("Diese Anmeldung gibt es nicht."))
        registration = registration_services.registration_cancel(
            registration=registration, by=request.user
        )
        return Response(
            RegistrationSerializer(
                registration, context={"host": host, "viewer": request.user}
            ).data
        )


class WaitingListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy(
            "Warteliste in ihrer Reihenfolge (Gastgeber: alle; sonst der eigene Platz)"
        ),
        parameters=[OpenApiParameter("station", int)],
        responses={200: WaitingEntrySerializer(many=True), **_errors(400, 401, 404)},
    )
    def get(self, request, pk: int):
        event = _event_or_404(request, pk)
        unknown = set(request.query_params) - {"station"}
        if unknown:
            raise ValidationError({name: [_("Unbekannter Parameter.")] for name in unknown})
        station = None
        if "station" in request.query_params:
            raw = request.query_params["station"]
            if not (raw.isascii() and raw.isdigit() and len(raw) < 16):
                raise ValidationError({"station": [_("Bitte eine id angeben.")]})
            station = Station.objects.filter(pk=int(raw), event=event).first()
            if station is None:
                raise NotFound(_("Diese Station gibt es nicht."))
        waiting = list(selectors.waiting_list_of(event, station))
        host = bool(getattr(event, "i_host", False))
        for position, registration in enumerate(waiting, start=1):
            registration.position = position
        if not host:
            waiting = [r for r in waiting if r.person_id == request.user.pk]
        context = {"host": host, "viewer": request.user}
        return Response(WaitingEntrySerializer(waiting, many=True, context=context).data)


# --- attendance ----------------------------------------------------------------------------------


def _host_event_or_404(request, pk: int) -> Event:
    event = _event_or_404(request, pk)
    if not getattr(event, "i_host", False):
        # Attendance and the full list are the hosts' only: others do not learn they exist.
        raise NotFound(_("Nicht gefunden."))
    return event


def _attendance(event: Event) -> dict:
    registrations = selectors.registrations_of(event).filter(state=RegistrationState.REGISTERED)
    counts = OrganisationAttendance.objects.filter(event=event).select_related("organisation")
    return AttendanceSerializer(
        {"registrations": registrations, "organisations": counts}, context={"host": True}
    ).data


class AttendanceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Wer da war (Gastgeber)"),
        responses={200: AttendanceSerializer, **_errors(401, 404)},
    )
    def get(self, request, pk: int):
        return Response(_attendance(_host_event_or_404(request, pk)))

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Anwesenheit erfassen: je Anmeldung und/oder Anzahl je Organisation"),
        request=AttendanceWriteSerializer,
        responses={200: AttendanceSerializer, **_errors(400, 401, 404, 409)},
    )
    def put(self, request, pk: int):
        event = _host_event_or_404(request, pk)
        data = _parsed(AttendanceWriteSerializer, request)
        with transaction.atomic():
            if "registrations" in data:
                registration_services.registration_attendance_set(
                    event=event,
                    by=request.user,
                    attended={
                        row["registration"]: row["attended"] for row in data["registrations"]
                    },
                )
            if "organisations" in data:
                registration_services.event_attendance_counts_set(
                    event=event,
                    by=request.user,
                    counts={row["organisation"]: row["count"] for row in data["organisations"]},
                )
        return Response(_attendance(event))


# --- stations ------------------------------------------------------------------------------------


def _station_details(data: dict) -> StationDetails:
    values = dict(data)
    if "host" in values:
        values["host"] = _organisations([values["host"]], "host")[0]
    return StationDetails(**values)


class StationListView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Programm: die Stationen der Veranstaltung"),
        responses={200: StationSerializer(many=True), **_errors(404)},
    )
    def get(self, request, pk: int):
        event = _event_or_404(request, pk)
        if request.query_params:
            raise ValidationError({"detail": _("Diese Liste nimmt keine Parameter.")})
        return Response(StationSerializer(selectors.stations_of(event), many=True).data)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Station anlegen (Gastgeber)"),
        request=StationWriteSerializer,
        responses={201: StationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        event = _event_or_404(request, pk)
        details = _station_details(_parsed(StationWriteSerializer, request))
        station = event_services.station_create(event=event, by=request.user, details=details)
        return Response(StationSerializer(station).data, status=status.HTTP_201_CREATED)


class StationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Station ändern (Gastgeber)"),
        request=StationWriteSerializer(partial=True),
        responses={200: StationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int, station_id: int):
        event = _event_or_404(request, pk)
        station = Station.objects.filter(pk=station_id, event=event).first()
        if station is None:
            raise NotFound(_("Diese Station gibt es nicht."))
        details = _station_details(_parsed(StationWriteSerializer, request, partial=True))
        station = event_services.station_update(station=station, by=request.user, details=details)
        return Response(StationSerializer(station).data)


# --- series --------------------------------------------------------------------------------------


def _series_or_404(request, pk: int) -> EventSeries:
    series = selectors.series_visible_to(request.user).filter(pk=pk).first()
    if series is None:
        raise NotFound(_("Diese Terminreihe gibt es nicht."))
    series.visible_occurrences = list(
        selectors.events_visible_to(request.user).filter(series=series).order_by("starts_at")
    )
    return series


class SeriesCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Terminreihe anlegen (RRULE; die Termine als Entwürfe)"),
        request=SeriesWriteSerializer,
        responses={201: SeriesSerializer, **_errors(400, 401, 403)},
    )
    def post(self, request):
        data = dict(_parsed(SeriesWriteSerializer, request))
        rrule = data.pop("rrule")
        minutes = data.pop("registration_closes_minutes", None)
        details, _unset = _details(data)
        series = series_services.series_create(
            by=request.user,
            details=details,
            rrule=rrule,
            registration_closes_before=(
                dt.timedelta(minutes=minutes) if minutes is not None else None
            ),
        )
        return Response(
            SeriesSerializer(_series_or_404(request, series.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class SeriesDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAG, responses={200: SeriesSerializer, **_errors(404)})
    def get(self, request, pk: int):
        return Response(SeriesSerializer(_series_or_404(request, pk)).data)


class SeriesPublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Alle kommenden Termine der Reihe veröffentlichen"),
        request=EmptySerializer,
        responses={200: SeriesSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        series = _series_or_404(request, pk)
        _parsed(EmptySerializer, request)
        series_services.series_publish(series=series, by=request.user)
        return Response(SeriesSerializer(_series_or_404(request, pk)).data)


class SeriesCalendarView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Kalenderdatei der Reihe (RRULE, EXDATE, RECURRENCE-ID)"),
        responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR), **_errors(404)},
    )
    def get(self, request, pk: int):
        series = _series_or_404(request, pk)
        return _ics_response(
            calendar.series_calendar(series, series.visible_occurrences), f"reihe-{series.pk}"
        )


urlpatterns = [
    path("events/", EventListView.as_view(), name="events"),
    path("events/series/", SeriesCreateView.as_view(), name="event-series"),
    path("events/series/<id:pk>/", SeriesDetailView.as_view(), name="event-series-detail"),
    path(
        "events/series/<id:pk>/publish/",
        SeriesPublishView.as_view(),
        name="event-series-publish",
    ),
    path("events/series/<id:pk>/ics/", SeriesCalendarView.as_view(), name="event-series-ics"),
    path("events/<id:pk>/", EventDetailView.as_view(), name="event"),
    path(
        "events/<id:pk>/publish/",
        _lifecycle_view(
            "publish", event_services.event_publish, gettext_lazy("Veröffentlichen und einladen")
        ),
        name="event-publish",
    ),
    path(
        "events/<id:pk>/cancel/",
        _lifecycle_view(
            "cancel",
            event_services.event_cancel,
            gettext_lazy("Absagen (alle Angemeldeten erhalten METHOD:CANCEL)"),
            CancelSerializer,
        ),
        name="event-cancel",
    ),
    path(
        "events/<id:pk>/close/",
        _lifecycle_view(
            "close", event_services.event_close, gettext_lazy("Als stattgefunden abschließen")
        ),
        name="event-close",
    ),
    path("events/<id:pk>/ics/", EventCalendarView.as_view(), name="event-ics"),
    path(
        "events/<id:pk>/registrations/",
        RegistrationListView.as_view(),
        name="event-registrations",
    ),
    path(
        "events/<id:pk>/registrations/<id:registration_id>/cancel/",
        RegistrationCancelView.as_view(),
        name="event-registration-cancel",
    ),
    path("events/<id:pk>/waiting-list/", WaitingListView.as_view(), name="event-waiting-list"),
    path("events/<id:pk>/attendance/", AttendanceView.as_view(), name="event-attendance"),
    path("events/<id:pk>/stations/", StationListView.as_view(), name="event-stations"),
    path(
        "events/<id:pk>/stations/<id:station_id>/",
        StationDetailView.as_view(),
        name="event-station",
    ),
]

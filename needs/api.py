"""/api/v1/needs/: thin views over needs/services/.

- GET  needs/                              needs one may see (filters: status, help_kind,
                                           category, organisation, mine), newest first
- POST needs/                              post a need (publish=true: at once); Idempotency-Key
- GET/PATCH needs/{id}/                    one need; edit it (its organisation)
- POST needs/{id}/publish|close|fulfil/    move it (its organisation)
- GET  needs/{id}/proposals/               all of them for the need's organisation, a
                                           company's own for its members
- POST needs/{id}/proposals/               answer the need (a company); Idempotency-Key
- POST needs/{id}/proposals/{pid}/accept|decline/   the need's organisation
- POST needs/{id}/proposals/{pid}/withdraw/         the proposing company

A need or proposal one may not see answers 404 (other organisations' drafts); one they may see
but not change 403; a move the state does not allow 409.
"""

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from marketplace.api_base import error_responses, require_json_object
from marketplace.api_filters import NoFilters, StrictFilterSet, id_filter
from marketplace.idempotency import created_once
from marketplace.pagination import newest_first
from marketplace.selectors import organisation_ids_of

from . import services
from .models import HelpKind, Need, NeedStatus, Proposal
from .selectors import need_or_404, needs_visible_to, proposal_or_404, proposals_visible_to
from .serializers import (
    MessageSerializer,
    NeedCreateSerializer,
    NeedSerializer,
    NeedUpdateSerializer,
    ProposalCreateSerializer,
    ProposalSerializer,
)

TAG = ["needs"]

_ERRORS = {
    400: gettext_lazy('Ungültige Eingabe: {"detail": ...} oder Fehler je Feld.'),
    401: gettext_lazy("Nicht angemeldet."),
    403: gettext_lazy("Sichtbar, aber nicht erlaubt."),
    404: gettext_lazy("Gibt es nicht oder ist für Sie nicht sichtbar."),
    409: gettext_lazy(
        "Widerspricht dem aktuellen Stand (Status des Gesuchs oder Vorschlags, eigenes Gesuch, "
        "kein Platz mehr im Angebot, ...); bei code=busy mit Retry-After."
    ),
}
IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)


def _errors(*codes: int) -> dict:
    return error_responses(_ERRORS, *codes)


def _context(request, need: Need | None = None) -> dict:
    return {
        "request": request,
        "my_organisation_ids": set(organisation_ids_of(request.user)),
        "need_organisation_id": need.organisation_id if need else None,
    }


class NeedFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=NeedStatus.choices)
    help_kind = django_filters.ChoiceFilter(choices=HelpKind.choices)
    category = django_filters.CharFilter(field_name="category__slug", max_length=60)
    organisation = id_filter(field_name="organisation_id")
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=gettext_lazy("nur die der eigenen Organisationen")
    )

    class Meta:
        model = Need
        fields = ["status", "help_kind"]

    def filter_mine(self, queryset, name, value):
        mine = organisation_ids_of(self.request.user)
        return queryset.filter(organisation_id__in=mine) if value else queryset


class NeedListView(generics.ListAPIView):
    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    page_ordering = newest_first("created_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Need.objects.none()
        return needs_visible_to(self.request.user).order_by("-created_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **_context(self.request)}

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Gesuche (veröffentlichte und die eigenen)"),
        responses={200: NeedSerializer(many=True), **_errors(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Ein Gesuch stellen (soziale Organisation)"),
        description=gettext_lazy(
            "Mit publish=true sofort veröffentlicht. Mit dem Header `Idempotency-Key` liefert "
            "eine Wiederholung die erste Antwort."
        ),
        parameters=[IDEMPOTENCY],
        request=NeedCreateSerializer,
        responses={201: NeedSerializer, **_errors(400, 401, 403, 409)},
    )
    def post(self, request, *args, **kwargs):
        require_json_object(request)
        parsed = NeedCreateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        return created_once(
            request,
            lambda: (
                NeedSerializer(
                    services.need_create(by=request.user, **data), context=_context(request)
                ).data
            ),
        )


class NeedDetailView(generics.GenericAPIView):
    serializer_class = NeedSerializer

    @extend_schema(tags=TAG, responses={200: NeedSerializer, **_errors(401, 404)})
    def get(self, request, pk: int):
        need = need_or_404(request.user, pk)
        return Response(NeedSerializer(need, context=_context(request)).data)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Ein Gesuch ändern (Entwurf oder veröffentlicht)"),
        request=NeedUpdateSerializer(partial=True),
        responses={200: NeedSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        need = need_or_404(request.user, pk)
        require_json_object(request)
        parsed = NeedUpdateSerializer(data=request.data, partial=True)
        parsed.is_valid(raise_exception=True)
        need = services.need_update(need=need, by=request.user, **parsed.validated_data)
        return Response(
            NeedSerializer(need_or_404(request.user, pk), context=_context(request)).data
        )


NEED_ACTIONS = {
    "publish": (services.need_publish, gettext_lazy("Gesuch veröffentlichen")),
    "close": (services.need_close, gettext_lazy("Gesuch schließen (offene Vorschläge: abgelehnt)")),
    "fulfil": (
        services.need_mark_fulfilled,
        gettext_lazy("Gesuch als erfüllt markieren (offene Vorschläge: höflich abgelehnt)"),
    ),
}


def _need_action_view(name: str):
    service, summary = NEED_ACTIONS[name]

    def post(self, request, pk: int):
        need = need_or_404(request.user, pk)
        parsed = MessageSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        kwargs = {"message": parsed.validated_data["message"]} if name != "publish" else {}
        service(need=need, by=request.user, **kwargs)
        return Response(
            NeedSerializer(need_or_404(request.user, pk), context=_context(request)).data
        )

    post = extend_schema(
        tags=TAG,
        summary=summary,
        request=MessageSerializer,
        responses={200: NeedSerializer, **_errors(400, 401, 403, 404, 409)},
    )(post)
    return type(
        f"Need{name.title()}View",
        (generics.GenericAPIView,),
        {"post": post, "serializer_class": NeedSerializer},
    ).as_view()


class ProposalListView(generics.ListAPIView):
    serializer_class = ProposalSerializer
    filterset_class = NoFilters
    page_ordering = newest_first("created_at")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.need = need_or_404(request.user, kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        return proposals_visible_to(self.request.user, self.need).order_by("-created_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **_context(self.request, self.need)}

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Vorschläge zu einem Gesuch"),
        description=gettext_lazy(
            "Die Organisation des Gesuchs sieht alle, ein Unternehmen die eigenen."
        ),
        responses={200: ProposalSerializer(many=True), **_errors(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Auf ein Gesuch antworten (Unternehmen)"),
        description=gettext_lazy(
            "Eine Nachricht, optional ein eigener Termin (slot, volunteers) oder Gegenstand "
            "(item, units, pickup_on, return_on – beide Tage einschließlich). Mit dem Header "
            "`Idempotency-Key` liefert eine Wiederholung die erste Antwort."
        ),
        parameters=[IDEMPOTENCY],
        request=ProposalCreateSerializer,
        responses={201: ProposalSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, *args, **kwargs):
        require_json_object(request)
        parsed = ProposalCreateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        return created_once(
            request,
            lambda: (
                ProposalSerializer(
                    services.proposal_create(need=self.need, by=request.user, **data),
                    context=_context(request, self.need),
                ).data
            ),
        )


PROPOSAL_ACTIONS = {
    "accept": (
        services.proposal_accept,
        gettext_lazy("Vorschlag annehmen (mit Angebot: die Buchung wird gleich bestätigt)"),
    ),
    "decline": (services.proposal_decline, gettext_lazy("Vorschlag höflich ablehnen")),
    "withdraw": (services.proposal_withdraw, gettext_lazy("Eigenen Vorschlag zurückziehen")),
}


def _proposal_action_view(name: str):
    service, summary = PROPOSAL_ACTIONS[name]

    def post(self, request, pk: int, pid: int):
        need = need_or_404(request.user, pk)
        proposal = proposal_or_404(request.user, need, pid)
        parsed = MessageSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        service(proposal=proposal, by=request.user, message=parsed.validated_data["message"])
        proposal = proposal_or_404(request.user, need, pid)
        return Response(ProposalSerializer(proposal, context=_context(request, need)).data)

    post = extend_schema(
        tags=TAG,
        summary=summary,
        request=MessageSerializer,
        responses={200: ProposalSerializer, **_errors(400, 401, 403, 404, 409)},
    )(post)
    return type(
        f"Proposal{name.title()}View",
        (generics.GenericAPIView,),
        {"post": post, "serializer_class": ProposalSerializer},
    ).as_view()


urlpatterns = [
    path("needs/", NeedListView.as_view(), name="need-list"),
    path("needs/<id:pk>/", NeedDetailView.as_view(), name="need-detail"),
    *[
        path(f"needs/<id:pk>/{name}/", _need_action_view(name), name=f"need-{name}")
        for name in NEED_ACTIONS
    ],
    path("needs/<id:pk>/proposals/", ProposalListView.as_view(), name="need-proposals"),
    *[
        path(
            f"needs/<id:pk>/proposals/<id:pid>/{name}/",
            _proposal_action_view(name),
            name=f"need-proposal-{name}",
        )
        for name in PROPOSAL_ACTIONS
    ],
]

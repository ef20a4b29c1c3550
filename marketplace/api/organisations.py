"""/api/v1/organisations/ and /api/v1/invitations/: thin views over
marketplace/services/organisations.py.

Who sees what: every signed-in person sees approved organisations' public profiles; members see
their own organisations in any status, their members, and (admins) invitations and tax-exemption
data; the coordinator sees everything. What a person may not see answers 404; what they may see
but not do answers 403.
"""

import django_filters
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from marketplace.api_base import StrictSerializer, error_responses
from marketplace.api_filters import NoFilters, StrictFilterSet
from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    TaxExemption,
)
from marketplace.pagination import Key, Ordering, newest_first
from marketplace.selectors import belongs, manages, organisations_for
from marketplace.services import organisations as services

from .organisation_serializers import (
    InvitationByTokenSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipSerializer,
    MyMembershipSerializer,
    OrganisationApplySerializer,
    OrganisationSerializer,
    OrganisationUpdateSerializer,
    ReasonSerializer,
    RequiredReasonSerializer,
    RoleSerializer,
    TaxExemptionSerializer,
)

TAG = ["organisations"]

_ERROR_DESCRIPTIONS = {
    400: gettext_lazy('Ungültige Eingabe: {"detail": ...} oder Fehler je Feld.'),
    401: gettext_lazy("Nicht angemeldet."),
    403: gettext_lazy("Sichtbar, aber nicht erlaubt."),
    404: gettext_lazy("Gibt es nicht oder ist für Sie nicht sichtbar."),
    409: gettext_lazy("Widerspricht dem aktuellen Stand (Status, letzte Administrator*in, ...)."),
}


def _errors(*codes: int) -> dict:
    return error_responses(_ERROR_DESCRIPTIONS, *codes)


class EmptySerializer(StrictSerializer):
    """No input expected: anything sent is refused as an unknown field."""


# --- reads ------------------------------------------------------------------------------------


def _organisation_or_404(request: Request, pk: int) -> Organisation:
    organisation = organisations_for(request.user).filter(pk=pk).first()
    if organisation is None:
        raise NotFound(_("Organisation nicht gefunden."))
    return organisation


def _manages(request: Request, organisation: Organisation) -> bool:
    return manages(request.user, organisation)


def _belongs(request: Request, organisation: Organisation) -> bool:
    return belongs(request.user, organisation)


def _require_manager(request: Request, organisation: Organisation) -> None:
    if not _manages(request, organisation):
        raise NotAllowed(_("Nur Administrator*innen der Organisation dürfen das."))


def _members_visible_or_404(request: Request, pk: int) -> Organisation:
    organisation = _organisation_or_404(request, pk)
    if not _belongs(request, organisation):
        raise NotFound(_("Organisation nicht gefunden."))
    return organisation


class OrganisationFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices)
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=gettext_lazy("nur meine Organisationen")
    )
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, label=gettext_lazy("Suche im Namen")
    )

    class Meta:
        model = Organisation
        fields = ["kind", "status"]

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(my_role__isnull=not value)

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(slug__icontains=value))


# --- organisations ----------------------------------------------------------------------------


# The profile may carry a logo file.
PROFILE_PARSERS = [JSONParser, MultiPartParser]


class OrganisationListView(generics.ListCreateAPIView):
    serializer_class = OrganisationSerializer
    parser_classes = PROFILE_PARSERS
    filterset_class = OrganisationFilter
    page_ordering = Ordering("name", (Key("name", type="str"), Key("id")))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organisation.objects.none()
        return organisations_for(self.request.user).order_by("name", "id")

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Organisationen, die Sie sehen dürfen"),
        responses={200: OrganisationSerializer(many=True), **_errors(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Organisation anmelden (wartet dann auf Freigabe)"),
        request=OrganisationApplySerializer,
        responses={201: OrganisationSerializer, **_errors(400, 401, 409)},
    )
    def post(self, request, *args, **kwargs):
        serializer = OrganisationApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = dict(serializer.validated_data)
        kind = profile.pop("kind")
        organisation = services.organisation_apply(
            applicant=request.user, kind=kind, profile=profile
        )
        organisation = _organisation_or_404(request, organisation.pk)
        return Response(
            OrganisationSerializer(organisation, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class OrganisationDetailView(generics.GenericAPIView):
    serializer_class = OrganisationSerializer
    parser_classes = PROFILE_PARSERS
    http_method_names = ["get", "patch", "options", "head"]

    @extend_schema(tags=TAG, responses={200: OrganisationSerializer, **_errors(401, 404)})
    def get(self, request, pk: int):
        organisation = _organisation_or_404(request, pk)
        return Response(OrganisationSerializer(organisation, context={"request": request}).data)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Profil ändern (Administrator*innen und Koordination)"),
        request=OrganisationUpdateSerializer,
        responses={200: OrganisationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        organisation = _organisation_or_404(request, pk)
        _require_manager(request, organisation)
        serializer = OrganisationUpdateSerializer(organisation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.organisation_update(
            organisation=organisation, by=request.user, changes=serializer.validated_data
        )
        organisation = _organisation_or_404(request, pk)
        return Response(OrganisationSerializer(organisation, context={"request": request}).data)


class _StatusActionView(generics.GenericAPIView):
    serializer_class = OrganisationSerializer
    input_serializer = RequiredReasonSerializer
    service = None

    def post(self, request, pk: int):
        organisation = _organisation_or_404(request, pk)
        if not request.user.is_coordinator:
            raise NotAllowed(_("Nur die Koordination darf Organisationen freigeben oder sperren."))
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        type(self).service(
            organisation=organisation, by=request.user, reason=serializer.validated_data["reason"]
        )
        organisation = _organisation_or_404(request, pk)
        return Response(OrganisationSerializer(organisation, context={"request": request}).data)


_STATUS_RESPONSES = {200: OrganisationSerializer, **_errors(400, 401, 403, 404, 409)}


class OrganisationApproveView(_StatusActionView):
    input_serializer = ReasonSerializer
    service = services.organisation_approve

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Freigeben oder eine Sperre aufheben (Koordination)"),
        request=ReasonSerializer,
        responses=_STATUS_RESPONSES,
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class OrganisationRejectView(_StatusActionView):
    service = services.organisation_reject

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Anmeldung ablehnen, mit Begründung (Koordination)"),
        request=RequiredReasonSerializer,
        responses=_STATUS_RESPONSES,
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class OrganisationSuspendView(_StatusActionView):
    service = services.organisation_suspend

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Sperren, mit Begründung (Koordination)"),
        request=RequiredReasonSerializer,
        responses=_STATUS_RESPONSES,
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


# --- tax exemption ----------------------------------------------------------------------------


class TaxExemptionView(generics.GenericAPIView):
    """Private to the organisation's admins and the coordinator: everyone else gets 404."""

    serializer_class = TaxExemptionSerializer
    http_method_names = ["get", "put", "options", "head"]

    def _organisation(self, request, pk: int) -> Organisation:
        organisation = _organisation_or_404(request, pk)
        if not _manages(request, organisation):
            raise NotFound(_("Organisation nicht gefunden."))
        if organisation.kind != OrganisationKind.SOCIAL:
            raise InvalidInput(
                _("Nur soziale Organisationen können eine Steuerbefreiung hinterlegen.")
            )
        return organisation

    @extend_schema(tags=TAG, responses={200: TaxExemptionSerializer, **_errors(400, 401, 404)})
    def get(self, request, pk: int):
        organisation = self._organisation(request, pk)
        exemption = TaxExemption.objects.filter(organisation=organisation).first()
        if exemption is None:
            raise NotFound(_("Für diese Organisation ist noch keine Steuerbefreiung hinterlegt."))
        return Response(TaxExemptionSerializer(exemption).data)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Steuerbefreiung hinterlegen oder ersetzen"),
        request=TaxExemptionSerializer,
        responses={
            200: TaxExemptionSerializer,
            201: TaxExemptionSerializer,
            **_errors(400, 401, 404, 409),
        },
    )
    def put(self, request, pk: int):
        organisation = self._organisation(request, pk)
        serializer = TaxExemptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exemption, created = services.tax_exemption_update(
            organisation=organisation, by=request.user, data=serializer.validated_data
        )
        return Response(
            TaxExemptionSerializer(exemption).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- members ----------------------------------------------------------------------------------


class MemberListView(generics.ListAPIView):
    """Members and the coordinator see who belongs to the organisation."""

    serializer_class = MembershipSerializer
    filterset_class = NoFilters
    page_ordering = Ordering("id", (Key("id"),))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        organisation = _members_visible_or_404(self.request, self.kwargs["pk"])
        return (
            Membership.objects.filter(organisation=organisation)
            .select_related("user")
            .order_by("id")
        )

    @extend_schema(tags=TAG, responses={200: MembershipSerializer(many=True), **_errors(401, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MemberDetailView(generics.GenericAPIView):
    serializer_class = MembershipSerializer
    http_method_names = ["patch", "delete", "options"]

    def _membership(self, request, pk: int, membership_id: int) -> tuple[Organisation, Membership]:
        organisation = _members_visible_or_404(request, pk)
        membership = (
            Membership.objects.select_related("user")
            .filter(pk=membership_id, organisation=organisation)
            .first()
        )
        if membership is None:
            raise NotFound(_("Mitgliedschaft nicht gefunden."))
        membership.organisation = organisation
        return organisation, membership

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Rolle ändern (Administrator*innen und Koordination)"),
        request=RoleSerializer,
        responses={200: MembershipSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int, membership_id: int):
        organisation, membership = self._membership(request, pk, membership_id)
        _require_manager(request, organisation)
        serializer = RoleSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "role" in serializer.validated_data:  # a PATCH without a role changes nothing
            membership = services.membership_change_role(
                membership=membership, by=request.user, role=serializer.validated_data["role"]
            )
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Mitglied entfernen, oder selbst austreten"),
        responses={204: None, **_errors(401, 403, 404, 409)},
    )
    def delete(self, request, pk: int, membership_id: int):
        organisation, membership = self._membership(request, pk, membership_id)
        if membership.user_id != request.user.pk:
            _require_manager(request, organisation)
        services.membership_remove(membership=membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- invitations ------------------------------------------------------------------------------


def _invitations_managed_or_error(request: Request, pk: int) -> Organisation:
    organisation = _members_visible_or_404(request, pk)
    _require_manager(request, organisation)
    return organisation


class InvitationListView(generics.ListCreateAPIView):
    serializer_class = InvitationSerializer
    filterset_class = NoFilters
    page_ordering = newest_first("created_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        organisation = _invitations_managed_or_error(self.request, self.kwargs["pk"])
        return (
            Invitation.objects.filter(organisation=organisation)
            .select_related("invited_by")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Einladungen der Organisation (Administrator*innen)"),
        responses={200: InvitationSerializer(many=True), **_errors(401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Jemanden per E-Mail einladen"),
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        organisation = _invitations_managed_or_error(request, pk)
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            organisation=organisation, by=request.user, **serializer.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationRevokeView(generics.GenericAPIView):
    serializer_class = InvitationSerializer
    http_method_names = ["delete", "options"]

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Einladung widerrufen"),
        responses={204: None, **_errors(401, 403, 404, 409)},
    )
    def delete(self, request, pk: int, invitation_id: int):
        organisation = _invitations_managed_or_error(request, pk)
        invitation = Invitation.objects.filter(pk=invitation_id, organisation=organisation).first()
        if invitation is None:
            raise NotFound(_("Einladung nicht gefunden."))
        invitation.organisation = organisation
        services.invitation_revoke(invitation=invitation, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationByTokenView(generics.GenericAPIView):
    """Whoever holds the link (signed in) may look at it: the token is the secret."""

    serializer_class = InvitationByTokenSerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Einladung ansehen"),
        responses={200: InvitationByTokenSerializer, **_errors(401, 404)},
    )
    def get(self, request, token: str):
        invitation = services.invitation_by_token(token)
        return Response(InvitationByTokenSerializer(invitation).data)


class InvitationAcceptView(generics.GenericAPIView):
    serializer_class = MyMembershipSerializer

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Einladung annehmen (mit der eingeladenen E-Mail-Adresse)"),
        request=None,
        responses={201: MyMembershipSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, token: str):
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        membership = services.invitation_accept(token=token, user=request.user)
        membership = Membership.objects.select_related("organisation").get(pk=membership.pk)
        return Response(MyMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("organisations/", OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<id:pk>/", OrganisationDetailView.as_view(), name="organisation-detail"),
    path(
        "organisations/<id:pk>/approve/",
        OrganisationApproveView.as_view(),
        name="organisation-approve",
    ),
    path(
        "organisations/<id:pk>/reject/",
        OrganisationRejectView.as_view(),
        name="organisation-reject",
    ),
    path(
        "organisations/<id:pk>/suspend/",
        OrganisationSuspendView.as_view(),
        name="organisation-suspend",
    ),
    path(
        "organisations/<id:pk>/tax-exemption/",
        TaxExemptionView.as_view(),
        name="organisation-tax-exemption",
    ),
    path("organisations/<id:pk>/members/", MemberListView.as_view(), name="organisation-members"),
    path(
        "organisations/<id:pk>/members/<id:membership_id>/",
        MemberDetailView.as_view(),
        name="organisation-member",
    ),
    path(
        "organisations/<id:pk>/invitations/",
        InvitationListView.as_view(),
        name="organisation-invitations",
    ),
    path(
        "organisations/<id:pk>/invitations/<id:invitation_id>/",
        InvitationRevokeView.as_view(),
        name="organisation-invitation",
    ),
    path("invitations/<str:token>/", InvitationByTokenView.as_view(), name="invitation-detail"),
    path(
        "invitations/<str:token>/accept/",
        InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
]

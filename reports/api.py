"""/api/v1/ routes of the directory and the reports: thin views over reports' reads.

- GET directory/            the public member directory (q, kind, district, page); no account
- GET directory/{id}/       an approved organisation's public profile and published offers;
                            contact data only for network members, where the organisation wants
- GET reports/network/?from=YYYY-MM&until=YYYY-MM         the network report (coordinator)
- GET reports/organisations/{id}/?from=YYYY-MM&until=...  an organisation's report (its admins,
                                                          the coordinator); others get 404
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_base import error_responses
from marketplace.models import OrganisationKind

from . import access
from .directory import directory_page, public_profile
from .periods import period_from_params
from .serializers import (
    DirectoryPageSerializer,
    MemberProfileSerializer,
    ReportSerializer,
    report_data,
)


class DirectoryView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Öffentliches Verzeichnis der Mitgliedsorganisationen",
        operation_id="directory_list",
        parameters=[
            OpenApiParameter("q", str, description="Wörter in Name oder Beschreibung"),
            OpenApiParameter("kind", str, enum=list(OrganisationKind.values)),
            OpenApiParameter("district", str),
            OpenApiParameter("page", int),
        ],
        responses=DirectoryPageSerializer,
    )
    def get(self, request):
        params = request.query_params
        kind = params.get("kind", "")
        if kind and kind not in OrganisationKind.values:
            raise ValidationError({"kind": [f"Erlaubt: {', '.join(OrganisationKind.values)}."]})
        page_number = params.get("page", "1")
        if not page_number.isdigit() or int(page_number) < 1:
            raise ValidationError({"page": ["Eine Seitenzahl ab 1 angeben."]})
        page = directory_page(
            user=request.user,
            q=params.get("q", "").strip()[:200],
            kind=kind,
            district=params.get("district", "").strip()[:100],
            page=int(page_number),
        )
        data = {
            "count": page.page.paginator.count,
            "page": page.page.number,
            "pages": page.page.paginator.num_pages,
            "results": page.entries,
        }
        return Response(DirectoryPageSerializer(data).data)


class ProfileView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Öffentliches Profil einer Organisation",
        operation_id="directory_profile",
        responses=MemberProfileSerializer,
    )
    def get(self, request, pk: int):
        return Response(MemberProfileSerializer(public_profile(user=request.user, pk=pk)).data)


ERRORS = {
    400: gettext_lazy("Zeitraum ungültig (JJJJ-MM, höchstens zehn Jahre, bis nicht vor von)"),
    401: gettext_lazy("nicht angemeldet"),
    404: gettext_lazy("Bericht nicht gefunden oder nicht Ihrer"),
}
PERIOD_PARAMETERS = [
    OpenApiParameter("from", str, description="erster Monat, JJJJ-MM (Standard: Januar)"),
    OpenApiParameter(
        "until", str, description="letzter Monat einschließlich, JJJJ-MM (Standard: Dezember)"
    ),
]


class NetworkReportView(APIView):
    @extend_schema(
        summary="Netzwerkbericht für einen Zeitraum (Koordination)",
        operation_id="reports_network",
        parameters=PERIOD_PARAMETERS,
        responses={200: ReportSerializer, **error_responses(ERRORS, 400, 401, 404)},
    )
    def get(self, request):
        report = access.network_report_for(request.user, period_from_params(request.query_params))
        return Response(report_data(report))


class OrganisationReportView(APIView):
    @extend_schema(
        summary="Bericht einer Organisation (ihre Administrator*innen, Koordination)",
        operation_id="reports_organisation",
        parameters=PERIOD_PARAMETERS,
        responses={200: ReportSerializer, **error_responses(ERRORS, 400, 401, 404)},
    )
    def get(self, request, pk: int):
        period = period_from_params(request.query_params)
        report = access.organisation_report_for(request.user, pk, period)
        return Response(report_data(report))


urlpatterns = [
    path("reports/network/", NetworkReportView.as_view(), name="report-network"),
    path(
        "reports/organisations/<int:pk>/",
        OrganisationReportView.as_view(),
        name="report-organisation",
    ),
    path("directory/", DirectoryView.as_view(), name="directory"),
    path("directory/<int:pk>/", ProfileView.as_view(), name="directory-profile"),
]

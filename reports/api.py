"""/api/v1/ routes of the directory and the reports: thin views over reports' reads.

- GET directory/            the public member directory (q, kind, district; cursor pages)
- GET directory/{id}/       an approved organisation's public profile and published offers;
                            contact data only for network members, where the organisation wants
- GET reports/network/?from=YYYY-MM&until=YYYY-MM         the network report (coordinator)
- GET reports/organisations/{id}/?from=YYYY-MM&until=...  an organisation's report (its admins,
                                                          the coordinator); others get 404
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_base import (
    PageParamsSerializer,
    QueryParamsSerializer,
    error_responses,
    page_of,
)
from marketplace.models import OrganisationKind
from marketplace.pagination import DEFAULT_PAGE_SIZE, Key, Ordering, page_response, paginate
from marketplace.selectors import directory_organisations

from . import access
from .directory import directory_entries, public_profile
from .periods import period_from_params
from .serializers import (
    DirectoryEntrySerializer,
    MemberProfileSerializer,
    ReportSerializer,
    report_data,
)


class DirectoryParamsSerializer(PageParamsSerializer):
    q = serializers.CharField(
        max_length=200, required=False, help_text="Wörter in Name oder Beschreibung"
    )
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
    district = serializers.CharField(max_length=100, required=False)


BY_NAME = Ordering("name", (Key("name", type="str"), Key("id")))


class DirectoryView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Öffentliches Verzeichnis der Mitgliedsorganisationen",
        operation_id="directory_list",
        parameters=[DirectoryParamsSerializer],
        responses={
            200: page_of(DirectoryEntrySerializer, "DirectoryEntry"),
            **error_responses({400: gettext_lazy("Parameter ungültig")}, 400),
        },
    )
    def get(self, request):
        params = DirectoryParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        options = params.validated_data
        organisations = directory_organisations(
            q=options.get("q", "").strip(),
            kind=options.get("kind", ""),
            district=options.get("district", "").strip(),
        )
        page = paginate(
            organisations,
            BY_NAME,
            cursor=options.get("cursor"),
            size=options.get("page_size", DEFAULT_PAGE_SIZE),
        )
        entries = directory_entries(page.rows, user=request.user)
        return page_response(request, page, DirectoryEntrySerializer(entries, many=True).data)


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
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class PeriodParamsSerializer(QueryParamsSerializer):
    from_ = serializers.RegexField(
        MONTH, required=False, help_text="erster Monat, JJJJ-MM (Standard: Januar)"
    )
    until = serializers.RegexField(
        MONTH,
        required=False,
        help_text="letzter Monat einschließlich, JJJJ-MM (Standard: Dezember)",
    )

    def get_fields(self):  # "from" is a Python keyword
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


def _period(request):
    params = PeriodParamsSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return period_from_params(params.validated_data)


class NetworkReportView(APIView):
    @extend_schema(
        summary="Netzwerkbericht für einen Zeitraum (Koordination)",
        operation_id="reports_network",
        parameters=[PeriodParamsSerializer],
        responses={200: ReportSerializer, **error_responses(ERRORS, 400, 401, 404)},
    )
    def get(self, request):
        report = access.network_report_for(request.user, _period(request))
        return Response(report_data(report))


class OrganisationReportView(APIView):
    @extend_schema(
        summary="Bericht einer Organisation (ihre Administrator*innen, Koordination)",
        operation_id="reports_organisation",
        parameters=[PeriodParamsSerializer],
        responses={200: ReportSerializer, **error_responses(ERRORS, 400, 401, 404)},
    )
    def get(self, request, pk: int):
        period = _period(request)
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

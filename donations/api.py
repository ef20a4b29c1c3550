"""/api/v1/donations/: thin views over donations/services/.

- GET  donations/                           mine (as donor or recipient; filters: role, state,
                                            kind, year); the coordinator sees all
- POST donations/                           record a money or goods donation (Idempotency-Key)
- GET  donations/{id}/                      one donation with its steps and valid receipt
- POST donations/{id}/confirm/              the receiving organisation confirms receipt; the
                                            Zuwendungsbestätigung is issued and e-mailed
- POST donations/{id}/reject/               ... or rejects it, with a reason
- POST donations/{id}/receipt/              issue the receipt later (after fixing the
                                            tax-exemption data, or if it was not wanted then)
- GET  donations/{id}/receipt.pdf           the donation's valid receipt as PDF
- GET  donations/receipts/                  receipts (valid and cancelled)
- GET  donations/receipts/{id}/             one receipt; .pdf for its PDF
- POST donations/receipts/{id}/reissue/     correct: cancel and issue a new one
- POST donations/receipts/{id}/cancel/      cancel without replacement
- GET  donations/collective-receipts/due/   donors due a collective receipt for a year
- POST donations/collective-receipts/       issue a collective receipt for one donor and year
- GET  donations/participation/{booking}.pdf  participation confirmation of a volunteer action
                                            whose hours the social organisation confirmed
                                            (never a donation receipt)

A donation or receipt the person may not see answers 404; one they may see but not change
answers 403; a step the state does not allow, or missing tax-exemption data, answers 409.
"""

import json

import django_filters
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_base import error_responses, page_of, require_json_object
from marketplace.api_filters import StrictFilterSet, id_filter, integer_filter
from marketplace.errors import InvalidInput, NotFound
from marketplace.idempotency import created_once
from marketplace.models import Membership, Organisation, OrganisationKind
from marketplace.pagination import (
    Key,
    Ordering,
    newest_first,
    page_parameters,
    page_response,
    paginate,
)

from . import participation, services
from .models import Donation, DonationKind, DonationState, Receipt, ReceiptKind
from .selectors import (
    donations_for_display,
    donations_visible_to,
    donor_key_for,
    donors_due_rows,
    receipts_for_display,
    receipts_visible_to,
    valid_receipt_of,
)
from .serializers import (
    RECORD_SERIALIZERS,
    CollectiveInputSerializer,
    ConfirmInputSerializer,
    DonationSerializer,
    DueDonorSerializer,
    DueQuerySerializer,
    GoodsRecordSerializer,
    KindSerializer,
    MoneyRecordSerializer,
    ReasonInputSerializer,
    ReceiptSerializer,
    ReissueInputSerializer,
)

TAG = ["donations"]

_ERRORS = {
    400: gettext_lazy('Ungültige Eingabe: {"detail": ...} oder Fehler je Feld.'),
    401: gettext_lazy("Nicht angemeldet."),
    403: gettext_lazy("Sichtbar, aber nicht erlaubt."),
    404: gettext_lazy("Gibt es nicht oder ist für Sie nicht sichtbar."),
    409: gettext_lazy(
        "Widerspricht dem aktuellen Stand (Status, schon ausgestellt, Angaben zur "
        "Steuerbefreiung fehlen oder sind zu alt, ...); bei code=busy mit Retry-After."
    ),
}

RECEIPT_NOTE = gettext_lazy(
    "Unter 300 € je Zuwendung ist eine Zuwendungsbestätigung freiwillig (vereinfachter "
    "Zuwendungsnachweis, § 50 Abs. 4 EStDV: der Kontoauszug genügt); sie kann trotzdem "
    "ausgestellt werden (`receipt_optional` zeigt es an). Fehlen Angaben zur Steuerbefreiung "
    "oder ist der Bescheid zu alt (Freistellungsbescheid 5 Jahre, Feststellung nach § 60a AO "
    "3 Jahre), bleibt die Bestätigung des Eingangs gültig, die Zuwendungsbestätigung wird aber "
    "verweigert (409 bei `receipt/`, `receipt_problem` nennt den Grund) und die "
    "Administrator*innen der Organisation erhalten eine E-Mail."
)


def _errors(*codes: int) -> dict:
    return error_responses(_ERRORS, *codes)


PDF_RESPONSE = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
}


class PdfRenderer(BaseRenderer):
    """Lets clients ask for `Accept: application/pdf`; errors are still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()


def _pdf_response(content: bytes, filename: str, *, etag: str = "") -> HttpResponse:
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    if etag:
        response["ETag"] = f'"{etag}"'
    return response


class _PdfView(APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]


def _donation_or_404(request, pk: int) -> Donation:
    donation = donations_visible_to(request.user).filter(pk=pk).first()
    if donation is None:
        raise NotFound(_("Spende nicht gefunden."))
    return donation


def _show(request, pk: int) -> dict:
    donation = donations_for_display(request.user).get(pk=pk)
    return DonationSerializer(donation, context={"request": request}).data


def _receipt_or_404(request, pk: int) -> Receipt:
    receipt = receipts_visible_to(request.user).select_related("organisation").filter(pk=pk)
    receipt = receipt.defer("pdf").first()
    if receipt is None:
        raise NotFound(_("Zuwendungsbestätigung nicht gefunden."))
    return receipt


def _own_organisation(request, organisation_id, *, kind: str, field: str) -> Organisation:
    """The organisation named (the person must belong to it), or their only one of `kind`."""
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    if organisation_id is not None:
        membership = memberships.filter(organisation_id=organisation_id).first()
        if membership is None:
            if request.user.is_coordinator:
                organisation = Organisation.objects.filter(pk=organisation_id).first()
                if organisation is not None:
                    return organisation
            raise NotFound(_("Diese Organisation gibt es nicht."), field=field)
        return membership.organisation
    matching = [m.organisation for m in memberships if m.organisation.kind == kind]
    if len(matching) != 1:
        raise InvalidInput(_("Bitte die Organisation angeben."), field=field)
    return matching[0]


# --- donations --------------------------------------------------------------------------------


class DonationFilter(StrictFilterSet):
    role = django_filters.ChoiceFilter(
        choices=[("donor", "donor"), ("recipient", "recipient")],
        method="filter_role",
        label=gettext_lazy("als spendende (donor) oder empfangende (recipient) Seite"),
    )
    state = django_filters.ChoiceFilter(choices=DonationState.choices)
    kind = django_filters.ChoiceFilter(choices=DonationKind.choices)
    year = integer_filter(1, 9999, field_name="donated_on", lookup_expr="year")

    class Meta:
        model = Donation
        fields = ["state", "kind"]

    def filter_role(self, queryset, name, value):
        own = Membership.objects.filter(user=self.request.user).values("organisation_id")
        if value == "donor":
            return queryset.filter(donor_organisation_id__in=own)
        return queryset.filter(recipient_id__in=own)


def _record(request, kind: str, data: dict) -> Donation:
    donor_organisation = data.get("donor_organisation")
    if donor_organisation is None and not request.user.is_coordinator:
        donor_organisation = _own_organisation(
            request, None, kind=OrganisationKind.COMPANY, field="donor_organisation"
        ).pk
    fields = {
        key: data[key]
        for key in (
            "amount",
            "donated_on",
            "donor_name",
            "donor_address",
            "donor_email",
            "purpose",
            "waiver",
            "money_kind",
            "description",
            "age",
            "condition",
            "purchase_price",
            "origin",
            "valuation_documents",
        )
        if key in data
    }
    return services.donation_record(
        by=request.user,
        kind=kind,
        recipient_id=data["recipient"],
        donor_organisation_id=donor_organisation,
        **fields,
    )


class DonationListView(generics.ListAPIView):
    serializer_class = DonationSerializer
    filterset_class = DonationFilter
    page_ordering = newest_first("recorded_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Donation.objects.none()
        return donations_for_display(self.request.user).order_by("-recorded_at", "-id")

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Meine Spenden (als spendendes Unternehmen oder Empfängerin)"),
        description=RECEIPT_NOTE,
        responses={200: DonationSerializer(many=True), **_errors(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Geld- oder Sachspende erfassen"),
        description=gettext_lazy(
            "Je nach `kind` die Felder einer Geldspende (amount, donated_on, purpose, waiver, "
            "money_kind) oder einer Sachspende (description, age, condition, purchase_price, "
            "amount als Wert, origin, valuation_documents, donated_on). Unternehmen erfassen "
            "ihre Spenden; die Koordination erfasst für Privatpersonen (donor_name, "
            "donor_address, donor_email). Mit `Idempotency-Key` liefert eine Wiederholung die "
            "erste Antwort."
        ),
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
        request=PolymorphicProxySerializer(
            component_name="DonationRecord",
            serializers={
                "money": MoneyRecordSerializer,
                "goods": GoodsRecordSerializer,
            },
            resource_type_field_name="kind",
        ),
        responses={201: DonationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, *args, **kwargs):
        require_json_object(request)
        kind = KindSerializer(data={"kind": request.data.get("kind")})
        kind.is_valid(raise_exception=True)
        kind = kind.validated_data["kind"]
        parsed = RECORD_SERIALIZERS[kind](data=request.data)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        return created_once(request, lambda: _show(request, _record(request, kind, data).pk))


class DonationDetailView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Spende"),
        responses={200: DonationSerializer, **_errors(401, 404)},
    )
    def get(self, request, pk: int):
        _donation_or_404(request, pk)
        return Response(_show(request, pk))


class DonationConfirmView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eingang bestätigen (stellt die Zuwendungsbestätigung aus)"),
        description=RECEIPT_NOTE,
        request=ConfirmInputSerializer,
        responses={200: DonationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        donation = _donation_or_404(request, pk)
        parsed = ConfirmInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        services.donation_confirm(donation=donation, by=request.user, **parsed.validated_data)
        return Response(_show(request, pk))


class DonationRejectView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Spende ablehnen"),
        request=ReasonInputSerializer,
        responses={200: DonationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        donation = _donation_or_404(request, pk)
        parsed = ReasonInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        services.donation_reject(donation=donation, by=request.user, **parsed.validated_data)
        return Response(_show(request, pk))


class DonationReceiptIssueView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Zuwendungsbestätigung ausstellen (nachträglich)"),
        description=RECEIPT_NOTE,
        request=None,
        responses={201: ReceiptSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        donation = _donation_or_404(request, pk)
        if request.data:
            raise InvalidInput(_("Diese Aktion erwartet keine Angaben."))
        receipt = services.receipt_issue(donation=donation, by=request.user)
        shown = receipts_for_display(request.user).get(pk=receipt.pk)
        return Response(ReceiptSerializer(shown).data, status=status.HTTP_201_CREATED)


class DonationReceiptPdfView(_PdfView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Die gültige Zuwendungsbestätigung der Spende als PDF"),
        responses={**PDF_RESPONSE, **_errors(401, 404)},
    )
    def get(self, request, pk: int):
        donation = _donation_or_404(request, pk)
        receipt = valid_receipt_of(donation)
        if receipt is None:
            raise NotFound(_("Für diese Spende gibt es keine gültige Zuwendungsbestätigung."))
        return _pdf_response(receipt.pdf, receipt.filename, etag=receipt.sha256)


# --- receipts ---------------------------------------------------------------------------------


class ReceiptFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=ReceiptKind.choices)
    organisation = id_filter(field_name="organisation_id")
    year = integer_filter(1, 9999, field_name="year")
    cancelled = django_filters.BooleanFilter(
        field_name="cancelled_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Receipt
        fields = ["kind"]


class ReceiptListView(generics.ListAPIView):
    serializer_class = ReceiptSerializer
    filterset_class = ReceiptFilter
    page_ordering = newest_first("issued_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Receipt.objects.none()
        return receipts_for_display(self.request.user).order_by("-issued_at", "-id")

    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Zuwendungsbestätigungen (gültige und stornierte)"),
        responses={200: ReceiptSerializer(many=True), **_errors(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ReceiptDetailView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Zuwendungsbestätigung"),
        responses={200: ReceiptSerializer, **_errors(401, 404)},
    )
    def get(self, request, pk: int):
        _receipt_or_404(request, pk)
        return Response(ReceiptSerializer(receipts_for_display(request.user).get(pk=pk)).data)


class ReceiptPdfView(_PdfView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Eine Zuwendungsbestätigung als PDF (auch stornierte)"),
        responses={**PDF_RESPONSE, **_errors(401, 404)},
    )
    def get(self, request, pk: int):
        receipt = receipts_visible_to(request.user).filter(pk=pk).first()
        if receipt is None:
            raise NotFound(_("Zuwendungsbestätigung nicht gefunden."))
        return _pdf_response(receipt.pdf, receipt.filename, etag=receipt.sha256)


class ReceiptReissueView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Korrigieren: stornieren und neu ausstellen"),
        description=gettext_lazy(
            "Die alte Bestätigung bleibt erhalten (storniert, mit Grund); die neue bekommt "
            "eine neue Nummer und nennt die ersetzte. `corrections` (nur Einzelbestätigungen) "
            "ändert vorher die Angaben der Spende."
        ),
        request=ReissueInputSerializer,
        responses={201: ReceiptSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        receipt = _receipt_or_404(request, pk)
        parsed = ReissueInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        new = services.receipt_cancel_and_reissue(
            receipt=receipt,
            by=request.user,
            reason=parsed.validated_data["reason"],
            corrections=parsed.validated_data.get("corrections"),
        )
        shown = receipts_for_display(request.user).get(pk=new.pk)
        return Response(ReceiptSerializer(shown).data, status=status.HTTP_201_CREATED)


class ReceiptCancelView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Stornieren ohne Ersatz"),
        request=ReasonInputSerializer,
        responses={200: ReceiptSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        receipt = _receipt_or_404(request, pk)
        parsed = ReasonInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        services.receipt_cancel(receipt=receipt, by=request.user, **parsed.validated_data)
        return Response(ReceiptSerializer(receipts_for_display(request.user).get(pk=pk)).data)


# --- collective receipts ----------------------------------------------------------------------


BY_DONOR_NAME = Ordering("donor", (Key("donor_name", type="str"), Key("donor_key", type="str")))


class CollectiveDueView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Wer eine Sammelbestätigung bekommen kann"),
        description=gettext_lazy(
            "Spender*innen mit bestätigten Geldspenden im Jahr (Standard: Vorjahr), die noch "
            "keine Zuwendungsbestätigung haben, und ohne gültige Sammelbestätigung für das Jahr."
        ),
        parameters=[DueQuerySerializer],
        responses={200: page_of(DueDonorSerializer, "DueDonor"), **_errors(400, 401, 404)},
    )
    def get(self, request):
        parsed = DueQuerySerializer(data=request.query_params)
        parsed.is_valid(raise_exception=True)
        organisation = _own_organisation(
            request,
            parsed.validated_data.get("organisation"),
            kind=OrganisationKind.SOCIAL,
            field="organisation",
        )
        year = parsed.validated_data.get("year", timezone.localdate().year - 1)
        cursor, size = page_parameters(request.query_params)
        page = paginate(
            donors_due_rows(organisation, year=year), BY_DONOR_NAME, cursor=cursor, size=size
        )
        return page_response(request, page, DueDonorSerializer(page.rows, many=True).data)


class CollectiveIssueView(APIView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Sammelbestätigung für eine*n Spender*in und ein Jahr ausstellen"),
        description=gettext_lazy(
            "Umfasst alle bestätigten Geldspenden des Jahres, für die es noch keine "
            "Zuwendungsbestätigung gibt (Spenden mit Einzelbestätigung bleiben außen vor), mit "
            "der Anlage, die jede Zuwendung auflistet. Eine gültige Sammelbestätigung je "
            "Spender*in und Jahr; für Nachträge diese neu ausstellen."
        ),
        request=CollectiveInputSerializer,
        responses={201: ReceiptSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        parsed = CollectiveInputSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        organisation = _own_organisation(
            request, data.get("organisation"), kind=OrganisationKind.SOCIAL, field="organisation"
        )
        donor_key = data.get("donor_key") or donor_key_for(
            organisation_id=data.get("donor_organisation")
        )
        receipt = services.collective_receipt_issue(
            organisation=organisation, by=request.user, donor_key=donor_key, year=data["year"]
        )
        shown = receipts_for_display(request.user).get(pk=receipt.pk)
        return Response(ReceiptSerializer(shown).data, status=status.HTTP_201_CREATED)


# --- participation ----------------------------------------------------------------------------


class ParticipationPdfView(_PdfView):
    @extend_schema(
        tags=TAG,
        summary=gettext_lazy("Teilnahmebestätigung eines durchgeführten Freiwilligeneinsatzes"),
        description=gettext_lazy(
            "Für beide Organisationen der Buchung und die Koordination. Keine "
            "Zuwendungsbestätigung: Zeitspenden und Ausleihen sind steuerlich keine Spenden."
        ),
        responses={**PDF_RESPONSE, **_errors(401, 404, 409)},
    )
    def get(self, request, booking_id: int):
        booking = participation.participation_booking(request.user, booking_id)
        return _pdf_response(
            participation.participation_pdf(booking), participation.participation_filename(booking)
        )


urlpatterns = [
    path("donations/", DonationListView.as_view(), name="donation-list"),
    path("donations/<id:pk>/", DonationDetailView.as_view(), name="donation-detail"),
    path("donations/<id:pk>/confirm/", DonationConfirmView.as_view(), name="donation-confirm"),
    path("donations/<id:pk>/reject/", DonationRejectView.as_view(), name="donation-reject"),
    path(
        "donations/<id:pk>/receipt/",
        DonationReceiptIssueView.as_view(),
        name="donation-receipt-issue",
    ),
    path(
        "donations/<id:pk>/receipt.pdf",
        DonationReceiptPdfView.as_view(),
        name="donation-receipt-pdf",
    ),
    path("donations/receipts/", ReceiptListView.as_view(), name="receipt-list"),
    path("donations/receipts/<id:pk>/", ReceiptDetailView.as_view(), name="receipt-detail"),
    path("donations/receipts/<id:pk>.pdf", ReceiptPdfView.as_view(), name="receipt-pdf"),
    path(
        "donations/receipts/<id:pk>/reissue/",
        ReceiptReissueView.as_view(),
        name="receipt-reissue",
    ),
    path("donations/receipts/<id:pk>/cancel/", ReceiptCancelView.as_view(), name="receipt-cancel"),
    path(
        "donations/collective-receipts/",
        CollectiveIssueView.as_view(),
        name="collective-receipt-issue",
    ),
    path(
        "donations/collective-receipts/due/",
        CollectiveDueView.as_view(),
        name="collective-receipt-due",
    ),
    path(
        "donations/participation/<id:booking_id>.pdf",
        ParticipationPdfView.as_view(),
        name="participation-pdf",
    ),
]

"""Input and output shapes of /api/v1/donations/. Input serializers only parse (strings are
strings, booleans are booleans, unknown fields are refused); the services decide."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.api_base import PageParamsSerializer, StrictSerializer
from marketplace.models import TaxExemption

from .models import (
    MAX_AMOUNT,
    Donation,
    DonationEvent,
    DonationKind,
    DonationState,
    GoodsOrigin,
    MoneyKind,
    Receipt,
    ReceiptKind,
)
from .selectors import problem_with

MAX_ID = 2**63 - 1


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class TextField(serializers.CharField):
    """A string and nothing else: DRF's CharField would turn 12 or true into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false only: DRF's BooleanField would also take "yes", 1 or "on"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def _text(limit: int, *, required: bool = False, **kwargs) -> serializers.CharField:
    if required:
        return TextField(max_length=limit, **kwargs)
    return TextField(max_length=limit, required=False, allow_blank=True, default="", **kwargs)


def _amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        coerce_to_string=True,
        **kwargs,
    )


# --- input ------------------------------------------------------------------------------------


class _RecordBase(StrictSerializer):
    kind = serializers.ChoiceField(choices=DonationKind.choices)
    recipient = _id(help_text=_("die empfangende soziale Organisation"))
    donor_organisation = _id(
        required=False,
        help_text=_(
            "das spendende Unternehmen (ohne Angabe: Ihr einziges Unternehmen); leer lassen, "
            "wenn die Koordination für eine Privatperson erfasst"
        ),
    )
    donor_name = _text(200, help_text=_("nur bei Privatpersonen (Koordination)"))
    donor_address = _text(
        500, help_text=_("Anschrift; bei Unternehmen ohne Angabe die aus dem Profil")
    )
    donor_email = serializers.EmailField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("nur bei Privatpersonen: wohin die Zuwendungsbestätigung geht"),
    )
    amount = _amount(help_text=_("Betrag in Euro; bei Sachspenden der Wert"))
    donated_on = serializers.DateField(help_text=_("Tag der Zuwendung"))
    purpose = _text(500, help_text=_("Verwendungszweck (Wunsch des Zuwendenden)"))


class MoneyRecordSerializer(_RecordBase):
    waiver = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("Verzicht auf Erstattung von Aufwendungen (Aufwandsspende)"),
    )
    money_kind = serializers.ChoiceField(
        choices=MoneyKind.choices, required=False, default=MoneyKind.DONATION
    )


class GoodsRecordSerializer(_RecordBase):
    description = _text(1000, required=True, help_text=_("genaue Bezeichnung der Sache"))
    age = _text(100)
    condition = _text(200)
    purchase_price = _amount(required=False, allow_null=True, default=None)
    origin = serializers.ChoiceField(
        choices=GoodsOrigin.choices,
        help_text=_("Betriebsvermögen, Privatvermögen oder keine Angabe des Zuwendenden"),
    )
    valuation_documents = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("Unterlagen zur Wertermittlung (Rechnung, Gutachten) liegen vor"),
    )


RECORD_SERIALIZERS = {
    DonationKind.MONEY: MoneyRecordSerializer,
    DonationKind.GOODS: GoodsRecordSerializer,
}


class KindSerializer(serializers.Serializer):
    """Only reads `kind`, to pick the serializer of the rest."""

    kind = serializers.ChoiceField(choices=DonationKind.choices)


class ConfirmInputSerializer(StrictSerializer):
    issue_receipt = StrictBooleanField(
        required=False,
        default=True,
        help_text=_(
            "Zuwendungsbestätigung gleich ausstellen (Standard). Unter 300 € ist sie "
            "freiwillig; false, wenn später eine Sammelbestätigung kommen soll."
        ),
    )
    message = _text(2000)


class ReasonInputSerializer(StrictSerializer):
    reason = _text(2000, required=True)


class CorrectionsSerializer(StrictSerializer):
    """Only the fields sent are corrected."""

    amount = _amount(required=False)
    donated_on = serializers.DateField(required=False)
    waiver = StrictBooleanField(required=False)
    money_kind = serializers.ChoiceField(choices=MoneyKind.choices, required=False)
    donor_name = TextField(max_length=200, required=False)
    donor_address = TextField(max_length=500, required=False)
    description = TextField(max_length=1000, required=False)
    age = TextField(max_length=100, required=False, allow_blank=True)
    condition = TextField(max_length=200, required=False, allow_blank=True)
    purchase_price = _amount(required=False, allow_null=True)
    origin = serializers.ChoiceField(choices=GoodsOrigin.choices, required=False)
    valuation_documents = StrictBooleanField(required=False)


class ReissueInputSerializer(StrictSerializer):
    reason = _text(2000, required=True)
    corrections = CorrectionsSerializer(required=False)


class CollectiveInputSerializer(StrictSerializer):
    organisation = _id(
        required=False,
        help_text=_("die ausstellende Organisation (ohne Angabe: Ihre einzige soziale)"),
    )
    year = serializers.IntegerField(min_value=2000, max_value=9999)
    donor_organisation = _id(required=False, help_text=_("das spendende Unternehmen"))
    donor_key = TextField(
        max_length=80,
        required=False,
        help_text=_("eine Privatperson: `donor_key` aus collective-receipts/due/"),
    )

    def validate(self, attrs):
        if ("donor_organisation" in attrs) == ("donor_key" in attrs):
            raise serializers.ValidationError(
                {"donor_organisation": [_("Bitte entweder donor_organisation oder donor_key.")]}
            )
        return attrs


class DueQuerySerializer(PageParamsSerializer):
    organisation = _id(required=False)
    year = serializers.IntegerField(min_value=2000, max_value=9999, required=False)


# --- output -----------------------------------------------------------------------------------


class DonationPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReceiptRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=ReceiptKind.choices)
    machine_signed = serializers.BooleanField()
    issued_on = serializers.DateField()
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, receipt) -> str:
        return f"/api/v1/donations/receipts/{receipt.pk}.pdf"


class DonationEventSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = DonationEvent
        fields = ["action", "from_state", "to_state", "by", "at", "message"]

    def get_by(self, event) -> str:
        return event.by.full_name if event.by else ""


class DonationSerializer(serializers.ModelSerializer):
    recipient = DonationPartySerializer()
    donor_organisation = DonationPartySerializer(allow_null=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    purchase_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    recorded_by = serializers.SerializerMethodField()
    receipt = serializers.SerializerMethodField()
    receipt_optional = serializers.BooleanField(
        help_text=_("unter 300 €: vereinfachter Nachweis, Bestätigung freiwillig")
    )
    receipt_problem = serializers.SerializerMethodField(
        help_text=_("warum gerade keine Bestätigung ausgestellt werden kann (sonst leer)")
    )
    events = DonationEventSerializer(many=True)

    class Meta:
        model = Donation
        fields = [
            "id",
            "kind",
            "state",
            "recipient",
            "donor_organisation",
            "donor_name",
            "donor_address",
            "donor_email",
            "amount",
            "donated_on",
            "purpose",
            "waiver",
            "money_kind",
            "description",
            "age",
            "condition",
            "purchase_price",
            "origin",
            "valuation_documents",
            "recorded_by",
            "recorded_at",
            "decided_at",
            "reason",
            "receipt_optional",
            "receipt",
            "receipt_problem",
            "events",
        ]

    def get_recorded_by(self, donation) -> str:
        return donation.recorded_by.full_name if donation.recorded_by else ""

    def _valid_receipt(self, donation) -> Receipt | None:
        items = getattr(donation, "valid_items", None)
        if items is None:
            items = list(donation.receipt_items.filter(active=True).select_related("receipt"))
        return items[0].receipt if items else None

    @extend_schema_field(ReceiptRefSerializer(allow_null=True))
    def get_receipt(self, donation) -> dict | None:
        receipt = self._valid_receipt(donation)
        return ReceiptRefSerializer(receipt).data if receipt else None

    def get_receipt_problem(self, donation) -> str:
        if donation.state != DonationState.CONFIRMED or self._valid_receipt(donation):
            return ""
        try:
            exemption = donation.recipient.tax_exemption
        except TaxExemption.DoesNotExist:
            exemption = None
        return problem_with(donation.recipient, exemption, timezone.localdate())


class ReceiptSerializer(serializers.ModelSerializer):
    organisation = DonationPartySerializer()
    donor_organisation = DonationPartySerializer(allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    cancelled = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = [
            "id",
            "number",
            "kind",
            "organisation",
            "donor_organisation",
            "donor_name",
            "amount",
            "period_year",
            "issued_on",
            "issued_at",
            "machine_signed",
            "sha256",
            "cancelled",
            "cancelled_at",
            "cancel_reason",
            "replaces",
            "pdf_url",
        ]

    def get_cancelled(self, receipt) -> bool:
        return receipt.cancelled_at is not None

    def get_pdf_url(self, receipt) -> str:
        return f"/api/v1/donations/receipts/{receipt.pk}.pdf"


class DueDonorSerializer(serializers.Serializer):
    donor_key = serializers.CharField()
    donor_name = serializers.CharField()
    donor_organisation = serializers.IntegerField(allow_null=True)
    donations = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)

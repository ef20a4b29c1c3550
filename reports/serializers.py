"""Output shapes of the directory and the reports (read-only; nothing here writes)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# A figure's value: a count as an integer, hours and euros as a decimal string ("12.50").
FIGURE_VALUE = {"oneOf": [{"type": "integer"}, {"type": "string", "pattern": r"^-?\d+\.\d{2}$"}]}
FIGURE_VALUES = {"type": "object", "additionalProperties": FIGURE_VALUE}


class OfferCountsSerializer(serializers.Serializer):
    volunteer_action = serializers.IntegerField()
    equipment = serializers.IntegerField()
    job = serializers.IntegerField()


class DirectoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    district = serializers.CharField()
    description = serializers.CharField()
    website = serializers.CharField()
    logo_url = serializers.CharField()
    purposes = serializers.CharField()
    offers = serializers.SerializerMethodField()

    def get_offers(self, entry) -> OfferCountsSerializer:
        return {kind: entry.offers.get(kind, 0) for kind in OfferCountsSerializer().fields}


class ContactPersonSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    email = serializers.CharField()


class ProfileOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    excerpt = serializers.CharField()


class MemberProfileSerializer(serializers.Serializer):
    organisation = DirectoryEntrySerializer(source="entry")
    offers = ProfileOfferSerializer(many=True)
    show_contacts = serializers.BooleanField(
        help_text="Kontaktdaten nur für Netzwerkmitglieder, wenn die Organisation es will."
    )
    contact_email = serializers.CharField()
    phone = serializers.CharField()
    contact_people = ContactPersonSerializer(many=True)


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.ChoiceField(choices=["count", "hours", "euros"])
    value = serializers.SerializerMethodField(
        help_text="Anzahl als Zahl; Stunden und Euro als Dezimalzahl in einem String"
    )

    @extend_schema_field(FIGURE_VALUE)
    def get_value(self, figure):
        return figure.value if figure.unit == "count" else f"{figure.value:.2f}"


class FigureGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    pending = serializers.BooleanField(
        help_text="Noch nicht erfasst (Veranstaltungen und Arbeitsgruppen)"
    )
    figures = FigureSerializer(many=True)


class OrganisationRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null: die privaten Spender*innen")
    name = serializers.CharField()
    kind = serializers.CharField()
    values = serializers.SerializerMethodField()

    @extend_schema_field(FIGURE_VALUES)
    def get_values(self, row):
        return {key: _plain(value) for key, value in row.values.items()}


class PairSerializer(serializers.Serializer):
    company_id = serializers.IntegerField()
    social_id = serializers.IntegerField()
    company = serializers.CharField()
    social = serializers.CharField()
    weight = serializers.IntegerField()
    new = serializers.BooleanField()


class PeriodSerializer(serializers.Serializer):
    from_ = serializers.CharField(source="from_param")
    until = serializers.CharField(source="until_param")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class ReportSerializer(serializers.Serializer):
    period = PeriodSerializer()
    organisation_id = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    groups = FigureGroupSerializer(many=True)
    organisations = OrganisationRowSerializer(
        source="rows", many=True, help_text="Nur im Netzwerkbericht: eine Zeile je Organisation"
    )
    pairs = PairSerializer(many=True)
    monthly = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Kooperationen je Art und Monat, in der Reihenfolge der Monate",
    )

    def get_organisation_id(self, report) -> int | None:
        return report.organisation.pk if report.organisation is not None else None

    @extend_schema_field(FIGURE_VALUES)
    def get_totals(self, report):
        return {key: _plain(value) for key, value in report.totals.items()}


def _plain(value):
    return value if isinstance(value, int) else f"{value:.2f}"


def report_data(report) -> dict:
    """The report as ReportSerializer describes it, built directly: a network report has
    hundreds of rows and thousands of pairs, which DRF's field-by-field serializers would take
    longer to write out than the report takes to compute."""
    return {
        "period": {"from": report.period.from_param, "until": report.period.until_param},
        "organisation_id": report.organisation.pk if report.organisation is not None else None,
        "totals": {key: _plain(value) for key, value in report.totals.items()},
        "groups": [
            {
                "key": group.key,
                "title": group.title,
                "pending": group.pending,
                "figures": [
                    {
                        "key": figure.key,
                        "label": figure.label,
                        "definition": figure.definition,
                        "unit": figure.unit,
                        "value": _plain(figure.value),
                    }
                    for figure in group.figures
                ],
            }
            for group in report.groups
        ],
        "organisations": [
            {
                "id": row.id,
                "name": row.name,
                "kind": row.kind,
                "values": {key: _plain(value) for key, value in row.values.items()},
            }
            for row in report.rows
        ],
        "pairs": [
            {
                "company_id": pair.company_id,
                "social_id": pair.social_id,
                "company": pair.company,
                "social": pair.social,
                "weight": pair.weight,
                "new": pair.new,
            }
            for pair in report.pairs
        ],
        "monthly": report.monthly,
    }

"""Input and output shapes of the offers API. No rules here: the services decide."""

import datetime as dt
import re

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.api_base import (
    ClockTimeField,
    PageParamsSerializer,
    QueryParamsSerializer,
    StrictModelSerializer,
    StrictSerializer,
)
from marketplace.models import Organisation

from . import capacity
from .models import (
    Category,
    ClosedReason,
    EmploymentType,
    Equipment,
    EquipmentPhoto,
    JobOffer,
    ListingKind,
    ListingStatus,
    VolunteerAction,
)
from .params import ORDERINGS
from .search_sources import search_source, search_sources
from .services.common import (
    EQUIPMENT_FIELDS,
    JOB_OFFER_FIELDS,
    VOLUNTEER_ACTION_FIELDS,
    SlotSpec,
    UnavailablePeriod,
)

MAX_ID = 2**53  # ids beyond this are not ids of ours (and stay exact in JavaScript)
MAX_SEARCH_DAYS = 366
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")


def media_url(request, name: str) -> str | None:
    if not name:
        return None
    url = default_storage.url(name)
    return request.build_absolute_uri(url) if request is not None else url


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "name_de", "name_en"]
        read_only_fields = fields


COMMON_READ_ONLY = [
    "id",
    "kind",
    "organisation_name",
    "category_name",
    "status",
    "closed_reason",
    "created_at",
    "updated_at",
    "published_at",
]


class SafeSlugRelatedField(serializers.SlugRelatedField):
    """A slug that is not a slug (NUL bytes, spaces) is simply not found, without a query."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:60])
        return super().to_internal_value(data)


class SafePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """Ids the database cannot hold are simply not found, without a query."""

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool) and not 0 < data < 2**63:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class ListingSerializer(StrictModelSerializer):
    """What every kind shows and takes; `organisation` is chosen on creation only."""

    organisation = SafePrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    category = SafeSlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    category_name = serializers.CharField(source="category.name", read_only=True)
    # "" while the offer is not closed: said so in the schema (its enum includes "").
    closed_reason = serializers.ChoiceField(
        choices=ClosedReason.choices, allow_blank=True, read_only=True
    )

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["organisation"].read_only = True
        return fields

    def service_fields(self, allowed) -> dict:
        """The validated fields a service takes (nested lists are passed separately)."""
        return {name: value for name, value in self.validated_data.items() if name in allowed}


class CompleteItemSerializer(StrictSerializer):
    """An item of a nested list: always complete, also inside a PATCH (DRF would otherwise
    let partial updates skip its required fields)."""

    def validate(self, attrs):
        missing = [
            name
            for name, field in self.fields.items()
            if field.required and not field.read_only and name not in attrs
        ]
        if missing:
            raise serializers.ValidationError(
                {name: [_("Dieses Feld ist erforderlich.")] for name in missing}
            )
        return super().validate(attrs)


class SlotSerializer(CompleteItemSerializer):
    id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    volunteers_available = serializers.IntegerField(min_value=1, max_value=1000)
    volunteers_held = serializers.IntegerField(read_only=True)
    volunteers_free = serializers.IntegerField(read_only=True)


class VolunteerActionSerializer(ListingSerializer):
    slots = SlotSerializer(many=True, required=False, max_length=100)
    skills = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=20
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, max_length=30
    )

    class Meta:
        model = VolunteerAction
        fields = [*COMMON_READ_ONLY, "organisation", *VOLUNTEER_ACTION_FIELDS, "slots"]
        read_only_fields = COMMON_READ_ONLY

    def slot_specs(self) -> list[SlotSpec] | None:
        if "slots" not in self.validated_data:
            return None
        return [SlotSpec(**slot) for slot in self.validated_data["slots"]]


class UnavailablePeriodSerializer(CompleteItemSerializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = EquipmentPhoto
        fields = ["id", "url", "thumbnail_url", "width", "height", "position"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, photo):
        return media_url(self.context.get("request"), photo.image.name)

    @extend_schema_field(serializers.URLField())
    def get_thumbnail_url(self, photo):
        return media_url(self.context.get("request"), photo.thumbnail.name)


class EquipmentSerializer(ListingSerializer):
    unavailable = UnavailablePeriodSerializer(many=True, required=False, max_length=100)
    handover_weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        min_length=1,
        max_length=7,
        required=False,
        help_text=gettext_lazy(
            "Wochentage für Abholung und Rückgabe (ISO: 1 = Montag … 7 = Sonntag); "
            "Standard: jeden Tag."
        ),
    )
    handover_opens_at = ClockTimeField(
        required=False, allow_null=True, help_text=gettext_lazy("Übergabe ab, HH:MM (oder null)")
    )
    handover_closes_at = ClockTimeField(
        required=False, allow_null=True, help_text=gettext_lazy("Übergabe bis, HH:MM (oder null)")
    )
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Equipment
        fields = [
            *COMMON_READ_ONLY,
            "organisation",
            *EQUIPMENT_FIELDS,
            "unavailable",
            "photos",
        ]
        read_only_fields = COMMON_READ_ONLY

    def to_representation(self, item):
        data = super().to_representation(item)
        periods = getattr(item, "blocked", None)
        if periods is None:
            periods = capacity.blocked_periods(item)
        data["unavailable"] = [
            {
                "first_day": period.start.isoformat(),
                "last_day": (period.end - dt.timedelta(days=1)).isoformat(),
            }
            for period in periods
        ]
        return data

    def unavailable_periods(self) -> list[UnavailablePeriod] | None:
        if "unavailable" not in self.validated_data:
            return None
        return [UnavailablePeriod(**period) for period in self.validated_data["unavailable"]]


class JobOfferSerializer(ListingSerializer):
    positions_free = serializers.SerializerMethodField()

    class Meta:
        model = JobOffer
        fields = [
            *COMMON_READ_ONLY,
            "organisation",
            *JOB_OFFER_FIELDS,
            "positions_filled",
            "positions_free",
        ]
        read_only_fields = [*COMMON_READ_ONLY, "positions_filled"]

    def get_positions_free(self, job) -> int:
        return capacity.job_free_positions(job)


class StatusChangeSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class PhotoUploadSerializer(StrictSerializer):
    image = serializers.FileField()


class KindListParamsSerializer(PageParamsSerializer):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    status = serializers.ChoiceField(choices=ListingStatus.choices, required=False)
    category = serializers.SlugField(max_length=60, required=False)


class SearchParamsSerializer(PageParamsSerializer):
    """The search's parameters for the API schema only: listings.params parses and checks them
    (for the API view and the search page alike)."""

    q = serializers.CharField(
        max_length=200, required=False, help_text="Volltext (deutsch, mit Wortstämmen)"
    )
    kind = serializers.ChoiceField(choices=ListingKind.choices, required=False)
    category = serializers.SlugField(max_length=60, required=False)
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, required=False)
    date_from = serializers.DateField(required=False, help_text="Aktionen mit freien Plätzen ab")
    date_to = serializers.DateField(required=False, help_text="… bis einschließlich diesem Tag")
    available_from = serializers.DateField(
        required=False, help_text="Ausleihen mit genug freien Stücken ab diesem Abholtag"
    )
    available_until = serializers.DateField(
        required=False,
        help_text="… bis einschließlich diesem Rückgabetag (auch derselbe Tag wie available_from)",
    )
    quantity = serializers.IntegerField(
        min_value=1, max_value=500, required=False, help_text="so viele Stücke (Standard 1)"
    )
    ordering = serializers.ChoiceField(
        choices=ORDERINGS, required=False, help_text="Standard: newest; relevance nur mit q"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds other apps registered (needs: "need") are known once Django is ready.
        self.fields["kind"].choices = [
            *ListingKind.choices,
            *((source.kind, source.label) for source in search_sources()),
        ]


class AvailabilityParamsSerializer(QueryParamsSerializer):
    """The days shown: `from` through `to`, both inclusive (as a loan's days are)."""

    # "from" is a Python keyword, hence the explicit field names.
    def get_fields(self):
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
        }

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError(
                {"to": [_("to (letzter Tag) darf nicht vor from (erster Tag) liegen.")]}
            )
        if (attrs["to"] - attrs["from"]).days >= MAX_SEARCH_DAYS:
            raise serializers.ValidationError(
                {"to": [_("Der Zeitraum darf höchstens ein Jahr lang sein.")]}
            )
        return attrs


class AvailabilityDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    free_units = serializers.IntegerField()
    handover_day = serializers.BooleanField(
        help_text=gettext_lazy("An diesem Tag kann abgeholt und zurückgegeben werden.")
    )


class AvailabilitySerializer(serializers.Serializer):
    """The shape of an item's availability (documentation; the view builds the dict)."""

    def get_fields(self):
        return {
            "id": serializers.IntegerField(),
            "quantity": serializers.IntegerField(),
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "handover_weekdays": serializers.ListField(child=serializers.IntegerField()),
            "days": AvailabilityDaySerializer(many=True),
        }


class ListingSummarySerializer(serializers.Serializer):
    """The shape of one search result (documentation; the view builds the dicts directly)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ListingKind.choices)
    title = serializers.CharField()
    excerpt = serializers.CharField()
    url = serializers.CharField(help_text="Pfad der Detailansicht in ihrer Art")
    organisation = serializers.DictField()
    category = serializers.DictField()
    next_date = serializers.DateField(allow_null=True)
    visible_until = serializers.DateField(allow_null=True)
    thumbnail_url = serializers.URLField(allow_null=True)
    published_at = serializers.DateTimeField()


class ListingPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ListingSummarySerializer(many=True)


KIND_PATHS = {
    ListingKind.VOLUNTEER_ACTION: "/api/v1/volunteer-actions/",
    ListingKind.EQUIPMENT: "/api/v1/equipment/",
    ListingKind.JOB: "/api/v1/jobs/",
}


def _api_path(kind: str) -> str:
    path = KIND_PATHS.get(kind)
    return path if path is not None else search_source(kind).api_path


def summary_of(row: dict, request, language: str) -> dict:
    """One search result from a row of search.search() (plain dicts: no serializer cost)."""
    english = language.startswith("en")
    published = row["published_at"]
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "excerpt": row["excerpt"],
        "url": f"{_api_path(row['kind'])}{row['id']}/",
        "organisation": {
            "id": row["organisation_id"],
            "name": row["organisation__name"],
            "slug": row["organisation__slug"],
        },
        "category": {
            "slug": row["category__slug"],
            "name": (english and row["category__name_en"]) or row["category__name_de"],
        },
        "next_date": row["next_date"],
        "visible_until": row["visible_until"],
        "thumbnail_url": media_url(request, row["thumbnail"]),
        "published_at": timezone.localtime(published) if published else None,
    }

"""Building blocks every API module shares: pagination, strict input, error schema."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class StablePageNumberPagination(PageNumberPagination):
    """Page numbers with a bounded page size; views order by a unique key last."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class StrictFieldsMixin:
    """Refuse unknown fields with a 400 instead of silently ignoring them."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unbekanntes Feld.")] for name in unknown}
                )
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


def error_responses(descriptions: dict, *codes: int) -> dict:
    """The schema's error responses for `codes`, each with its text from `descriptions` (a
    view module's own table: what a 409 means differs between bookings and organisations)."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=str(descriptions[code]))
        for code in codes
    }

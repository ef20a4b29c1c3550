"""Building blocks every API module shares: strict input, query parameters, OPTIONS metadata,
the error and page schemas (the paging itself: marketplace/pagination.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.metadata import SimpleMetadata

from .text import ONE_LINE_MAX_LENGTH, validate_one_line


class StrictFieldsMixin:
    """Refuse unknown fields with a 400 instead of silently ignoring them, and control
    characters in one-line texts (names, titles, addresses: see marketplace/text.py)."""

    unknown_message = gettext_lazy("Unbekanntes Feld.")

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.CharField) and not field.read_only:
                _take_strings_only(field)
            if _is_one_line(field):
                field.validators.append(validate_one_line)
        return fields

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: [str(self.unknown_message)] for name in unknown}
                )
        return super().to_internal_value(data)


def _take_strings_only(field) -> None:
    """DRF's CharField turns 12 or true into text; the schema says string, so only a string
    is taken (a field of this serializer instance, so the class stays as it is)."""
    convert = field.to_internal_value

    def to_internal_value(data):
        if not isinstance(data, str):
            field.fail("invalid")
        return convert(data)

    field.to_internal_value = to_internal_value


def _is_one_line(field) -> bool:
    return (
        isinstance(field, serializers.CharField)
        and not field.read_only
        and field.max_length is not None
        and field.max_length <= ONE_LINE_MAX_LENGTH
        and field.style.get("base_template") != "textarea.html"
        and field.style.get("input_type") != "password"
    )


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass


class QueryParamsSerializer(StrictSerializer):
    """Query parameters: unknown, repeated or empty ones are a 400, never silently ignored (an
    empty value only where the field allows a blank one). The same wording as the lists' filter
    sets (marketplace/api_filters.py)."""

    unknown_message = gettext_lazy("Unbekannter Parameter.")

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            errors = {}
            for name in data:
                values = data.getlist(name)
                field = self.fields.get(name)
                if len(values) > 1:
                    errors[name] = [_("Diesen Parameter bitte nur einmal angeben.")]
                elif values[0] == "" and field is not None and not blank_allowed(field):
                    errors[name] = [_("Bitte einen Wert angeben oder den Parameter weglassen.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def blank_allowed(field) -> bool:
    return bool(getattr(field, "allow_blank", False))


class PageParamsSerializer(QueryParamsSerializer):
    """The page parameters every list takes (see KeysetPagination)."""

    cursor = serializers.CharField(max_length=500, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class BlankAsNullMixin:
    """A read-only field whose empty text is shown as null, so that a format (uri, email)
    holds for every string the API returns."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class OptionalURLField(BlankAsNullMixin, serializers.URLField):
    pass


class OptionalEmailField(BlankAsNullMixin, serializers.EmailField):
    pass


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "09:00"}
)
class ClockTimeField(serializers.TimeField):
    """A time of day as "HH:MM", read and written. (JSON Schema's `time` format means an RFC 3339
    time with a UTC offset, which an opening hour does not have.)"""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


def page_of(serializer_class, name: str):
    """The schema of one page of a list that pages by hand (marketplace/pagination.py); the
    generic lists get the same from KeysetPagination."""
    return inline_serializer(
        name=f"Paginated{name}List",
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


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


class DescriptionOnlyMetadata(SimpleMetadata):
    """OPTIONS answers name, description and media types, not the fields of each action.

    DRF's default builds the PUT form from `get_object()`, which is a 500 on views that find
    their object themselves (no queryset) and would describe another organisation's object;
    the OpenAPI schema at /api/v1/schema/ describes the input instead.
    """

    def determine_actions(self, request, view):
        return {}


def require_json_object(request) -> None:
    """A create or change takes a JSON object: a list, a string or a number is a 400 with a
    message, before any serializer looks at it (which would fail on `.get`)."""
    if not isinstance(request.data, dict):
        raise serializers.ValidationError({"detail": _("Bitte ein JSON-Objekt senden.")})

"""Input and output shapes of /api/v1/events/."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from marketplace.api_base import PageParamsSerializer, StrictSerializer
from marketplace.api_filters import MAX_ID

from ..calendar import event_url
from ..models import (
    MAX_CAPACITY,
    MAX_COMPANIONS,
    EventKind,
    EventState,
    EventVisibility,
    RegistrationState,
)

# --- output ------------------------------------------------------------------------------------


class EventOrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EventPersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    online = serializers.BooleanField()
    online_link = serializers.SerializerMethodField(
        help_text=gettext_lazy("nur für Angemeldete und die Gastgeber, sonst null")
    )
    hosts = EventOrganisationRefSerializer(many=True, source="hosts.all")
    hosted_by_network = serializers.BooleanField()
    capacity = serializers.IntegerField(allow_null=True)
    seats_taken = serializers.IntegerField()
    seats_free = serializers.IntegerField(allow_null=True)
    registration_deadline = serializers.DateTimeField(allow_null=True)
    visibility = serializers.ChoiceField(choices=EventVisibility.choices)
    group = serializers.IntegerField(source="group_id", allow_null=True)
    state = serializers.ChoiceField(choices=EventState.choices)
    series = serializers.IntegerField(source="series_id", allow_null=True)
    recurrence_id = serializers.DateTimeField(allow_null=True)
    sequence = serializers.IntegerField()
    my_registration = serializers.SerializerMethodField(
        help_text=gettext_lazy("registered, waiting oder null")
    )
    i_host = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_online_link(self, event) -> str | None:
        shown = getattr(event, "i_host", False) or (
            getattr(event, "my_state", None) == RegistrationState.REGISTERED
        )
        return event.online_link if shown and event.online_link else None

    def get_my_registration(self, event) -> str | None:
        return getattr(event, "my_state", None)

    def get_i_host(self, event) -> bool:
        return bool(getattr(event, "i_host", False))

    def get_url(self, event) -> str:
        return event_url(event)


class StationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    host = EventOrganisationRefSerializer()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)
    seats_taken = serializers.IntegerField()
    seats_free = serializers.IntegerField(allow_null=True)


class RegistrationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    station = serializers.IntegerField(source="station_id", allow_null=True)
    person = EventPersonRefSerializer()
    organisation = EventOrganisationRefSerializer()
    companions = serializers.IntegerField()
    seats = serializers.IntegerField()
    note = serializers.SerializerMethodField(
        help_text=gettext_lazy("nur für die Gastgeber und die Person selbst, sonst null")
    )
    state = serializers.ChoiceField(choices=RegistrationState.choices)
    created_at = serializers.DateTimeField()
    promoted_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    attended = serializers.BooleanField(allow_null=True)

    def get_note(self, registration) -> str | None:
        viewer = self.context.get("viewer")
        if self.context.get("host") or (viewer is not None and viewer.pk == registration.person_id):
            return registration.note
        return None


class WaitingEntrySerializer(RegistrationSerializer):
    position = serializers.IntegerField(help_text=gettext_lazy("Platz auf der Warteliste, ab 1"))


class AttendanceCountSerializer(serializers.Serializer):
    organisation = EventOrganisationRefSerializer()
    count = serializers.IntegerField()


class AttendanceSerializer(serializers.Serializer):
    registrations = RegistrationSerializer(many=True)
    organisations = AttendanceCountSerializer(many=True)


class SeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    rrule = serializers.CharField()
    first_starts_at = serializers.DateTimeField()
    duration_minutes = serializers.SerializerMethodField()
    occurrences = serializers.SerializerMethodField()

    def get_duration_minutes(self, series) -> int:
        return int(series.duration.total_seconds() // 60)

    def get_occurrences(self, series) -> list[int]:
        return [event.pk for event in series.visible_occurrences]


# --- input -------------------------------------------------------------------------------------


def _id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class EventWriteSerializer(StrictSerializer):
    """Create: kind, title, starts_at, ends_at and hosts (or hosted_by_network) are needed;
    edit (PATCH): any of the fields, null clears capacity, deadline and group."""

    kind = serializers.ChoiceField(choices=EventKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000, allow_blank=True, required=False)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=300, allow_blank=True, required=False)
    online = serializers.BooleanField(required=False)
    online_link = serializers.URLField(max_length=500, allow_blank=True, required=False)
    capacity = serializers.IntegerField(
        min_value=1, max_value=MAX_CAPACITY, allow_null=True, required=False
    )
    registration_deadline = serializers.DateTimeField(allow_null=True, required=False)
    visibility = serializers.ChoiceField(choices=EventVisibility.choices, required=False)
    group = _id_field(allow_null=True, required=False)
    hosts = serializers.ListField(child=_id_field(), max_length=20, required=False)
    hosted_by_network = serializers.BooleanField(required=False)

    def validate_online(self, value):
        if not isinstance(self.initial_data.get("online"), bool):
            raise serializers.ValidationError(_("Bitte true oder false angeben."))
        return value

    def validate_hosted_by_network(self, value):
        if not isinstance(self.initial_data.get("hosted_by_network"), bool):
            raise serializers.ValidationError(_("Bitte true oder false angeben."))
        return value


class SeriesWriteSerializer(EventWriteSerializer):
    rrule = serializers.CharField(
        max_length=500,
        help_text=gettext_lazy("iCalendar-RRULE, z. B. FREQ=MONTHLY;BYDAY=1TU"),
    )
    registration_closes_minutes = serializers.IntegerField(
        min_value=0, max_value=60 * 24 * 60, required=False, allow_null=True
    )


class CancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class EmptySerializer(StrictSerializer):
    pass


class RegistrationCreateSerializer(StrictSerializer):
    organisation = _id_field(
        required=False,
        help_text=gettext_lazy("für welche Organisation; nötig, wenn Sie mehreren angehören"),
    )
    companions = serializers.IntegerField(
        min_value=0, max_value=MAX_COMPANIONS, required=False, default=0
    )
    note = serializers.CharField(
        max_length=500, allow_blank=True, required=False, default="", trim_whitespace=True
    )
    station = _id_field(required=False, allow_null=True, default=None)


class AttendanceMarkSerializer(StrictSerializer):
    registration = _id_field()
    attended = serializers.BooleanField(allow_null=True)


class AttendanceCountInputSerializer(StrictSerializer):
    organisation = _id_field()
    count = serializers.IntegerField(min_value=0, max_value=MAX_CAPACITY)


class AttendanceWriteSerializer(StrictSerializer):
    registrations = AttendanceMarkSerializer(many=True, required=False)
    organisations = AttendanceCountInputSerializer(many=True, required=False)

    def validate(self, data):
        if "registrations" not in data and "organisations" not in data:
            raise serializers.ValidationError(
                {"detail": _("Bitte registrations und/oder organisations angeben.")}
            )
        for name, key in (("registrations", "registration"), ("organisations", "organisation")):
            ids = [row[key] for row in data.get(name, [])]
            if len(ids) != len(set(ids)):
                raise serializers.ValidationError({name: [_("Jede Angabe bitte nur einmal.")]})
        return data


class StationWriteSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    host = _id_field()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=300, allow_blank=True, required=False)
    capacity = serializers.IntegerField(
        min_value=1, max_value=MAX_CAPACITY, allow_null=True, required=False
    )


class EventListParams(PageParamsSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    until = serializers.DateField(required=False, help_text=gettext_lazy("Beginn bis (Tag)"))
    group = _id_field(required=False)
    host = _id_field(required=False, help_text=gettext_lazy("id der gastgebenden Organisation"))
    registered = serializers.ChoiceField(
        choices=[("me", "me")],
        required=False,
        help_text=gettext_lazy("me: nur Veranstaltungen, zu denen ich angemeldet bin"),
    )
    state = serializers.ChoiceField(choices=EventState.choices, required=False)

    def validate(self, data):
        start, end = data.get("from"), data.get("until")
        if start and end and end < start:
            raise serializers.ValidationError({"until": [_("until darf nicht vor from liegen.")]})
        return data


# "from" is a Python keyword: declared after the class.
EventListParams._declared_fields["from"] = serializers.DateField(
    required=False, help_text=gettext_lazy("Beginn ab (Tag, Europe/Berlin)")
)

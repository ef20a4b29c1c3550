"""Input and output shapes of /api/v1/bookings/. Input serializers only parse; the services
decide. Output shows candidate data only to the two organisations (not the coordinator)."""

import copy
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.api_base import StrictSerializer

from .models import Booking, BookingKind, BookingState
from .states import Side, actions_now

MAX_ID = 2**63 - 1


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class TextField(serializers.CharField):
    """A string and nothing else: DRF's CharField would turn 12 or true into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _text(limit: int, *, required: bool = True) -> serializers.CharField:
    if required:
        return TextField(max_length=limit)
    return TextField(max_length=limit, required=False, allow_blank=True, default="")


# --- input ------------------------------------------------------------------------------------


class _FieldsBuiltOnce:
    """Input fields built once per class: DRF deep-copies every declared field (rebuilding it
    from its arguments) each time a serializer is made, most of the parsing's CPU on the
    busiest POST (a booking request; profiled with benchmarks/booking.py). Each instance gets
    shallow copies of the fields built the first time: binding sets the copy's own name and
    parent, and parsing only reads the shared parts (validators, messages, choices)."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            cls._fields_built = built  # the same for every instance: a race builds it twice
        return {name: copy.copy(field) for name, field in built.items()}


def _kind(kind: BookingKind) -> serializers.ChoiceField:
    """A request's `kind`, one value per shape, so that the schema tells which shape is which."""
    return serializers.ChoiceField(choices=[(kind.value, kind.label)])


class _RequestBase(_FieldsBuiltOnce, StrictSerializer):
    organisation = _id(required=False, help_text=_("Für welche Organisation gebucht wird."))
    message = _text(5000, required=False)


class VolunteerRequestSerializer(_RequestBase):
    kind = _kind(BookingKind.VOLUNTEER)
    slot = _id()
    volunteers = serializers.IntegerField(min_value=1, max_value=1000)
    task = _text(2000)
    place = _text(300)
    contact_name = _text(150)
    contact_phone = _text(40, required=False)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")


class EquipmentRequestSerializer(_RequestBase):
    kind = _kind(BookingKind.EQUIPMENT)
    item = _id()
    units = serializers.IntegerField(min_value=1, max_value=500)
    pickup_on = serializers.DateField(
        help_text=_("Tag der Abholung (erster Tag der Ausleihe, einschließlich)")
    )
    return_on = serializers.DateField(
        help_text=_(
            "Tag der Rückgabe (letzter Tag der Ausleihe, einschließlich; gleich pickup_on für "
            "eine Ausleihe am selben Tag)"
        )
    )
    purpose = _text(2000)


class JobReferralSerializer(_RequestBase):
    kind = _kind(BookingKind.JOB)
    job = _id()
    candidate_name = _text(150)
    candidate_contact = _text(254)
    note = _text(2000, required=False)
    consent = serializers.BooleanField(
        help_text=_("Die Person hat der Weitergabe ihrer Daten ausdrücklich zugestimmt.")
    )
    consent_date = serializers.DateField()


REQUEST_SERIALIZERS = {
    BookingKind.VOLUNTEER: VolunteerRequestSerializer,
    BookingKind.EQUIPMENT: EquipmentRequestSerializer,
    BookingKind.JOB: JobReferralSerializer,
}


class BookingKindSerializer(_FieldsBuiltOnce, serializers.Serializer):
    """Only reads `kind`, to pick the serializer of the rest."""

    kind = serializers.ChoiceField(choices=BookingKind.choices)


class BookingActionMessageSerializer(StrictSerializer):
    message = _text(5000, required=False)


class BookingCancelReasonSerializer(StrictSerializer):
    reason = _text(5000)


class BookingHandOverSerializer(StrictSerializer):
    note = _text(2000, required=False)
    deposit_received = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Kaution erhalten? Nötig, wenn die Ausleihe eine Kaution hat."),
    )


class BookingReturnSerializer(StrictSerializer):
    note = _text(2000, required=False)
    damaged = serializers.BooleanField(required=False, default=False)
    deposit_paid_back = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Kaution zurückgezahlt (true) oder einbehalten (false)? Nötig, wenn bei der Übergabe "
            "eine Kaution erhalten wurde."
        ),
    )
    deposit_kept_reason = _text(2000, required=False)


class BookingCompleteSerializer(StrictSerializer):
    volunteers_given = serializers.IntegerField(min_value=0, max_value=1000)
    hours_given = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=Decimal(0), max_value=Decimal(99999)
    )
    message = _text(5000, required=False)


class BookingMessagePostSerializer(StrictSerializer):
    body = _text(5000)


# --- output -----------------------------------------------------------------------------------


_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


def _when(value):
    """A date or time as the API writes it elsewhere (ISO 8601, Europe/Berlin)."""
    if value is None:
        return None
    return (
        _DATETIME.to_representation(value)
        if hasattr(value, "hour")
        else _DATE.to_representation(value)
    )


def _str(value) -> str | None:
    """A CharField's or ChoiceField's output (the choices' keys are their strings)."""
    return None if value is None else str(value)


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.full_name or user.email}


# Output serializers are plain Serializers with their fields spelled out: a ModelSerializer
# builds its fields from the model on every instantiation, which cost more than the rest of
# serialising a booking (measured with benchmarks/booking.py).


class _OutputSerializer(serializers.Serializer):
    """An output-only serializer whose fields are copied, not deep-copied, for each instance:
    DRF deep-copies every declared field (rebuilding it from its arguments) each time a
    serializer is made, a tenth of a booking request's CPU (profiled with benchmarks/booking.py).
    A shallow copy is enough for read-only fields: binding a field to its serializer sets
    attributes on the copy only, and output never touches the fields' shared validators."""

    def get_fields(self):
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class BookingEventSerializer(_OutputSerializer):
    action = serializers.CharField(read_only=True)
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField(read_only=True)
    message = serializers.CharField(read_only=True)

    def get_by(self, event) -> dict | None:
        return _person(event.by)

    def to_representation(self, event) -> dict:
        # The fields above written out (see BookingSerializer.to_representation).
        return {
            "action": _str(event.action),
            "from_state": _str(event.from_state),
            "to_state": _str(event.to_state),
            "by": self.get_by(event),
            "at": _when(event.at),
            "message": _str(event.message),
        }


class BookingMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    body = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_author(self, message) -> dict | None:
        return _person(message.author)

    def get_organisation(self, message) -> dict:
        return {"id": message.organisation_id, "name": message.organisation.name}


class EquipmentLoanSerializer(serializers.Serializer):
    """The shape of a booking's `equipment` (documentation; get_equipment builds the dict)."""

    item = serializers.IntegerField()
    units = serializers.IntegerField()
    pickup_on = serializers.DateField(help_text=_("Tag der Abholung (einschließlich)"))
    return_on = serializers.DateField(help_text=_("Tag der Rückgabe (einschließlich)"))
    purpose = serializers.CharField()
    handed_over_at = serializers.DateTimeField(allow_null=True)
    handover_note = serializers.CharField(allow_blank=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    return_note = serializers.CharField(allow_blank=True)
    damaged = serializers.BooleanField()
    deposit = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text=_("Kaution in Euro, wie beim Anfragen im Angebot (null: keine)"),
    )
    deposit_received = serializers.BooleanField(
        allow_null=True, help_text=_("bei der Übergabe erhalten (null: keine Kaution)")
    )
    deposit_paid_back = serializers.BooleanField(
        allow_null=True,
        help_text=_("bei der Rückgabe zurückgezahlt (true) oder einbehalten (false)"),
    )
    deposit_kept_reason = serializers.CharField(allow_blank=True)


def sides(booking: Booking) -> set[Side]:
    """The sides the requesting person belongs to (annotated by bookings_visible_to)."""
    found = set()
    if getattr(booking, "as_requester", False):
        found.add(Side.REQUESTER)
    if getattr(booking, "as_provider", False):
        found.add(Side.PROVIDER)
    return found


class BookingSerializer(_OutputSerializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=BookingKind.choices, read_only=True)
    state = serializers.ChoiceField(choices=BookingState.choices, read_only=True)
    offer = serializers.SerializerMethodField()
    requester = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()
    my_sides = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    message = serializers.CharField(read_only=True)
    group = serializers.IntegerField(
        source="group_id",
        read_only=True,
        allow_null=True,
        help_text=_("Die Sammelanfrage, zu der die Buchung gehört (booking-groups/), oder null"),
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    ended_at = serializers.DateTimeField(read_only=True, allow_null=True)
    volunteer = serializers.SerializerMethodField()
    equipment = serializers.SerializerMethodField()
    job = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def to_representation(self, booking) -> dict:
        """The fields above written out: the same JSON as DRF's field-by-field output
        (tests/bookings/test_representation.py compares the two), which cost a tenth of a
        booking request's CPU (profiled with benchmarks/booking.py) and is paid again for
        each booking of a list. A new field is added both above (schema) and here."""
        return {
            "id": booking.pk,
            "kind": _str(booking.kind),
            "state": _str(booking.state),
            "offer": self.get_offer(booking),
            "requester": self.get_requester(booking),
            "provider": self.get_provider(booking),
            "my_sides": self.get_my_sides(booking),
            "allowed_actions": self.get_allowed_actions(booking),
            "message": _str(booking.message),
            "group": booking.group_id,
            "created_at": _when(booking.created_at),
            "updated_at": _when(booking.updated_at),
            "starts_at": _when(booking.starts_at),
            "expires_at": _when(booking.expires_at),
            "ended_at": _when(booking.ended_at),
            "volunteer": self.get_volunteer(booking),
            "equipment": self.get_equipment(booking),
            "job": self.get_job(booking),
            "events": self.get_events(booking),
            "url": self.get_url(booking),
        }

    def get_offer(self, booking) -> dict:
        listing = booking.listing
        return {"id": listing.pk, "kind": listing.kind, "title": listing.title}

    def get_requester(self, booking) -> dict:
        return {"id": booking.requester_id, "name": booking.requester.name}

    def get_provider(self, booking) -> dict:
        return {"id": booking.provider_id, "name": booking.provider.name}

    def get_my_sides(self, booking) -> list[str]:
        return sorted(str(side) for side in sides(booking))

    def get_allowed_actions(self, booking) -> list[str]:
        actions = actions_now(booking, sides(booking), timezone.localdate())
        return [action.replace("_", "-") for action in actions]

    @extend_schema_field(BookingEventSerializer(many=True))
    def get_events(self, booking) -> list:
        # A booking just created carries its one event; others have them prefetched.
        events = getattr(booking, "new_events", None)
        if events is None:
            events = booking.events.all()
        event_output = BookingEventSerializer()
        return [event_output.to_representation(event) for event in events]

    def get_url(self, booking) -> str:
        return booking.path

    def get_volunteer(self, booking) -> dict | None:
        if booking.kind != BookingKind.VOLUNTEER:
            return None
        slot = booking.slot
        return {
            "slot": {"id": slot.pk, "start": _when(slot.start), "end": _when(slot.end)},
            "volunteers": booking.volunteers,
            "task": booking.task,
            "place": booking.place,
            "contact_name": booking.contact_name,
            "contact_phone": booking.contact_phone,
            "contact_email": booking.contact_email,
            "volunteers_given": booking.volunteers_given,
            "hours_given": None if booking.hours_given is None else str(booking.hours_given),
            "hours_confirmed_at": _when(booking.hours_confirmed_at),
        }

    @extend_schema_field(EquipmentLoanSerializer(allow_null=True))
    def get_equipment(self, booking) -> dict | None:
        if booking.kind != BookingKind.EQUIPMENT:
            return None
        return {
            "item": booking.listing_id,
            "units": booking.units,
            "pickup_on": _when(booking.pickup_on),
            "return_on": _when(booking.return_on),
            "purpose": booking.purpose,
            "handed_over_at": _when(booking.handed_over_at),
            "handover_note": booking.handover_note,
            "returned_at": _when(booking.returned_at),
            "return_note": booking.return_note,
            "damaged": booking.damaged,
            "deposit": None if booking.deposit is None else str(booking.deposit),
            "deposit_received": booking.deposit_received,
            "deposit_paid_back": booking.deposit_paid_back,
            "deposit_kept_reason": booking.deposit_kept_reason,
        }

    def get_job(self, booking) -> dict | None:
        if booking.kind != BookingKind.JOB:
            return None
        data = {
            "job": booking.listing_id,
            "consent": booking.candidate_consent,
            "consent_date": _when(booking.consent_date),
            "anonymised": booking.anonymised_at is not None,
        }
        # The candidate's data is for the two organisations only, not the coordinator.
        if sides(booking):
            data.update(
                candidate_name=booking.candidate_name,
                candidate_contact=booking.candidate_contact,
                note=booking.candidate_note,
            )
        return data

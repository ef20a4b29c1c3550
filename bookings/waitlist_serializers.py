"""Input and output shapes of the waiting lists' API (bookings/waitlist_api.py). The inputs are
the request's own (bookings/serializers.py) less what the URL names."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import BookingKind, WaitlistState
from .serializers import EquipmentRequestSerializer, VolunteerRequestSerializer


class SlotWaitlistJoinSerializer(VolunteerRequestSerializer):
    kind = None  # the URL names the slot, and so the kind
    slot = None


class ItemWaitlistJoinSerializer(EquipmentRequestSerializer):
    kind = None
    item = None


class _NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class _SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class WaitlistEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=BookingKind.choices[:2], read_only=True)
    state = serializers.ChoiceField(choices=WaitlistState.choices, read_only=True)
    offer = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    slot = serializers.SerializerMethodField()
    volunteers = serializers.IntegerField(read_only=True, allow_null=True)
    task = serializers.CharField(read_only=True)
    place = serializers.CharField(read_only=True)
    contact_name = serializers.CharField(read_only=True)
    contact_phone = serializers.CharField(read_only=True)
    contact_email = serializers.CharField(read_only=True)
    units = serializers.IntegerField(read_only=True, allow_null=True)
    pickup_on = serializers.DateField(read_only=True, allow_null=True)
    return_on = serializers.DateField(read_only=True, allow_null=True)
    purpose = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_on = serializers.DateField(
        read_only=True, help_text=_("Der letzte Tag, an dem der Eintrag wartet.")
    )
    ended_at = serializers.DateTimeField(read_only=True, allow_null=True)
    position = serializers.SerializerMethodField(
        help_text=_("Platz in der Warteliste (1 = als Nächstes dran); null, wenn er nicht wartet.")
    )
    booking = serializers.SerializerMethodField(
        help_text=_("Die Anfrage, die beim Nachrücken gestellt wurde.")
    )

    @extend_schema_field(_OfferSerializer)
    def get_offer(self, entry):
        return {"id": entry.listing_id, "title": entry.listing.title}

    @extend_schema_field(_NamedSerializer)
    def get_organisation(self, entry):
        return {"id": entry.organisation_id, "name": entry.organisation.name}

    @extend_schema_field(_SlotSerializer(allow_null=True))
    def get_slot(self, entry):
        return None if entry.slot is None else _SlotSerializer(entry.slot).data

    def get_position(self, entry) -> int | None:
        if entry.state != WaitlistState.WAITING:
            return None
        return getattr(entry, "ahead", 0) + 1

    def get_booking(self, entry) -> int | None:
        return entry.booking_id

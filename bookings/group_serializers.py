"""Input and output shapes of requests for several items: the body of
`POST /api/v1/bookings/` with `items`, and /api/v1/booking-groups/."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.api_base import StrictSerializer

from .group_selectors import group_actions, item_actions, sides_of_group
from .models import BookingState
from .serializers import _id, _OutputSerializer, _text, _when
from .services.multi import MAX_ITEMS, MAX_UNITS, MIN_ITEMS

# --- input ------------------------------------------------------------------------------------


class LoanItemSerializer(StrictSerializer):
    item = _id()
    units = serializers.IntegerField(min_value=1, max_value=MAX_UNITS)


class EquipmentGroupRequestSerializer(StrictSerializer):
    kind = serializers.ChoiceField(
        choices=[("equipment", "equipment")],
        required=False,
        help_text=_("Immer „equipment“ (eine Sammelanfrage umfasst nur Ausleihen)."),
    )
    organisation = _id(required=False, help_text=_("Für welche Organisation gebucht wird."))
    items = serializers.ListField(
        child=LoanItemSerializer(),
        min_length=MIN_ITEMS,
        max_length=MAX_ITEMS,
        help_text=_("2 bis 20 Gegenstände derselben Organisation, jeder nur einmal."),
    )
    pickup_on = serializers.DateField(
        help_text=_("Tag der Abholung (erster Tag der Ausleihe, einschließlich)")
    )
    return_on = serializers.DateField(
        help_text=_("Tag der Rückgabe (letzter Tag der Ausleihe, einschließlich)")
    )
    purpose = _text(2000)
    message = _text(5000, required=False)


def _booking_ids(help_text) -> serializers.ListField:
    return serializers.ListField(
        child=_id(), max_length=MAX_ITEMS, help_text=help_text, required=False
    )


class GroupAnswerSerializer(StrictSerializer):
    confirm = serializers.ListField(
        child=_id(),
        max_length=MAX_ITEMS,
        allow_empty=True,
        help_text=_(
            "Die Buchungen (ids aus `items`), die bestätigt werden; alle übrigen offenen werden "
            "abgelehnt. Leer: alle ablehnen."
        ),
    )
    message = _text(5000, required=False)


class GroupHandOverSerializer(StrictSerializer):
    bookings = _booking_ids(_("Welche Buchungen übergeben werden; fehlt es: alle bestätigten."))
    note = _text(2000, required=False)
    deposit_received = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Kaution erhalten? Gilt für die Gegenstände mit Kaution."),
    )


class GroupReturnSerializer(StrictSerializer):
    bookings = _booking_ids(
        _("Welche Buchungen zurückgenommen werden; fehlt es: alle ausgeliehenen.")
    )
    note = _text(2000, required=False)
    damaged = serializers.BooleanField(required=False, default=False)
    deposit_paid_back = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Gilt für die Gegenstände, deren Kaution erhalten wurde."),
    )
    deposit_kept_reason = _text(2000, required=False)


class GroupCancelSerializer(StrictSerializer):
    reason = _text(5000)


# --- output -----------------------------------------------------------------------------------


class GroupItemSerializer(serializers.Serializer):
    """The shape of one entry of a group's `items` (documentation; get_items builds it)."""

    booking = serializers.IntegerField()
    item = serializers.DictField()
    units = serializers.IntegerField()
    state = serializers.ChoiceField(choices=BookingState.choices)
    allowed_actions = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Was mit diesem einen Gegenstand geht (POST bookings/{booking}/<action>/)"),
    )
    url = serializers.CharField()
    pickup_on = serializers.DateField()
    return_on = serializers.DateField()


class BookingGroupSerializer(_OutputSerializer):
    id = serializers.IntegerField(read_only=True)
    requester = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()
    my_sides = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    pickup_on = serializers.DateField(read_only=True)
    return_on = serializers.DateField(read_only=True)
    purpose = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    items = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_requester(self, group) -> dict:
        return {"id": group.requester_id, "name": group.requester.name}

    def get_provider(self, group) -> dict:
        return {"id": group.provider_id, "name": group.provider.name}

    def get_my_sides(self, group) -> list[str]:
        return sorted(str(side) for side in sides_of_group(group))

    def get_allowed_actions(self, group) -> list[str]:
        return [action.replace("_", "-") for action in group_actions(group)]

    @extend_schema_field(GroupItemSerializer(many=True))
    def get_items(self, group) -> list:
        return [
            {
                "booking": booking.pk,
                "item": {"id": booking.listing_id, "title": booking.listing.title},
                "units": booking.units,
                "state": booking.state,
                "allowed_actions": [
                    action.replace("_", "-") for action in item_actions(group, booking)
                ],
                "url": booking.path,
                "pickup_on": _when(booking.pickup_on),
                "return_on": _when(booking.return_on),
            }
            for booking in group.items
        ]

    def get_url(self, group) -> str:
        return group.path

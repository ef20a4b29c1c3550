"""Input and output shapes of /api/v1/needs/ and its proposals."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import serializers

from marketplace.api_base import StrictSerializer

from .models import HelpKind, Need, Proposal
from .states import need_actions, proposal_actions

MAX_ID = 2**53


def _text(limit: int, *, required: bool = True, **kwargs) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=limit, **kwargs)
    return serializers.CharField(
        max_length=limit, required=False, allow_blank=True, default="", **kwargs
    )


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class NeedOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class NeedCategorySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, category) -> str:
        english = (get_language() or "de").startswith("en")
        return (english and category.name_en) or category.name_de


class NeedSerializer(serializers.ModelSerializer):
    organisation = NeedOrganisationSerializer(read_only=True)
    category = NeedCategorySerializer(read_only=True)
    flexible = serializers.BooleanField(source="is_flexible", read_only=True)
    actions = serializers.SerializerMethodField(
        help_text="Was die eigene Organisation jetzt tun kann (publish, close, fulfil)"
    )
    url = serializers.CharField(source="path", read_only=True, help_text="Seite in der Web-App")

    class Meta:
        model = Need
        fields = [
            "id",
            "organisation",
            "title",
            "description",
            "category",
            "help_kind",
            "quantity",
            "flexible",
            "date_from",
            "date_until",
            "place",
            "open_until",
            "status",
            "actions",
            "url",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_actions(self, need) -> list[str]:
        mine = self.context.get("my_organisation_ids", ())
        return need_actions(need.status) if need.organisation_id in mine else []


class NeedCreateSerializer(StrictSerializer):
    organisation = _id(required=False, help_text="Ohne: die einzige soziale Organisation")
    title = _text(200)
    description = _text(5000, required=False)
    category = serializers.SlugField(max_length=60, help_text="Kurzname einer Kategorie")
    help_kind = serializers.ChoiceField(choices=HelpKind.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    date_from = serializers.DateField(required=False, help_text="ohne: flexibel")
    date_until = serializers.DateField(required=False, help_text="bis einschließlich")
    place = _text(300, required=False)
    open_until = serializers.DateField(required=False, help_text="Standard: 30 Tage")
    publish = serializers.BooleanField(required=False, default=False)


class NeedUpdateSerializer(StrictSerializer):
    title = _text(200, required=True)
    description = serializers.CharField(max_length=5000, allow_blank=True)
    category = serializers.SlugField(max_length=60)
    help_kind = serializers.ChoiceField(choices=HelpKind.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, allow_null=True)
    date_from = serializers.DateField(allow_null=True)
    date_until = serializers.DateField(allow_null=True)
    place = serializers.CharField(max_length=300, allow_blank=True)
    open_until = serializers.DateField()


class MessageSerializer(StrictSerializer):
    message = _text(5000, required=False)


class ProposalSerializer(serializers.ModelSerializer):
    organisation = NeedOrganisationSerializer(read_only=True)
    need = serializers.IntegerField(source="need_id", read_only=True)
    slot = serializers.IntegerField(source="slot_id", read_only=True, allow_null=True)
    item = serializers.IntegerField(source="item_id", read_only=True, allow_null=True)
    booking = serializers.IntegerField(source="booking_id", read_only=True, allow_null=True)
    actions = serializers.SerializerMethodField(
        help_text="Was man jetzt tun kann: accept/decline (Organisation des Gesuchs), withdraw "
        "(das Unternehmen)"
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "need",
            "organisation",
            "message",
            "slot",
            "volunteers",
            "item",
            "units",
            "pickup_on",
            "return_on",
            "status",
            "answer",
            "booking",
            "actions",
            "created_at",
        ]
        read_only_fields = fields

    def get_actions(self, proposal) -> list[str]:
        mine = self.context.get("my_organisation_ids", ())
        allowed = proposal_actions(proposal.status)
        found = []
        if self.context.get("need_organisation_id") in mine:
            found += [a for a in allowed if a in {"accept", "decline"}]
        if proposal.organisation_id in mine:
            found += [a for a in allowed if a == "withdraw"]
        return found


class ProposalCreateSerializer(StrictSerializer):
    organisation = _id(required=False, help_text="Ohne: das einzige Unternehmen")
    message = _text(5000)
    slot = _id(required=False, help_text="ein eigener Termin einer Freiwilligenaktion")
    volunteers = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    item = _id(required=False, help_text="ein eigener Gegenstand zum Ausleihen")
    units = serializers.IntegerField(min_value=1, max_value=500, required=False)
    pickup_on = serializers.DateField(required=False)
    return_on = serializers.DateField(required=False, help_text="bis einschließlich")

    def validate(self, data):
        errors = {}
        if "slot" in data and "item" in data:
            errors["item"] = [_("Bitte entweder einen Termin (slot) oder einen Gegenstand (item).")]
        if "slot" in data and "volunteers" not in data:
            errors["volunteers"] = [_("Bitte angeben, wie viele Freiwillige kommen.")]
        if "item" in data:
            for name in ("units", "pickup_on", "return_on"):
                if name not in data:
                    errors[name] = [_("Dieses Feld ist zum Gegenstand nötig.")]
        if "slot" not in data and "volunteers" in data:
            errors["volunteers"] = [_("Nur zusammen mit einem Termin (slot).")]
        if "item" not in data:
            for name in ("units", "pickup_on", "return_on"):
                if name in data:
                    errors[name] = [_("Nur zusammen mit einem Gegenstand (item).")]
        if errors:
            raise serializers.ValidationError(errors)
        return data

"""Input and output shapes of the organisation endpoints (marketplace/api/organisations.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.api_base import (
    OptionalEmailField,
    OptionalURLField,
    StrictModelSerializer,
    StrictSerializer,
)
from marketplace.models import (
    Invitation,
    InvitationState,
    Membership,
    Organisation,
    Role,
    TaxExemption,
)
from marketplace.services.organisations import PROFILE_FIELDS_IN_ORDER, REASON_MAX_LENGTH

PROFILE_INPUT_FIELDS = list(PROFILE_FIELDS_IN_ORDER)


class OrganisationSerializer(serializers.ModelSerializer):
    """The public profile, plus what only members and the coordinator see (else null)."""

    logo_url = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField(
        help_text=gettext_lazy("Ihre Rolle in der Organisation, oder null.")
    )
    status_reason = serializers.SerializerMethodField()
    status_changed_at = serializers.SerializerMethodField()
    created_at = serializers.SerializerMethodField()
    website = OptionalURLField()
    contact_email = OptionalEmailField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "name",
            "slug",
            "description",
            "street",
            "postcode",
            "city",
            "district",
            "website",
            "contact_email",
            "phone",
            "logo_url",
            "show_contacts",
            "status",
            "my_role",
            "status_reason",
            "status_changed_at",
            "created_at",
        ]
        read_only_fields = fields

    def _sees_private(self, organisation) -> bool:
        request = self.context["request"]
        return bool(getattr(organisation, "my_role", None)) or request.user.is_coordinator

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_logo_url(self, organisation) -> str | None:
        if not organisation.logo:
            return None
        return self.context["request"].build_absolute_uri(organisation.logo.url)

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_my_role(self, organisation) -> str | None:
        return getattr(organisation, "my_role", None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_reason(self, organisation) -> str | None:
        return organisation.status_reason if self._sees_private(organisation) else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_status_changed_at(self, organisation) -> str | None:
        if not self._sees_private(organisation) or organisation.status_changed_at is None:
            return None
        return serializers.DateTimeField().to_representation(organisation.status_changed_at)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_created_at(self, organisation) -> str | None:
        if not self._sees_private(organisation):
            return None
        return serializers.DateTimeField().to_representation(organisation.created_at)


class _ProfileInput(StrictModelSerializer):
    # Checked by content in the service (format, size, dimensions), not by name here.
    logo = serializers.FileField(
        required=False, allow_null=True, allow_empty_file=False, max_length=200
    )


class OrganisationApplySerializer(_ProfileInput):
    class Meta:
        model = Organisation
        fields = ["kind", *PROFILE_INPUT_FIELDS]
        extra_kwargs = {"slug": {"required": False}}


class OrganisationUpdateSerializer(_ProfileInput):
    """Kind and status are refused with their own message: they change by other means."""

    class Meta:
        model = Organisation
        fields = PROFILE_INPUT_FIELDS

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            fixed = {
                "kind": _("Die Art der Organisation kann nicht geändert werden."),
                "status": _(
                    "Den Status ändert nur die Koordination (freigeben, ablehnen, sperren)."
                ),
            }
            errors = {name: [message] for name, message in fixed.items() if name in data}
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class RequiredReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class TaxExemptionSerializer(StrictModelSerializer):
    class Meta:
        model = TaxExemption
        fields = [
            "tax_office",
            "tax_number",
            "notice_kind",
            "notice_date",
            "purposes",
            "machine_receipts_notified",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class MembershipSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user_id", "full_name", "email", "role", "created_at"]
        read_only_fields = fields


class RoleSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its organisation's admins see it (never with its token)."""

    state = serializers.ChoiceField(choices=InvitationState.choices, read_only=True)
    invited_by_name = serializers.CharField(
        source="invited_by.full_name", read_only=True, default=None
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "state",
            "invited_by_name",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class InvitedOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "slug"]
        read_only_fields = fields


class InvitationByTokenSerializer(serializers.ModelSerializer):
    """What the invitee's link shows before accepting."""

    organisation = InvitedOrganisationSerializer(read_only=True)
    state = serializers.ChoiceField(choices=InvitationState.choices, read_only=True)
    invited_by_name = serializers.CharField(
        source="invited_by.full_name", read_only=True, default=None
    )

    class Meta:
        model = Invitation
        fields = ["organisation", "email", "role", "state", "invited_by_name", "expires_at"]
        read_only_fields = fields


class MyMembershipSerializer(serializers.ModelSerializer):
    organisation = InvitedOrganisationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "role", "created_at"]
        read_only_fields = fields

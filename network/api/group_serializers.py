"""Input and output shapes of /api/v1/working-groups/ (network/api/groups.py)."""

from rest_framework import serializers

from marketplace.api_base import StrictSerializer
from marketplace.api_filters import MAX_ID

from ..models import (
    GroupMembership,
    GroupMembershipState,
    GroupMessage,
    GroupRole,
    JoinPolicy,
    MeetingsVisibility,
    Project,
    ProjectStatus,
    WorkingGroup,
)


def id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class GroupPersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class GroupOrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GroupMembershipSerializer(serializers.ModelSerializer):
    person = GroupPersonRefSerializer(read_only=True)
    organisation = GroupOrganisationRefSerializer(read_only=True)

    class Meta:
        model = GroupMembership
        fields = ["id", "person", "organisation", "role", "state", "created_at", "decided_at"]
        read_only_fields = fields


class WorkingGroupSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    leads = serializers.SerializerMethodField()
    my_membership = serializers.SerializerMethodField()

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "join_policy",
            "meetings_visibility",
            "member_count",
            "leads",
            "my_membership",
            "created_at",
        ]
        read_only_fields = fields

    def get_leads(self, group) -> list[dict]:
        return [
            {
                "person": {"id": m.person_id, "name": m.person.full_name},
                "organisation": {"id": m.organisation_id, "name": m.organisation.name},
            }
            for m in getattr(group, "leads", [])
        ]

    def get_my_membership(self, group) -> dict | None:
        state = getattr(group, "my_state", None)
        if state is None:
            return None
        return {"state": state, "role": group.my_role}


class LeadInputSerializer(StrictSerializer):
    person = id_field()
    organisation = id_field()


class WorkingGroupCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    join_policy = serializers.ChoiceField(choices=JoinPolicy.choices, required=False)
    meetings_visibility = serializers.ChoiceField(
        choices=MeetingsVisibility.choices, required=False
    )
    leads = LeadInputSerializer(many=True, required=False, max_length=10)


class WorkingGroupUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    join_policy = serializers.ChoiceField(choices=JoinPolicy.choices, required=False)
    meetings_visibility = serializers.ChoiceField(
        choices=MeetingsVisibility.choices, required=False
    )


class JoinSerializer(StrictSerializer):
    organisation = id_field()


class EmptySerializer(StrictSerializer):
    pass


class RoleSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=GroupRole.choices)


class ProjectSerializer(serializers.ModelSerializer):
    organisations = GroupOrganisationRefSerializer(many=True, read_only=True)
    next_step_owner = GroupPersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "description",
            "status",
            "organisations",
            "next_step",
            "next_step_owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProjectInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)
    organisations = serializers.ListField(child=id_field(), required=False, max_length=30)
    next_step = serializers.CharField(max_length=500, required=False, allow_blank=True)
    next_step_owner = id_field(required=False, allow_null=True)


class ProjectUpdateSerializer(ProjectInputSerializer):
    title = serializers.CharField(max_length=200, required=False)


class GroupMessageSerializer(serializers.ModelSerializer):
    sent_by = GroupPersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = GroupMessage
        fields = ["id", "subject", "body", "sent_by", "sent_at"]
        read_only_fields = fields


class GroupMessageInputSerializer(StrictSerializer):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10000, style={"base_template": "textarea.html"})


class MembershipFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[GroupMembershipState.ACTIVE, GroupMembershipState.REQUESTED], required=False
    )

"""Input and output shapes of the minutes API (network/api/minutes.py)."""

from django.urls import reverse
from rest_framework import serializers

from marketplace.api_base import StrictSerializer

from ..models import Decision, Minutes, MinutesAttachment
from .group_serializers import GroupOrganisationRefSerializer, GroupPersonRefSerializer, id_field


class DecisionSerializer(serializers.ModelSerializer):
    owner = GroupPersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "text", "owner", "due"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = MinutesAttachment
        fields = ["id", "name", "content_type", "size", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        return reverse(
            "minutes-attachment",
            kwargs={"pk": self.context["event_id"], "attachment_id": attachment.pk},
        )


class AttendanceSerializer(serializers.Serializer):
    organisation = GroupOrganisationRefSerializer(read_only=True)
    count = serializers.IntegerField(read_only=True)


class MinutesEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    group = serializers.IntegerField(source="group_id", read_only=True, allow_null=True)


class MinutesSerializer(serializers.ModelSerializer):
    event = MinutesEventSerializer(read_only=True)
    organisations = GroupOrganisationRefSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    written_by = GroupPersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Minutes
        fields = [
            "id",
            "event",
            "text",
            "organisations",
            "attendance",
            "decisions",
            "attachments",
            "written_by",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_attachments(self, minutes) -> list[dict]:
        return AttachmentSerializer(
            minutes.attachments.all(), many=True, context={"event_id": minutes.event_id}
        ).data

    def get_attendance(self, minutes) -> list[dict]:
        return AttendanceSerializer(self.context.get("attendance", []), many=True).data


class MinutesSummarySerializer(serializers.ModelSerializer):
    event = MinutesEventSerializer(read_only=True)

    class Meta:
        model = Minutes
        fields = ["id", "event", "published_at", "updated_at"]
        read_only_fields = fields


class DecisionInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=1000, style={"base_template": "textarea.html"})
    owner = id_field(required=False, allow_null=True)
    due = serializers.DateField(required=False, allow_null=True)


class AttendanceInputSerializer(StrictSerializer):
    organisation = id_field()
    count = serializers.IntegerField(min_value=0, max_value=10000)


class MinutesInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=50000, style={"base_template": "textarea.html"})
    organisations = serializers.ListField(child=id_field(), required=False, max_length=200)
    decisions = DecisionInputSerializer(many=True, required=False, max_length=50)
    attendance = AttendanceInputSerializer(many=True, required=False, max_length=200)

    def validate_attendance(self, value):
        ids = [row["organisation"] for row in value]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("Jede Organisation bitte nur einmal.")
        return value


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField()

"""Input and output shapes of /api/v1/notifications/."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace.api_base import StrictSerializer

from .models import Notification
from .rendering import in_app_title


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "url", "organisation", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_title(self, notification: Notification) -> str:
        request = self.context.get("request")
        language = getattr(getattr(request, "user", None), "language", notification.language)
        return in_app_title(notification, language)

    def get_url(self, notification: Notification) -> str:
        """The page the notification is about (the `url` its sender put in the context)."""
        url = notification.context.get("url", "")
        return url if isinstance(url, str) else ""

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class EmptySerializer(StrictSerializer):
    """A body that must carry nothing (unknown fields are refused)."""


class ReadAllResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("wie viele ungelesen waren"))


class StrictBooleanField(serializers.BooleanField):
    """true or false, not "yes", 1 or "on": a typo should not switch anything."""

    default_error_messages = {"invalid": _("Bitte true oder false angeben.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class PreferenceSerializer(StrictSerializer):
    kind = serializers.CharField(max_length=60)
    description = serializers.CharField(read_only=True)
    recipients = serializers.CharField(read_only=True)
    enabled = StrictBooleanField()


class PreferencesSerializer(StrictSerializer):
    kinds = PreferenceSerializer(many=True, max_length=200)

    def validate_kinds(self, items):
        names = [item["kind"] for item in items]
        if len(names) != len(set(names)):
            raise serializers.ValidationError(_("Jede Art höchstens einmal angeben."))
        return items

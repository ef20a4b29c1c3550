"""Output shapes of the directory and the reports (read-only; nothing here writes)."""

from rest_framework import serializers


class OfferCountsSerializer(serializers.Serializer):
    volunteer_action = serializers.IntegerField()
    equipment = serializers.IntegerField()
    job = serializers.IntegerField()


class DirectoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    district = serializers.CharField()
    description = serializers.CharField()
    website = serializers.CharField()
    logo_url = serializers.CharField()
    purposes = serializers.CharField()
    offers = serializers.SerializerMethodField()

    def get_offers(self, entry) -> OfferCountsSerializer:
        return {kind: entry.offers.get(kind, 0) for kind in OfferCountsSerializer().fields}


class DirectoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = DirectoryEntrySerializer(many=True)


class ContactPersonSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    email = serializers.CharField()


class ProfileOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    excerpt = serializers.CharField()


class MemberProfileSerializer(serializers.Serializer):
    organisation = DirectoryEntrySerializer(source="entry")
    offers = ProfileOfferSerializer(many=True)
    show_contacts = serializers.BooleanField(
        help_text="Kontaktdaten nur für Netzwerkmitglieder, wenn die Organisation es will."
    )
    contact_email = serializers.CharField()
    phone = serializers.CharField()
    contact_people = ContactPersonSerializer(many=True)

"""Bookings in the admin, for the coordinator: read only. Changes go through the services
(the API and, later, the web pages), so capacity, events and e-mails stay consistent."""

from django.contrib import admin

from .models import Booking, BookingEvent, BookingKind, BookingMessage, WaitlistEntry


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BookingEventInline(ReadOnlyInline):
    model = BookingEvent
    fields = ["at", "action", "from_state", "to_state", "by", "message"]
    readonly_fields = fields


class ReferralEventInline(BookingEventInline):
    # A referral's step messages may speak of the candidate: the steps only.
    fields = ["at", "action", "from_state", "to_state", "by"]
    readonly_fields = fields


class BookingMessageInline(ReadOnlyInline):
    model = BookingMessage
    fields = ["created_at", "organisation", "author", "body"]
    readonly_fields = fields


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "state", "listing", "requester", "provider", "starts_at"]
    list_filter = ["kind", "state"]
    search_fields = ["listing__title", "requester__name", "provider__name"]
    list_select_related = ["listing", "requester", "provider"]
    date_hierarchy = "created_at"
    inlines = [BookingEventInline, BookingMessageInline]
    # The candidate's data is for the two organisations only (see the API), not the admin;
    # a referral's request message and thread may speak of the candidate, so they stay out too.
    exclude = ["candidate_name", "candidate_contact", "candidate_note"]

    def get_exclude(self, request, obj=None):
        if obj is not None and obj.kind == BookingKind.JOB:
            return [*self.exclude, "message"]
        return self.exclude

    def get_inlines(self, request, obj):
        if obj is not None and obj.kind == BookingKind.JOB:
            return [ReferralEventInline]
        return self.inlines

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    """Waiting lists, read only: joining, leaving and moving up go through the services."""

    list_display = ["id", "kind", "state", "listing", "organisation", "created_at", "expires_on"]
    list_filter = ["kind", "state"]
    search_fields = ["listing__title", "organisation__name"]
    list_select_related = ["listing", "organisation"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

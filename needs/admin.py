"""/admin/ for coordinators: needs and proposals, to look at and moderate (close a need that
does not belong here through its status). Statuses and bookings change only through
needs.services (the pages and the API), so they are read-only here."""

from django.contrib import admin

from .models import Need, NeedEvent, Proposal


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    can_delete = False
    fields = ["organisation", "status", "message", "booking", "created_at"]
    readonly_fields = fields
    show_change_link = True


class NeedEventInline(admin.TabularInline):
    model = NeedEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "by", "proposal", "message"]
    readonly_fields = fields


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "help_kind", "status", "date_from", "open_until"]
    list_filter = ["status", "help_kind", "category"]
    search_fields = ["title", "description", "organisation__name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["organisation", "created_by"]
    readonly_fields = ["status", "published_at", "status_changed_at", "created_at"]
    inlines = [ProposalInline, NeedEventInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["need", "organisation", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["need__title", "organisation__name", "message"]
    raw_id_fields = ["need", "organisation", "created_by", "slot", "item", "booking"]
    readonly_fields = ["status", "booking", "created_at"]

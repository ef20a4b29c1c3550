"""/admin/ for coordinators: the network's events, series, registrations, groups and minutes.

Writes that carry rules (publishing, capacity, waiting lists) go through network.services in
the pages and the API; the admin shows those counters read-only.
"""

from django.contrib import admin

from .models import (
    Decision,
    Event,
    EventSeries,
    EventStateChange,
    GroupMembership,
    GroupMessage,
    Minutes,
    MinutesAttachment,
    OrganisationAttendance,
    Project,
    Registration,
    Station,
    WorkingGroup,
)


class StationInline(admin.TabularInline):
    model = Station
    extra = 0
    readonly_fields = ["seats_taken"]
    raw_id_fields = ["host"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "state", "visibility", "capacity", "seats_taken"]
    list_filter = ["kind", "state", "visibility"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["hosts", "group", "series", "created_by"]
    readonly_fields = ["seats_taken", "sequence", "state", "published_at", "invitations_sent_at"]
    inlines = [StationInline]


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "rrule", "first_starts_at"]
    raw_id_fields = ["hosts", "group", "created_by"]


@admin.register(EventStateChange)
class EventStateChangeAdmin(admin.ModelAdmin):
    list_display = ["event", "from_state", "to_state", "by", "at"]
    raw_id_fields = ["event", "by"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "station", "person", "organisation", "companions", "state"]
    list_filter = ["state"]
    raw_id_fields = ["event", "station", "person", "organisation"]
    readonly_fields = ["state", "created_at", "promoted_at", "cancelled_at"]


@admin.register(OrganisationAttendance)
class OrganisationAttendanceAdmin(admin.ModelAdmin):
    list_display = ["event", "organisation", "count"]
    raw_id_fields = ["event", "organisation"]


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    fk_name = "group"
    raw_id_fields = ["person", "organisation", "decided_by"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "join_policy", "meetings_visibility"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GroupMembershipInline]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "status"]
    list_filter = ["status"]
    raw_id_fields = ["organisations", "next_step_owner"]


@admin.register(GroupMessage)
class GroupMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "group", "sent_by", "sent_at"]
    raw_id_fields = ["sent_by"]


class MinutesAttachmentInline(admin.TabularInline):
    model = MinutesAttachment
    extra = 0
    raw_id_fields = ["uploaded_by"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["event", "written_by", "published_at"]
    raw_id_fields = ["event", "organisations", "written_by"]
    inlines = [MinutesAttachmentInline, DecisionInline]

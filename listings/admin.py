"""/admin/ for coordinators: the category list, and offers to look at and moderate.

Categories are edited here freely (German and English names, order, active). Offers are the
companies' own: the admin shows them read-only and moderates them through the same services
as the API (pause, close), so no rule and no capacity count can be skipped here.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.errors import DomainError

from . import services
from .models import (
    Category,
    Equipment,
    EquipmentAllocation,
    EquipmentPhoto,
    JobOffer,
    ListingStatusChange,
    VolunteerAction,
    VolunteerSlot,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "position", "is_active"]
    list_editable = ["name_en", "position", "is_active"]
    search_fields = ["name_de", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_de",)}

    def has_delete_permission(self, request, obj=None):
        # Offers point at their category; retire a category with "aktiv" instead.
        return (
            obj is not None
            and not obj.listings.exists()
            and super().has_delete_permission(request, obj)
        )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = ListingStatusChange
    fk_name = "listing"
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields


class SlotInline(ReadOnlyInline):
    model = VolunteerSlot
    fields = ["start", "end", "volunteers_available", "volunteers_held"]
    readonly_fields = fields


class PhotoInline(ReadOnlyInline):
    model = EquipmentPhoto
    fields = ["image", "width", "height", "uploaded_at"]
    readonly_fields = fields


class AllocationInline(ReadOnlyInline):
    model = EquipmentAllocation
    fields = ["kind", "unit_number", "start", "end", "hold_id"]
    readonly_fields = fields


def _moderate(modeladmin, request, queryset, service, done_message):
    done = 0
    for listing in queryset:
        try:
            service(listing=listing, by=request.user, reason=str(_("Moderation")))
        except DomainError as error:
            modeladmin.message_user(request, f"{listing}: {error.message}", messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(description=_("Ausgewählte Angebote pausieren"))
def pause_listings(modeladmin, request, queryset):
    _moderate(
        modeladmin,
        request,
        queryset,
        services.listing_pause,
        lambda n: ngettext("%(n)d Angebot pausiert.", "%(n)d Angebote pausiert.", n) % {"n": n},
    )


@admin.action(description=_("Ausgewählte Angebote schließen"))
def close_listings(modeladmin, request, queryset):
    _moderate(
        modeladmin,
        request,
        queryset,
        services.listing_close,
        lambda n: (
            ngettext("%(n)d Angebot geschlossen.", "%(n)d Angebote geschlossen.", n) % {"n": n}
        ),
    )


class ListingAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "category", "status", "published_at"]
    list_filter = ["status", "category"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "category"]
    date_hierarchy = "created_at"
    actions = [pause_listings, close_listings]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing yes (the change page shows everything read-only); editing is the company's.
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Django offers actions only with change permission; moderation is for coordinators.
        if not getattr(request.user, "is_coordinator", False):
            return {}
        return {
            action.__name__: (action, action.__name__, action.short_description)
            for action in self.actions
        }


@admin.register(VolunteerAction)
class VolunteerActionAdmin(ListingAdmin):
    inlines = [SlotInline, StatusChangeInline]


@admin.register(Equipment)
class EquipmentAdmin(ListingAdmin):
    inlines = [PhotoInline, AllocationInline, StatusChangeInline]


@admin.register(JobOffer)
class JobOfferAdmin(ListingAdmin):
    list_display = [*ListingAdmin.list_display, "application_deadline", "positions_filled"]
    inlines = [StatusChangeInline]

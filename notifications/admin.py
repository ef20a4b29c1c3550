"""The coordinators' view of the outbox: what went out, what waits, what failed and why.

It shows what handling a failure takes (kind, recipient, status, attempts, the server's answer)
and never a message's content: the context and event key stay out of every page and search,
whatever a sender may have put there.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .kinds import KINDS
from .models import Notification, NotificationOptOut
from .services import notifications_requeue


def _is_coordinator(request) -> bool:
    return getattr(request.user, "is_coordinator", False)


class CoordinatorAccess:
    """Network coordinators see the outbox without per-model permissions; nobody adds or
    edits rows by hand (the pipeline writes them)."""

    def has_module_permission(self, request):
        return _is_coordinator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_coordinator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KindFilter(admin.SimpleListFilter):
    title = _("Art")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(name, f"{name} – {kind.description}") for name, kind in KINDS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(CoordinatorAccess, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "email",
        "organisation",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", KindFilter, "language"]
    search_fields = ["email", "recipient__email", "recipient__full_name"]
    list_select_related = ["organisation"]
    date_hierarchy = "created_at"
    actions = ["requeue"]
    readonly_fields = [
        "recipient",
        "email",
        "organisation",
        "kind",
        "language",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "updated_at",
        "next_attempt_at",
        "sent_at",
        "read_at",
        "message_id",
    ]
    fields = readonly_fields

    @admin.display(description=_("letzter Fehler"))
    def short_error(self, notification: Notification) -> str:
        error = notification.last_error
        return error if len(error) <= 120 else f"{error[:119]}…"

    @admin.display(description="Message-ID")
    def message_id(self, notification: Notification) -> str:
        return notification.message_id

    @admin.action(description=_("Fehlgeschlagene erneut senden"))
    def requeue(self, request, queryset):
        count = notifications_requeue(notifications=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d Benachrichtigung wird erneut gesendet.",
                "%(count)d Benachrichtigungen werden erneut gesendet.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def get_actions(self, request):
        # The action changes status only; viewing is enough, as for the rest of the outbox.
        actions = super().get_actions(request)
        if not (
            _is_coordinator(request) or request.user.has_perm("notifications.change_notification")
        ):
            actions.pop("requeue", None)
        return actions


@admin.register(NotificationOptOut)
class NotificationOptOutAdmin(CoordinatorAccess, admin.ModelAdmin):
    list_display = ["user", "kind", "created_at"]
    list_filter = [KindFilter]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]

"""/admin/ for coordinators: people, organisations, their members, invitations and tax data.

Every change goes through the same services as the API, so the admin cannot skip a rule (the
status table, the last admin, the e-mails). Coordinators (staff in the "coordinators" group)
use it without further permissions; the people admin follows Django's permissions, and only
superusers hand out superuser status, groups and permissions.

Nobody deletes organisations or people here, superusers included: a deletion would take
bookings, donations and receipts with it, which the law keeps; removing data goes through
services. The legal texts, consents and the sign-in lockouts are in admin_legal.py.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_legal  # noqa: F401  (registers the legal texts, consents, lockouts)
from .errors import DomainError
from .models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatusChange,
    TaxExemption,
    User,
)
from .services import organisations as services

DEFAULT_REJECT_REASON = _(
    "Die Anmeldung passt nicht zu den Regeln des Kieznetzwerks. "
    "Bei Fragen wenden Sie sich bitte an die Koordination."
)
DEFAULT_SUSPEND_REASON = _(
    "Die Koordination hat die Organisation vorübergehend gesperrt. "
    "Bei Fragen wenden Sie sich bitte an die Koordination."
)


def _is_coordinator(request) -> bool:
    # The login page asks too, for an anonymous visitor.
    return getattr(request.user, "is_coordinator", False)


# --- people -----------------------------------------------------------------------------------


class _LowerCaseEmailMixin:
    def clean_email(self):
        # Stored lower-case, as sign-up and sign-in expect (UserManager, get_by_natural_key).
        return self.cleaned_data["email"].strip().lower()


class UserCreationForm(_LowerCaseEmailMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "language")


class UserChangeForm(_LowerCaseEmailMixin, DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipOfUserInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("organisation", "role", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("Mitgliedschaften (Änderungen über die Organisation)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People sign in with their e-mail address; there is no user name."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language", "email_verified")}),
        (
            _("Berechtigungen"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Daten"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("email", "full_name", "is_staff", "is_active", "email_verified", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "email_verified", "groups")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipOfUserInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields

    def has_delete_permission(self, request, obj=None):
        # Deactivate ("aktiv") instead; a person's traces in bookings and receipts stay.
        return False


# --- organisations ----------------------------------------------------------------------------


class CoordinatorAccessMixin:
    """Coordinators may look at and change these objects without model permissions."""

    def has_module_permission(self, request):
        return _is_coordinator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_coordinator(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_coordinator(request) or super().has_change_permission(request, obj)

    def has_coordinate_permission(self, request):
        return _is_coordinator(request)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = fields
    verbose_name_plural = _("Mitglieder (Rollen ändern die Administrator*innen über die App)")


class StatusChangeInline(ReadOnlyInline):
    model = OrganisationStatusChange
    fields = ("at", "from_status", "to_status", "by", "reason")
    readonly_fields = fields


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = sorted(services.PROFILE_FIELDS)


@admin.register(Organisation)
class OrganisationAdmin(CoordinatorAccessMixin, admin.ModelAdmin):
    form = OrganisationForm
    list_display = ("name", "kind", "status", "district", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("name", "slug", "contact_email", "district")
    readonly_fields = ("kind", "status", "status_reason", "status_changed_at", "applied_by")
    fieldsets = (
        (
            _("Status"),
            {"fields": ("kind", "status", "status_reason", "status_changed_at", "applied_by")},
        ),
        (
            _("Profil"),
            {
                "fields": (
                    "name",
                    "slug",
                    "description",
                    ("street", "postcode", "city"),
                    "district",
                    "website",
                    ("contact_email", "phone"),
                    "logo",
                )
            },
        ),
    )
    inlines = [MembershipInline, StatusChangeInline]
    actions = ["approve", "reject", "suspend"]
    list_select_related = ("applied_by",)

    def has_add_permission(self, request):
        # Organisations apply through the app, where the applicant becomes their admin.
        return False

    def has_delete_permission(self, request, obj=None):
        # Suspend instead: deleting would take its bookings, donations and receipts along.
        return False

    def save_model(self, request, obj, form, change):
        changes = {}
        for field in form.changed_data:
            value = form.cleaned_data[field]
            changes[field] = None if value is False else value  # False: logo cleared
        services.organisation_update(organisation=obj, by=request.user, changes=changes)

    def _run(self, request, queryset, service, done, **kwargs):
        succeeded = 0
        for organisation in queryset.order_by("pk"):
            try:
                service(organisation=organisation, by=request.user, **kwargs)
            except DomainError as error:
                self.message_user(request, f"{organisation}: {error.message}", messages.WARNING)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done(succeeded), messages.SUCCESS)

    @admin.action(description=_("Freigeben (oder Sperre aufheben)"), permissions=["coordinate"])
    def approve(self, request, queryset):
        self._run(
            request,
            queryset,
            services.organisation_approve,
            lambda n: (
                ngettext("%(n)d Organisation freigegeben.", "%(n)d Organisationen freigegeben.", n)
                % {"n": n}
            ),
        )

    @admin.action(description=_("Ablehnen (mit Standardbegründung)"), permissions=["coordinate"])
    def reject(self, request, queryset):
        self._run(
            request,
            queryset,
            services.organisation_reject,
            lambda n: (
                ngettext("%(n)d Anmeldung abgelehnt.", "%(n)d Anmeldungen abgelehnt.", n) % {"n": n}
            ),
            reason=str(DEFAULT_REJECT_REASON),
        )

    @admin.action(description=_("Sperren (mit Standardbegründung)"), permissions=["coordinate"])
    def suspend(self, request, queryset):
        self._run(
            request,
            queryset,
            services.organisation_suspend,
            lambda n: (
                ngettext("%(n)d Organisation gesperrt.", "%(n)d Organisationen gesperrt.", n)
                % {"n": n}
            ),
            reason=str(DEFAULT_SUSPEND_REASON),
        )


class TaxExemptionForm(forms.ModelForm):
    class Meta:
        model = TaxExemption
        fields = ["organisation", *sorted(services.TAX_EXEMPTION_FIELDS)]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                kind=OrganisationKind.SOCIAL
            )


@admin.register(TaxExemption)
class TaxExemptionAdmin(CoordinatorAccessMixin, admin.ModelAdmin):
    form = TaxExemptionForm
    list_display = (
        "organisation",
        "tax_office",
        "tax_number",
        "notice_kind",
        "notice_date",
        "machine_receipts_notified",
    )
    list_filter = ("notice_kind", "machine_receipts_notified")
    search_fields = ("organisation__name", "tax_number", "tax_office")
    list_select_related = ("organisation",)

    def has_add_permission(self, request):
        return _is_coordinator(request) or super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj else ()

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in services.TAX_EXEMPTION_FIELDS}
        exemption, _created = services.tax_exemption_update(
            organisation=obj.organisation, by=request.user, data=data
        )
        obj.pk = exemption.pk  # the admin's redirect and log name the saved row


@admin.register(Membership)
class MembershipAdmin(CoordinatorAccessMixin, admin.ModelAdmin):
    """To look up who belongs where. Roles change through the app, where the last-admin rule
    is checked."""

    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(CoordinatorAccessMixin, admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "state", "created_at", "expires_at")
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    # The token is the invitee's secret: never shown.
    fields = (
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Stand"))
    def state(self, invitation):
        return invitation.state

    @admin.action(description=_("Widerrufen"), permissions=["coordinate"])
    def revoke(self, request, queryset):
        revoked = 0
        for invitation in queryset.select_related("organisation"):
            try:
                services.invitation_revoke(invitation=invitation, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{invitation}: {error.message}", messages.WARNING)
            else:
                revoked += 1
        if revoked:
            self.message_user(
                request,
                ngettext("%(n)d Einladung widerrufen.", "%(n)d Einladungen widerrufen.", revoked)
                % {"n": revoked},
                messages.SUCCESS,
            )

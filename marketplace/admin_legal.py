"""/admin/ for what the law asks of Kiezmarkt: the privacy notice and imprint, people's consents,
and the sign-in lockout records (django-axes), which only superusers see.

Legal texts are saved through the same service as the coordinator's page: each save is a new
version, and no version is changed or deleted, since consents name them.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .errors import DomainError
from .models import LegalText, PrivacyConsent
from .selectors import legal_text_current
from .services.legal import legal_text_publish


def _is_coordinator(request) -> bool:
    return getattr(request.user, "is_coordinator", False)


class _CoordinatorReads:
    def has_module_permission(self, request):
        return _is_coordinator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_coordinator(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LegalTextForm(forms.ModelForm):
    """A new version: starts from the text in force; the service checks and numbers it."""

    class Meta:
        model = LegalText
        fields = ["kind", "body_de", "body_en"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            # Saved here rather than in save_model, so a refusal shows on the form.
            self.published = legal_text_publish(
                kind=cleaned["kind"],
                by=self.user,
                body_de=cleaned.get("body_de", ""),
                body_en=cleaned.get("body_en", ""),
            )
        except DomainError as error:
            field = error.field if error.field in self.fields else None
            raise ValidationError({field: error.message} if field else error.message) from None
        return cleaned


@admin.register(LegalText)
class LegalTextAdmin(_CoordinatorReads, admin.ModelAdmin):
    list_display = ["kind", "version", "created_at", "created_by"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "version", "body_de", "body_en", "created_at", "created_by"]
    form = LegalTextForm

    def has_add_permission(self, request):
        return _is_coordinator(request) or super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if obj is not None:
            return form_class

        class WithUser(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return WithUser

    def get_changeform_initial_data(self, request):
        kind = request.GET.get("kind", "privacy")
        try:
            current = legal_text_current(kind)
        except KeyError:
            return {}
        return {"kind": kind, "body_de": current.body_de, "body_en": current.body_en}

    def save_model(self, request, obj, form, change):
        # The service saved it in the form's clean(); the admin's log and redirect name it.
        obj.pk = form.published.pk
        obj.version = form.published.version


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(_CoordinatorReads, admin.ModelAdmin):
    list_display = ["user", "notice", "accepted_at"]
    list_filter = ["notice__version"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "notice"]
    readonly_fields = ["user", "notice", "accepted_at"]

    def has_add_permission(self, request):
        return False


# --- sign-in lockouts: superusers only ---------------------------------------------------------


class _SuperusersOnly:
    """IP addresses and the addresses people tried to sign in with are for superusers, whatever
    permissions a group has."""

    def _allowed(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) and super().has_delete_permission(request, obj)


for model, model_admin in (
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(model_admin.__name__, (_SuperusersOnly, model_admin), {}))

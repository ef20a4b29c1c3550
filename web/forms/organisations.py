from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.models import (
    Organisation,
    OrganisationKind,
    Role,
    TaxExemption,
)
from marketplace.services.organisations import REASON_MAX_LENGTH

from . import DateInput

# PROFILE_FIELDS of the service, in the order a person fills them in. The slug is made from the
# name when applying; only the admin changes it there.
PROFILE_FORM_FIELDS = [
    "name",
    "description",
    "street",
    "postcode",
    "city",
    "district",
    "website",
    "contact_email",
    "phone",
    "logo",
    "show_contacts",
]


def _formfield(model_field, **kwargs):
    # Addresses typed without a scheme are taken as https (Django 6's default).
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class OrganisationProfileForm(forms.ModelForm):
    """Parses the profile and runs the model's field validators, so every wrong field is shown
    at once. Bind it to a copy: the service saves, not the form."""

    class Meta:
        model = Organisation
        fields = PROFILE_FORM_FIELDS
        formfield_callback = _formfield
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "logo": _("JPEG, PNG oder WebP, höchstens 2 MB."),
            "district": _("Zum Beispiel Wassertorkiez oder Kreuzberg."),
        }

    def changes(self) -> dict:
        """What the person changed, as the service takes it (a cleared logo is None)."""
        changes = {name: self.cleaned_data[name] for name in self.changed_data}
        if changes.get("logo") is False:
            changes["logo"] = None
        return changes


class OrganisationApplyForm(OrganisationProfileForm):
    kind = forms.ChoiceField(
        label=_("Art der Organisation"),
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Unternehmen bieten Hilfe an; soziale Organisationen (Vereine, Schulen, "
            "Kirchengemeinden, …) nehmen sie in Anspruch."
        ),
    )

    class Meta(OrganisationProfileForm.Meta):
        fields = ["kind", *PROFILE_FORM_FIELDS]

    def profile(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "kind" and value not in (None, "", False)
        }


class TaxExemptionForm(forms.ModelForm):
    class Meta:
        model = TaxExemption
        fields = [
            "tax_office",
            "tax_number",
            "notice_kind",
            "notice_date",
            "purposes",
            "machine_receipts_notified",
        ]
        widgets = {
            "notice_date": DateInput(),
            "purposes": forms.Textarea(attrs={"rows": 3}),
            "notice_kind": forms.RadioSelect,
        }
        help_texts = {
            "tax_number": _("Wie auf dem Bescheid, zum Beispiel 27/123/45678."),
            "purposes": _("Wörtlich aus dem Bescheid, zum Beispiel „Förderung der Jugendhilfe“."),
            "machine_receipts_notified": _(
                "Nur ankreuzen, wenn Sie dem Finanzamt angezeigt haben, dass Sie "
                "Zuwendungsbestätigungen maschinell erstellen. Sonst unterschreiben Sie jede "
                "Bestätigung von Hand."
            ),
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=254)
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequiredReasonForm(ReasonForm):
    reason = forms.CharField(
        label=_("Begründung"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Die Organisation erhält sie per E-Mail."),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.services.legal import BODY_MAX_LENGTH

FORMAT_HELP = _(
    "Einfacher Text: Leerzeilen trennen Absätze, „## “ am Zeilenanfang macht eine Überschrift, "
    "„- “ einen Listenpunkt. Web- und E-Mail-Adressen werden zu Links."
)


class LegalTextForm(forms.Form):
    """The coordinator's edit of the privacy notice or imprint; saving makes a new version."""

    body_de = forms.CharField(
        label=_("Text (Deutsch)"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=FORMAT_HELP,
    )
    body_en = forms.CharField(
        label=_("Text (Englisch)"),
        max_length=BODY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Leer lassen, um auf englischen Seiten den deutschen Text zu zeigen."),
    )
    # The version the edit started from: a version saved meanwhile is not overwritten unseen.
    based_on = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

"""Forms of the needs pages: posting a need (phone first: few fields, sensible defaults) and a
company's proposal. They parse input; needs.services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from listings.models import Category
from needs.models import HelpKind

from . import DateInput


def _organisation_field(form: forms.Form, organisations) -> None:
    organisations = list(organisations)
    field = form.fields["organisation"]
    field.choices = [(o.pk, o.name) for o in organisations]
    if len(organisations) <= 1:
        field.widget = forms.HiddenInput()
        if organisations:
            field.initial = organisations[0].pk


class NeedForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Für welche Organisation?"), coerce=int, required=False, empty_value=None
    )
    title = forms.CharField(
        label=_("Was brauchen Sie?"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("zum Beispiel: Beamer für das Sommerfest")}),
    )
    help_kind = forms.ChoiceField(
        label=_("Welche Art von Hilfe?"),
        choices=HelpKind.choices,
        widget=forms.RadioSelect,
        initial=HelpKind.VOLUNTEERS,
    )
    category = forms.ModelChoiceField(
        label=_("Kategorie"), queryset=Category.objects.none(), to_field_name="slug"
    )
    date_from = forms.DateField(
        label=_("Wann?"),
        required=False,
        widget=DateInput(),
        help_text=_("Leer lassen, wenn der Termin flexibel ist."),
    )
    date_until = forms.DateField(
        label=_("bis (bei mehreren Tagen)"), required=False, widget=DateInput()
    )
    quantity = forms.IntegerField(
        label=_("Wie viele?"),
        required=False,
        min_value=1,
        max_value=10_000,
        help_text=_("Helfende oder Stück"),
    )
    place = forms.CharField(label=_("Wo?"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Mehr dazu"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    open_until = forms.DateField(
        label=_("Offen bis"),
        required=False,
        widget=DateInput(),
        help_text=_("Leer: 30 Tage, höchstens bis zum Termin."),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_field(self, organisations)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("open_until") is None:
            data.pop("open_until", None)
        return data


class ProposalForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Für welches Unternehmen?"), coerce=int, required=False, empty_value=None
    )
    message = forms.CharField(
        label=_("Ihre Nachricht"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Was Sie anbieten und wie man Sie erreicht."),
    )
    offer = forms.ChoiceField(label=_("Eines Ihrer Angebote"), required=False)
    volunteers = forms.IntegerField(
        label=_("Wie viele Freiwillige?"), required=False, min_value=1, max_value=1000
    )
    units = forms.IntegerField(label=_("Stück"), required=False, min_value=1, max_value=500)
    pickup_on = forms.DateField(label=_("Abholung am"), required=False, widget=DateInput())
    return_on = forms.DateField(label=_("Rückgabe am"), required=False, widget=DateInput())

    def __init__(self, *args, organisations=(), offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_field(self, organisations)
        self.fields["offer"].choices = [("", _("nur eine Nachricht")), *offers]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        offer = data.pop("offer") or ""
        kind, _sep, number = offer.partition(":")
        arguments = {"organisation": data["organisation"], "message": data["message"]}
        if kind == "slot":
            arguments.update(slot=int(number), volunteers=data.get("volunteers") or 1)
        elif kind == "item":
            arguments.update(
                item=int(number),
                units=data.get("units") or 1,
                pickup_on=data.get("pickup_on"),
                return_on=data.get("return_on") or data.get("pickup_on"),
            )
        return arguments


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Nachricht"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

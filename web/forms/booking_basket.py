"""Forms of the request for several items (the basket) and of its group page. They parse
input; bookings.services.multi decides what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.services import MESSAGE_LIMIT
from bookings.services.multi import MAX_UNITS

from ..templatetags.web import money
from . import DateInput
from .bookings import _RequestForm, _text, _yes_no


class BasketForm(_RequestForm):
    """The request: units per item (fields `units_<item id>`), the days, purpose, message."""

    pickup_on = forms.DateField(label=_("Abholung am"), widget=DateInput())
    return_on = forms.DateField(
        label=_("Rückgabe am"),
        widget=DateInput(),
        help_text=_("Der Tag, an dem Sie alles zurückbringen; auch am selben Tag möglich."),
    )
    purpose = _text(_("Wofür?"), rows=3, help_text=_("Zum Beispiel: Sommerfest im Hof."))
    message = _text(_("Nachricht an das Unternehmen"), limit=MESSAGE_LIMIT, required=False, rows=3)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        unit_fields = {
            f"units_{item.pk}": forms.IntegerField(
                label=_("Stückzahl: %(title)s") % {"title": item.title},
                min_value=1,
                max_value=min(item.quantity, MAX_UNITS),
                initial=1,
                help_text=_("%(quantity)d vorhanden") % {"quantity": item.quantity},
            )
            for item in self.items
        }
        # The units first, then the days and the rest.
        self.fields = {**unit_fields, **self.fields}

    def unit_fields(self):
        return [self[f"units_{item.pk}"] for item in self.items]

    def other_fields(self):
        return [field for field in self if not field.name.startswith("units_")]

    def clean(self):
        cleaned = super().clean()
        pickup_on, return_on = cleaned.get("pickup_on"), cleaned.get("return_on")
        if pickup_on and return_on and return_on < pickup_on:
            self.add_error("return_on", _("Die Rückgabe kann nicht vor der Abholung liegen."))
        return cleaned

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        items = [(item.pk, data.pop(f"units_{item.pk}")) for item in self.items]
        return {**data, "items": items}


def _booking_choices(label, bookings, *, help_text=""):
    return forms.TypedMultipleChoiceField(
        label=label,
        choices=[
            (b.pk, _("%(units)s × %(title)s") % {"units": b.units, "title": b.listing.title})
            for b in bookings
        ],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[b.pk for b in bookings],
        help_text=help_text,
    )


class GroupAnswerForm(forms.Form):
    message = _text(_("Nachricht zur Antwort"), limit=MESSAGE_LIMIT, required=False, rows=2)

    def __init__(self, *args, open_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "confirm": _booking_choices(
                _("Diese Gegenstände bestätigen"),
                open_items,
                help_text=_("Was nicht angekreuzt ist, wird abgelehnt."),
            ),
            **self.fields,
        }


class GroupHandOverForm(forms.Form):
    note = _text(_("Zustand bei Übergabe"), required=False, rows=2)
    deposit_received = _yes_no(_("Kaution erhalten?"), _("ja, erhalten"), _("nein"))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"bookings": _booking_choices(_("Was übergeben wird"), items), **self.fields}
        deposits = [b for b in items if b.deposit]
        if deposits:
            self.fields["deposit_received"].label = _("Kaution (%(amounts)s) erhalten?") % {
                "amounts": ", ".join(money(b.deposit) for b in deposits)
            }
        else:
            del self.fields["deposit_received"]


class GroupReturnForm(forms.Form):
    note = _text(_("Zustand bei Rückgabe"), required=False, rows=2)
    damaged = forms.BooleanField(label=_("beschädigt zurückgekommen"), required=False)
    deposit_paid_back = _yes_no(_("Kaution"), _("zurückgezahlt"), _("einbehalten (Grund unten)"))
    deposit_kept_reason = _text(_("Grund für die einbehaltene Kaution"), required=False, rows=2)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"bookings": _booking_choices(_("Was zurückkommt"), items), **self.fields}
        if not any(b.deposit_received for b in items):
            del self.fields["deposit_paid_back"]
            del self.fields["deposit_kept_reason"]


class GroupCancelForm(forms.Form):
    reason = _text(_("Grund"), limit=MESSAGE_LIMIT, rows=2)

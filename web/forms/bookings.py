"""Forms of the booking pages: the three kinds of request, the actions on a booking and the
messages. They parse input; the bookings services decide what is allowed."""

from decimal import Decimal

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from bookings.actions import Input
from bookings.services import MESSAGE_LIMIT, TEXT_LIMIT

from ..templatetags.web import money
from . import DateInput


def _text(label, *, limit: int = TEXT_LIMIT, required: bool = True, rows: int = 0, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, max_length=limit, required=required, widget=widget, **kwargs
    )


class _RequestForm(forms.Form):
    """Common to the three requests: for which of the person's social organisations."""

    organisation = forms.TypedChoiceField(
        label=_("Für welche Organisation?"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        if len(organisations) <= 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            if organisations:
                self.fields["organisation"].initial = organisations[0].pk


class VolunteerRequestForm(_RequestForm):
    slot = forms.TypedChoiceField(label=_("Termin"), coerce=int, widget=forms.RadioSelect)
    volunteers = forms.IntegerField(label=_("Wie viele Freiwillige?"), min_value=1, max_value=1000)
    task = _text(
        _("Was ist zu tun?"),
        rows=3,
        help_text=_("Zum Beispiel: zwei Räume streichen, Möbel tragen."),
    )
    place = _text(_("Wo?"), limit=300, help_text=_("Adresse des Einsatzorts."))
    contact_name = _text(_("Ansprechperson vor Ort"), limit=150)
    contact_phone = _text(_("Telefon"), limit=40, required=False)
    contact_email = forms.EmailField(label=_("E-Mail"), required=False, max_length=254)
    message = _text(_("Nachricht an das Unternehmen"), limit=MESSAGE_LIMIT, required=False, rows=3)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(slot.pk, slot_label(slot)) for slot in slots]


def slot_label(slot) -> str:
    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    free = slot.volunteers_available - slot.volunteers_held
    return _("%(date)s, %(start)s–%(end)s (%(free)s frei)") % {
        "date": formats.date_format(start, "SHORT_DATE_FORMAT"),
        "start": formats.time_format(start, "TIME_FORMAT"),
        "end": formats.time_format(end, "TIME_FORMAT"),
        "free": free,
    }


class EquipmentRequestForm(_RequestForm):
    pickup_on = forms.DateField(label=_("Abholung am"), widget=DateInput())
    return_on = forms.DateField(
        label=_("Rückgabe am"),
        widget=DateInput(),
        help_text=_("Der Tag, an dem Sie es zurückbringen; auch am selben Tag möglich."),
    )
    units = forms.IntegerField(label=_("Stückzahl"), min_value=1, max_value=500, initial=1)
    purpose = _text(_("Wofür?"), rows=3, help_text=_("Zum Beispiel: Filmabend im Hof."))
    message = _text(_("Nachricht an das Unternehmen"), limit=MESSAGE_LIMIT, required=False, rows=3)

    def clean(self):
        # Checked here too, not only by the service (which runs once the form is valid), so
        # that a missing purpose and reversed days are told in one round, not two.
        cleaned = super().clean()
        pickup_on, return_on = cleaned.get("pickup_on"), cleaned.get("return_on")
        if pickup_on and return_on and return_on < pickup_on:
            self.add_error("return_on", _("Die Rückgabe kann nicht vor der Abholung liegen."))
        return cleaned


class ReferralForm(_RequestForm):
    candidate_name = _text(_("Name der Person"), limit=150)
    candidate_contact = _text(
        _("Kontakt der Person"), limit=254, help_text=_("E-Mail-Adresse oder Telefonnummer.")
    )
    note = _text(
        _("Kurzvorstellung"),
        rows=4,
        required=False,
        help_text=_("Was die Person mitbringt und warum die Stelle passt."),
    )
    consent = forms.BooleanField(
        label=_("Die Person ist einverstanden, dass wir ihre Angaben an das Unternehmen geben."),
        required=False,
    )
    consent_date = forms.DateField(label=_("Einverstanden seit"), widget=DateInput())


# The service's names for fields the forms call otherwise.
REQUEST_FIELD_NAMES = {"item": None, "job": None}


# --- actions on a booking -------------------------------------------------------------------


class MessageForm(forms.Form):
    message = _text(_("Nachricht"), limit=MESSAGE_LIMIT, required=False, rows=2)


class ReasonForm(forms.Form):
    reason = _text(_("Grund"), limit=MESSAGE_LIMIT, rows=2)


def _yes_no(label, yes, no):
    return forms.TypedChoiceField(
        label=label,
        choices=[("ja", yes), ("nein", no)],
        coerce=lambda value: value == "ja",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class NoteForm(forms.Form):
    """The hand-over; asks about the deposit only when the loan has one."""

    note = _text(
        _("Zustand bei Übergabe"),
        required=False,
        rows=2,
        help_text=_("Zum Beispiel: vollständig, mit Fernbedienung."),
    )
    deposit_received = _yes_no(_("Kaution erhalten?"), _("ja, erhalten"), _("nein"))

    def for_booking(self, booking) -> "NoteForm":
        if booking.deposit:
            self.fields["deposit_received"].label = _("Kaution von %(amount)s erhalten?") % {
                "amount": money(booking.deposit)
            }
        else:
            del self.fields["deposit_received"]
        return self


class ReturnForm(forms.Form):
    """The return; asks about the deposit only when one was received at the hand-over."""

    note = _text(_("Zustand bei Rückgabe"), required=False, rows=2)
    damaged = forms.BooleanField(label=_("beschädigt zurückgekommen"), required=False)
    deposit_paid_back = _yes_no(_("Kaution"), _("zurückgezahlt"), _("einbehalten (Grund unten)"))
    deposit_kept_reason = _text(_("Grund für die einbehaltene Kaution"), required=False, rows=2)

    def for_booking(self, booking) -> "ReturnForm":
        if not booking.deposit_received:
            del self.fields["deposit_paid_back"]
            del self.fields["deposit_kept_reason"]
        return self


class CompleteForm(forms.Form):
    volunteers_given = forms.IntegerField(
        label=_("Wie viele Freiwillige waren da?"), min_value=0, max_value=1000
    )
    hours_given = forms.DecimalField(
        label=_("Stunden insgesamt"),
        min_value=Decimal(0),
        max_value=Decimal(99999),
        max_digits=7,
        decimal_places=2,
        help_text=_("Alle Freiwilligen zusammen, zum Beispiel 6 × 5 = 30."),
    )
    message = _text(_("Nachricht"), limit=MESSAGE_LIMIT, required=False, rows=2)


# The form of each shape of action input (bookings/actions.py), onto the service's names.
ACTION_FORMS: dict[Input, type[forms.Form]] = {
    Input.MESSAGE: MessageForm,
    Input.REASON: ReasonForm,
    Input.HAND_OVER: NoteForm,
    Input.RETURN: ReturnForm,
    Input.COMPLETE: CompleteForm,
}


class PostMessageForm(forms.Form):
    body = _text(_("Ihre Nachricht"), limit=MESSAGE_LIMIT, rows=3)

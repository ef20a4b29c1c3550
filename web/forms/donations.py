"""Forms of the donation pages: recording a donation of money or goods (for a company, or by
the coordinator for a private donor), confirming or rejecting it, correcting a receipt and
issuing a collective receipt. They parse input; donations.services decides what is allowed."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.models import MAX_AMOUNT, DonationKind, GoodsOrigin
from donations.services import TEXT_LIMITS

from . import DateInput

# The URL's word for each kind of donation (/organisationen/<id>/spenden/neu/geld/).
KIND_SLUGS = {"geld": DonationKind.MONEY, "sache": DonationKind.GOODS}
YES, NO = "ja", "nein"


def _text(label, field: str, *, required: bool = False, rows: int = 0, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, max_length=TEXT_LIMITS[field], required=required, widget=widget, **kwargs
    )


def _amount(label, *, required: bool = True, **kwargs):
    # localize: "1322,50" as a German types it, "1322.50" too.
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


class _DonationForm(forms.Form):
    """What both kinds share. `recipients` are the social organisations to choose from (None:
    the recipient is given by the page); `private` asks for a private donor's name and address
    (the coordinator records on their behalf), otherwise the company's address may be replaced.
    """

    kind: str
    recipient = forms.TypedChoiceField(
        label=_("An welche soziale Organisation?"), coerce=int, empty_value=None
    )
    donor_name = _text(_("Name der spendenden Person"), "donor_name", required=True)
    donor_address = _text(
        _("Anschrift für die Zuwendungsbestätigung"),
        "donor_address",
        rows=3,
        help_text=_("Leer lassen, um die Anschrift aus dem Profil Ihres Unternehmens zu nehmen."),
    )
    donor_email = forms.EmailField(
        label=_("E-Mail der spendenden Person"),
        required=False,
        max_length=254,
        help_text=_(
            "Dorthin geht die Zuwendungsbestätigung. Ohne Adresse bekommen Sie sie, um sie "
            "per Post weiterzugeben."
        ),
    )
    donated_on = forms.DateField(label=_("Tag der Zuwendung"), widget=DateInput())
    purpose = _text(
        _("Verwendungszweck"),
        "purpose",
        help_text=_("Wofür die Spende gedacht ist, zum Beispiel „Hausaufgabenhilfe“."),
    )

    def __init__(self, *args, recipients=None, private: bool = False, **kwargs):
        kwargs.setdefault("initial", {"donated_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if recipients is None:
            del self.fields["recipient"]
        else:
            self.fields["recipient"].choices = [("", _("Bitte wählen"))] + [
                (organisation.pk, organisation.name) for organisation in recipients
            ]
        if private:
            self.fields["donor_address"].required = True
            self.fields["donor_address"].label = _("Anschrift der spendenden Person")
            self.fields["donor_address"].help_text = ""
        else:
            del self.fields["donor_name"], self.fields["donor_email"]
            # The company's address is on file; replacing it is the exception, so it goes last.
            self.order_fields([name for name in self.fields if name != "donor_address"])

    def service_fields(self) -> dict:
        """The cleaned input under the names of donations.services.donation_record()."""
        data = dict(self.cleaned_data)
        data.pop("recipient", None)
        return data


class MoneyDonationForm(_DonationForm):
    kind = DonationKind.MONEY
    amount = _amount(_("Betrag in Euro"), help_text=_("Zum Beispiel 250 oder 1322,50."))
    waiver = forms.TypedChoiceField(
        label=_("Verzicht auf die Erstattung von Aufwendungen?"),
        choices=[(NO, _("Nein")), (YES, _("Ja"))],
        coerce=lambda value: value == YES,
        initial=NO,
        widget=forms.RadioSelect,
        help_text=_(
            "„Ja“ nur, wenn Sie auf Geld verzichten, das Ihnen die Organisation für Auslagen "
            "schuldet (Aufwandsspende)."
        ),
    )

    field_order = [
        "recipient",
        "donor_name",
        "donor_address",
        "donor_email",
        "amount",
        "donated_on",
        "purpose",
        "waiver",
    ]


class GoodsDonationForm(_DonationForm):
    kind = DonationKind.GOODS
    description = _text(
        _("Was wird gespendet?"),
        "description",
        required=True,
        rows=3,
        help_text=_("Genaue Bezeichnung, zum Beispiel „Laptop Lenovo ThinkPad T14 mit Netzteil“."),
    )
    age = _text(_("Alter"), "age", help_text=_("Zum Beispiel „2 Jahre“."))
    condition = _text(_("Zustand"), "condition", help_text=_("Zum Beispiel „gut, funktioniert“."))
    purchase_price = _amount(_("Kaufpreis damals in Euro"), required=False)
    amount = _amount(
        _("Wert heute in Euro"),
        help_text=_("Der Marktwert, der auf der Zuwendungsbestätigung steht."),
    )
    origin = forms.ChoiceField(
        label=_("Herkunft der Sache"),
        choices=GoodsOrigin.choices,
        widget=forms.RadioSelect,
        help_text=_("Aus dem Betriebsvermögen gilt der Wert, mit dem die Sache entnommen wurde."),
    )
    valuation_documents = forms.BooleanField(
        label=_("Unterlagen zur Wertermittlung (Rechnung, Gutachten) liegen vor"), required=False
    )

    field_order = [
        "recipient",
        "donor_name",
        "donor_address",
        "donor_email",
        "description",
        "age",
        "condition",
        "purchase_price",
        "amount",
        "donated_on",
        "origin",
        "valuation_documents",
        "purpose",
    ]


DONATION_FORMS = {DonationKind.MONEY: MoneyDonationForm, DonationKind.GOODS: GoodsDonationForm}


# --- the receiving organisation's answer --------------------------------------------------------


class ConfirmForm(forms.Form):
    issue_receipt = forms.BooleanField(
        label=_("Zuwendungsbestätigung gleich ausstellen"),
        required=False,
        initial=True,
        help_text=_(
            "Unter 300 € ist sie freiwillig (der Kontoauszug genügt). Nicht ankreuzen, wenn "
            "später eine Sammelbestätigung für das Jahr kommen soll."
        ),
    )
    message = _text(_("Nachricht an die spendende Seite"), "message", rows=2)


class RejectForm(forms.Form):
    reason = _text(
        _("Grund der Ablehnung"),
        "reason",
        required=True,
        rows=2,
        help_text=_("Die spendende Seite erhält ihn per E-Mail."),
    )


# --- receipts ---------------------------------------------------------------------------------


class ReissueForm(forms.Form):
    """Cancelling, with or without a new receipt: the reason, and for an individual receipt
    the corrected amount or date (left empty: unchanged)."""

    reason = _text(
        _("Grund der Stornierung"),
        "reason",
        required=True,
        rows=2,
        help_text=_("Steht in den Unterlagen und geht an die spendende Seite."),
    )
    amount = _amount(_("Richtiger Betrag bzw. Wert in Euro"), required=False)
    donated_on = forms.DateField(
        label=_("Richtiger Tag der Zuwendung"), required=False, widget=DateInput()
    )

    def __init__(self, *args, corrections: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not corrections:
            del self.fields["amount"], self.fields["donated_on"]

    def corrections(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("amount", "donated_on")
            if self.cleaned_data.get(name) is not None
        }


class CollectiveForm(forms.Form):
    donor_key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    year = forms.IntegerField(min_value=2000, max_value=9999, widget=forms.HiddenInput)


class YearForm(forms.Form):
    """Which year's collective receipts the page shows (a GET form)."""

    jahr = forms.TypedChoiceField(label=_("Jahr"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["jahr"].choices = [(y, str(y)) for y in range(this_year, this_year - 6, -1)]
        self.fields["jahr"].initial = this_year - 1

    def year(self) -> int:
        if self.is_valid():
            return self.cleaned_data["jahr"]
        return self.fields["jahr"].initial


class NoInputForm(forms.Form):
    """An action without input (issuing a receipt): only the errors of the service."""

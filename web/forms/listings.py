"""Forms of the offer pages: the search, posting and editing the three kinds, slots,
unavailable dates and photos. They parse input; the listings services decide."""

import datetime as dt
import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from listings import services as listing_services
from listings.handover import all_weekdays, weekday_choices
from listings.languages import language_choices
from listings.models import (
    Category,
    EmploymentType,
    Equipment,
    JobOffer,
    ListingKind,
    VolunteerAction,
)
from listings.search_sources import search_sources
from listings.services.common import SlotSpec, UnavailablePeriod

from . import DateInput, DateTimeInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    if isinstance(model_field, models.DateField) and not isinstance(
        model_field, models.DateTimeField
    ):
        kwargs.setdefault("widget", DateInput())
    return model_field.formfield(**kwargs)


class _ListField(forms.CharField):
    """A list typed as text with commas: "Streichen, Tragen" → ["Streichen", "Tragen"]."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        items = [item.strip() for item in text.split(",")]
        return [item for item in items if item]


class _OfferForm(forms.ModelForm):
    """Common to the three kinds. Bound to a copy of the offer: the service saves."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.category_id if self.instance.pk else None
        self.fields["category"].queryset = Category.objects.filter(
            models.Q(is_active=True) | models.Q(pk=current)
        )
        self.fields["category"].empty_label = _("Bitte wählen")
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 6})

    def service_fields(self) -> dict:
        """The offer's own fields as the service takes them (all of them: a full edit)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class VolunteerActionForm(_OfferForm):
    skills = _ListField(
        label=_("Fähigkeiten"),
        help_text=_("Mit Komma getrennt, zum Beispiel: Streichen, Tragen, Gartenarbeit."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Sprachen"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Die Sprachen, in denen sich das Team verständigen kann."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names in the reader's language; codes an offer has beyond the offered ones stay.
        self.fields["languages"].choices = language_choices(self.instance.languages or ())

    class Meta:
        model = VolunteerAction
        fields = list(listing_services.VOLUNTEER_ACTION_FIELDS)
        formfield_callback = _formfield
        widgets = {
            "location_kind": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "meeting_street": _("Nur für „an einem Treffpunkt“."),
            "meeting_postcode": _("Nur für „an einem Treffpunkt“."),
            "meeting_city": _("Nur für „an einem Treffpunkt“."),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several pictures chosen at once; cleans to a list of uploads (empty if none)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(PhotosField, self).clean(upload, initial) for upload in uploads if upload]
        if len(cleaned) > listing_services.MAX_PHOTOS:
            raise forms.ValidationError(
                ngettext(
                    "Höchstens %(n)d Foto je Gegenstand.",
                    "Höchstens %(n)d Fotos je Gegenstand.",
                    listing_services.MAX_PHOTOS,
                )
                % {"n": listing_services.MAX_PHOTOS}
            )
        return cleaned


class EquipmentForm(_OfferForm):
    handover_weekdays = forms.TypedMultipleChoiceField(
        label=_("Tage für Abholung und Rückgabe"),
        coerce=int,
        choices=weekday_choices,
        widget=forms.CheckboxSelectMultiple,
        initial=all_weekdays,
    )

    # Only when posting: an item's page manages its photos afterwards (offer_form.html).
    photos = PhotosField(
        label=_("Fotos"),
        help_text=_("Sie können mehrere auf einmal wählen: JPEG, PNG oder WebP."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["photos"]

    class Meta:
        model = Equipment
        fields = list(listing_services.EQUIPMENT_FIELDS)
        formfield_callback = _formfield
        widgets = {
            "handover_opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "handover_closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "buffer_days": _("Tage nach jeder Rückgabe, in denen das Stück nicht verliehen wird."),
            "handover_note": _("Zum Beispiel: am Empfang klingeln, nach kurzer Absprache."),
        }


class JobOfferForm(_OfferForm):
    class Meta:
        model = JobOffer
        fields = list(listing_services.JOB_OFFER_FIELDS)
        formfield_callback = _formfield
        widgets = {"requirements": forms.Textarea(attrs={"rows": 4})}


OFFER_FORMS = {
    ListingKind.VOLUNTEER_ACTION: VolunteerActionForm,
    ListingKind.EQUIPMENT: EquipmentForm,
    ListingKind.JOB: JobOfferForm,
}


# --- slots and unavailable dates ------------------------------------------------------------


class SlotForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    start = forms.DateTimeField(
        label=_("Beginn"), input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )
    end = forms.DateTimeField(
        label=_("Ende"), input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )
    volunteers_available = forms.IntegerField(
        label=_("Plätze"), min_value=1, max_value=1000, widget=forms.NumberInput(attrs={"size": 4})
    )

    def clean(self):
        # Also the service's rule, checked here so that it is told with the other errors.
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Das Ende eines Termins muss nach dem Beginn liegen."))
        return cleaned

    def spec(self) -> SlotSpec:
        data = self.cleaned_data
        return SlotSpec(
            start=data["start"],
            end=data["end"],
            volunteers_available=data["volunteers_available"],
            id=data.get("id"),
        )


class UnavailableForm(forms.Form):
    first_day = forms.DateField(label=_("Erster Tag"), widget=DateInput())
    last_day = forms.DateField(label=_("Letzter Tag"), widget=DateInput())

    def period(self) -> UnavailablePeriod:
        return UnavailablePeriod(self.cleaned_data["first_day"], self.cleaned_data["last_day"])


class _RowsFormSet(forms.BaseFormSet):
    """Rows the person left empty are ignored; rows ticked "remove" are left out."""

    max_rows = 100

    def kept_forms(self):
        return [
            form for form in self.forms if form.has_changed() and not self._should_delete_form(form)
        ]


SlotFormSet = forms.formset_factory(
    SlotForm, formset=_RowsFormSet, extra=0, can_delete=True, max_num=100, absolute_max=120
)
UnavailableFormSet = forms.formset_factory(
    UnavailableForm, formset=_RowsFormSet, extra=0, can_delete=True, max_num=100, absolute_max=120
)


class PhotoForm(forms.Form):
    image = PhotosField(
        label=_("Fotos hinzufügen"),
        required=True,
        help_text=_("Sie können mehrere auf einmal wählen: JPEG, PNG oder WebP."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Grund"), required=False, max_length=500)


# --- search -------------------------------------------------------------------------------------


def _kind_choices():
    # The kinds other apps add to the one search (needs: "Gesuch") come last.
    extra = [(source.kind, source.label) for source in search_sources()]
    return [("", _("Alle Arten")), *ListingKind.choices, *extra]


class SearchForm(forms.Form):
    """The start page's search. Its checks of the filters and their combination are the API's
    (listings.params.search_request); this form shapes and labels the fields."""

    hide_optional = True  # every filter is optional; saying so at each would be noise

    q = forms.CharField(
        label=_("Wonach suchen Sie?"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("zum Beispiel Beamer, Streichen, Ausbildung")}
        ),
    )
    kind = forms.ChoiceField(label=_("Art"), required=False, choices=_kind_choices)
    category = forms.ChoiceField(label=_("Kategorie"), required=False)
    date_from = forms.DateField(label=_("Aktionen ab"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("bis"), required=False, widget=DateInput())
    available_from = forms.DateField(label=_("Ausleihe ab"), required=False, widget=DateInput())
    available_until = forms.DateField(label=_("Rückgabe am"), required=False, widget=DateInput())
    quantity = forms.IntegerField(label=_("Stückzahl"), required=False, min_value=1, max_value=500)
    employment_type = forms.ChoiceField(
        label=_("Beschäftigungsart"),
        required=False,
        choices=[("", _("Alle")), *EmploymentType.choices],
    )
    ordering = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("", _("passend")),
            ("newest", _("neueste zuerst")),
            ("soonest", _("nächster Termin zuerst")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("Alle Kategorien")),
            *(
                (category.slug, category.name)
                for category in Category.objects.filter(is_active=True)
            ),
        ]

    # (first day, last day) pairs: a range reversed is an error at its second field.
    RANGES = (("date_from", "date_to"), ("available_from", "available_until"))

    def clean(self):
        cleaned = super().clean()
        # Friendlier words than the API's parameter names for a half-filled range.
        pairs = (("available_from", "available_until"),)
        for first, second in pairs:
            if bool(cleaned.get(first)) != bool(cleaned.get(second)):
                missing = second if cleaned.get(first) else first
                if missing not in self.errors:
                    self.add_error(missing, _("Bitte beide Tage angeben."))
        for first, second in self.RANGES:
            start, end = cleaned.get(first), cleaned.get(second)
            if start and end and end < start and second not in self.errors:
                self.add_error(
                    second,
                    _("„%(second)s“ darf nicht vor „%(first)s“ liegen.")
                    % {"first": self.fields[first].label, "second": self.fields[second].label},
                )
        return cleaned

    def in_labels(self, message: str) -> str:
        """An API message about this form's parameters, with the fields' labels instead of the
        parameters' names ("available_until muss nach available_from liegen")."""
        names = sorted(self.fields, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
        return pattern.sub(lambda match: f"„{self.fields[match.group(1)].label}“", message)

    def api_params(self) -> dict:
        """The filled-in fields, as the API's search parameters (query strings)."""
        params = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            params[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return params

    @property
    def has_filters(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.api_params())

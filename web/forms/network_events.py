"""Forms of the event pages: registering, an event's details (with a simple choice of
recurrence that becomes an RRULE), a station, the reason of a cancellation, attendance. They
check the shape of input; the rules are the network services' (network/services/)."""

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil import rrule
from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.models import Organisation
from network.models import MAX_COMPANIONS, EventKind, EventVisibility, WorkingGroup

from . import DateInput, DateTimeInput

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class RegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Für welche Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    companions = forms.IntegerField(
        label=_("Begleitpersonen"),
        min_value=0,
        max_value=MAX_COMPANIONS,
        initial=0,
        help_text=_("aus derselben Organisation; sie zählen bei den Plätzen mit"),
    )
    note = forms.CharField(
        label=_("Hinweis für die Gastgeber"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("z. B. vegetarisch; nur die Gastgeber sehen ihn, nach dem Termin gelöscht"),
    )
    station = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations is not None and len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk


class RecurrenceChoice:
    NONE = ""
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY_WEEKDAY = "monthly_weekday"
    MONTHLY_LAST_WEEKDAY = "monthly_last_weekday"
    MONTHLY_DAY = "monthly_day"

    CHOICES = [
        (NONE, _("einmalig")),
        (WEEKLY, _("jede Woche am selben Wochentag")),
        (FORTNIGHTLY, _("alle zwei Wochen am selben Wochentag")),
        (
            MONTHLY_WEEKDAY,
            _("jeden Monat am selben Wochentag (z. B. jeden ersten Dienstag im Monat)"),
        ),
        (MONTHLY_LAST_WEEKDAY, _("jeden Monat am letzten dieses Wochentags")),
        (MONTHLY_DAY, _("jeden Monat am selben Tag (z. B. am 15.)")),
    ]


def recurrence_rule(choice: str, start: dt.datetime, until: dt.date | None) -> str:
    """The RRULE of one of the simple choices, read from the first start (Berlin): "first
    Tuesday of each month" for a start on the first Tuesday is FREQ=MONTHLY;BYDAY=+1TU. The
    dates are counted in Berlin wall-clock time, as network.services.series expands them."""
    local = start.astimezone(BERLIN)
    weekday = WEEKDAY_CODES[local.weekday()]
    nth = (local.day - 1) // 7 + 1
    # A fifth weekday is not in every month: the last one instead.
    ordinal = f"+{nth}" if nth < 5 else "-1"
    rule = {
        RecurrenceChoice.WEEKLY: f"FREQ=WEEKLY;BYDAY={weekday}",
        RecurrenceChoice.FORTNIGHTLY: f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}",
        RecurrenceChoice.MONTHLY_WEEKDAY: f"FREQ=MONTHLY;BYDAY={ordinal}{weekday}",
        RecurrenceChoice.MONTHLY_LAST_WEEKDAY: f"FREQ=MONTHLY;BYDAY=-1{weekday}",
        RecurrenceChoice.MONTHLY_DAY: f"FREQ=MONTHLY;BYMONTHDAY={local.day}",
    }[choice]
    if until is not None:
        # An end date becomes the number of dates up to it (COUNT): valid in a calendar file
        # whatever the start's time zone, unlike an UNTIL that would have to be in UTC.
        naive_start = local.replace(tzinfo=None)
        last = dt.datetime.combine(until, dt.time(23, 59, 59))
        count = len(rrule.rrulestr(rule, dtstart=naive_start).between(naive_start, last, inc=True))
        rule += f";COUNT={max(count, 1)}"
    return rule


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=EventKind.choices)
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    starts_at = forms.DateTimeField(
        label=_("Beginn"), widget=DateTimeInput, help_text=_("Berliner Zeit")
    )
    ends_at = forms.DateTimeField(label=_("Ende"), widget=DateTimeInput)
    place = forms.CharField(
        label=_("Ort"), required=False, max_length=300, help_text=_("Adresse oder Raum")
    )
    online = forms.BooleanField(label=_("online (mit Link zur Teilnahme)"), required=False)
    online_link = forms.URLField(
        label=_("Link zur Teilnahme"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("nur angemeldete Personen sehen ihn"),
    )
    hosts = forms.ModelMultipleChoiceField(
        label=_("Gastgeber"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    hosted_by_network = forms.BooleanField(
        label=_("Das Netzwerk lädt ein (Koordination)"), required=False
    )
    capacity = forms.IntegerField(
        label=_("Plätze"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("leer: unbegrenzt; Begleitpersonen zählen mit"),
    )
    registration_deadline = forms.DateTimeField(
        label=_("Anmeldeschluss"), required=False, widget=DateTimeInput
    )
    visibility = forms.ChoiceField(label=_("Sichtbar für"), choices=EventVisibility.choices)
    group = forms.ModelChoiceField(
        label=_("Arbeitsgruppe"),
        required=False,
        queryset=WorkingGroup.objects.none(),
        empty_label=_("keine"),
    )
    recurrence = forms.ChoiceField(
        label=_("Wiederholung"),
        required=False,
        choices=RecurrenceChoice.CHOICES,
        help_text=_("Jeder Termin einer Reihe lässt sich einzeln ändern oder absagen."),
    )
    recurrence_until = forms.DateField(
        label=_("Wiederholen bis"),
        required=False,
        widget=DateInput,
        help_text=_("leer: ohne Ende (Termine für gut ein Jahr im Voraus)"),
    )

    def __init__(self, *args, hosts=None, groups=None, coordinator=False, series=True, **kw):
        super().__init__(*args, **kw)
        self.fields["hosts"].queryset = hosts if hosts is not None else Organisation.objects.none()
        self.fields["group"].queryset = (
            groups if groups is not None else WorkingGroup.objects.none()
        )
        if not coordinator:
            del self.fields["hosted_by_network"]
        if not self.fields["group"].queryset.exists() and not self.initial.get("group"):
            # Only leads of a working group (and the coordinator) choose one.
            del self.fields["group"]
        if not series:
            del self.fields["recurrence"]
            del self.fields["recurrence_until"]

    def clean(self):
        data = super().clean()
        if data.get("recurrence_until") and not data.get("recurrence"):
            self.add_error("recurrence", _("Bitte eine Wiederholung wählen."))
        start, until = data.get("starts_at"), data.get("recurrence_until")
        if start and until and until < start.astimezone(BERLIN).date():
            self.add_error("recurrence_until", _("Das Ende der Reihe liegt vor dem Beginn."))
        return data

    def rrule(self) -> str:
        data = self.cleaned_data
        if not data.get("recurrence"):
            return ""
        return recurrence_rule(data["recurrence"], data["starts_at"], data["recurrence_until"])


class StationForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    host = forms.ModelChoiceField(label=_("Gastgeber"), queryset=Organisation.objects.none())
    starts_at = forms.DateTimeField(label=_("Beginn"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ende"), widget=DateTimeInput)
    place = forms.CharField(label=_("Ort"), required=False, max_length=300)
    capacity = forms.IntegerField(
        label=_("Plätze"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("leer: unbegrenzt"),
    )

    def __init__(self, *args, hosts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts if hosts is not None else Organisation.objects.none()


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Absage"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("geht an alle Angemeldeten"),
    )


ATTENDANCE_CHOICES = [("", _("offen")), ("yes", _("war da")), ("no", _("nicht da"))]


class AttendanceForm(forms.Form):
    """One radio group per registration with a seat: came, did not come, not known."""

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        for registration in self.registrations:
            name = f"r{registration.pk}"
            self.fields[name] = forms.ChoiceField(
                label=registration.person.full_name or registration.person.email,
                choices=ATTENDANCE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            self.initial[name] = {True: "yes", False: "no"}.get(registration.attended, "")

    def rows(self):
        return [(registration, self[f"r{registration.pk}"]) for registration in self.registrations]

    def attended(self) -> dict[int, bool | None]:
        values = {"yes": True, "no": False, "": None}
        return {
            registration.pk: values[self.cleaned_data.get(f"r{registration.pk}") or ""]
            for registration in self.registrations
        }


class AttendanceCountsForm(forms.Form):
    """How many people of each organisation came, when the hosts count instead of ticking
    names: one number per organisation (empty or 0: none)."""

    def __init__(self, *args, organisations=(), counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        counts = counts or {}
        for organisation in self.organisations:
            name = f"o{organisation.pk}"
            self.fields[name] = forms.IntegerField(
                label=organisation.name, required=False, min_value=0, max_value=10000
            )
            self.initial[name] = counts.get(organisation.pk)

    def counts(self) -> dict[int, int]:
        return {
            organisation.pk: self.cleaned_data.get(f"o{organisation.pk}") or 0
            for organisation in self.organisations
        }

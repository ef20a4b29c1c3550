"""Forms of the working-group and minutes pages. They parse input; network.services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import GroupRole, JoinPolicy, MeetingsVisibility, ProjectStatus

from . import DateInput


def person_label(user) -> str:
    return user.full_name or user.email


class LeadChoiceField(forms.ChoiceField):
    """A person for one of their organisations, as "<person id>:<organisation id>"."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        person, _sep, organisation = value.partition(":")
        if not (person.isdigit() and organisation.isdigit()):
            raise forms.ValidationError(_("Bitte eine Person aus der Liste wählen."))
        return int(person), int(organisation)

    def valid_value(self, value):
        return super().valid_value(value if isinstance(value, str) else f"{value[0]}:{value[1]}")


def lead_choices(memberships) -> list[tuple[str, str]]:
    """Choices from marketplace memberships (person and organisation selected)."""
    return [
        (f"{m.user_id}:{m.organisation_id}", f"{person_label(m.user)} ({m.organisation.name})")
        for m in memberships
    ]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Thema"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    join_policy = forms.ChoiceField(
        label=_("Beitritt"), choices=JoinPolicy.choices, widget=forms.RadioSelect
    )
    meetings_visibility = forms.ChoiceField(
        label=_("Treffen und Protokolle sichtbar für"),
        choices=MeetingsVisibility.choices,
        widget=forms.RadioSelect,
    )
    lead = LeadChoiceField(label=_("Leitung"), required=False)

    def __init__(self, *args, lead_options=None, for_coordinator=True, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["lead"].choices = [("", "—"), *lead_choices(lead_options or [])]
            self.fields["lead"].help_text = _(
                "Weitere Personen ernennt die Koordination auf der Seite der Gruppe."
            )
        else:
            del self.fields["lead"]
        if not for_coordinator:
            del self.fields["name"]


class LeadForm(forms.Form):
    lead = LeadChoiceField(label=_("Person und Organisation"))

    def __init__(self, *args, lead_options=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", "—"), *lead_choices(lead_options or [])]


class JoinForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("für die Organisation"), coerce=int)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=GroupRole.choices)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(label=_("Stand"), choices=ProjectStatus.choices)
    organisations = forms.TypedMultipleChoiceField(
        label=_("Beteiligte Organisationen"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    next_step = forms.CharField(label=_("Nächster Schritt"), max_length=500, required=False)
    next_step_owner = forms.TypedChoiceField(
        label=_("Wer macht ihn"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, organisations=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["next_step_owner"].choices = [
            ("", "—"),
            *((m.person_id, person_label(m.person)) for m in members),
        ]


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Betreff"), max_length=200)
    body = forms.CharField(
        label=_("Nachricht"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Protokoll"), max_length=50000, widget=forms.Textarea(attrs={"rows": 14})
    )
    organisations = forms.TypedMultipleChoiceField(
        label=_("Beteiligte Organisationen"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations=(), counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(o.pk, o.name) for o in organisations]
        self.count_fields = []
        for organisation in organisations:
            name = f"count_{organisation.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("Anzahl Personen: %(name)s") % {"name": organisation.name},
                min_value=0,
                max_value=10000,
                required=False,
                initial=(counts or {}).get(organisation.pk),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.count_fields.append(name)

    def counts(self) -> dict[int, int]:
        return {
            int(name.removeprefix("count_")): self.cleaned_data[name]
            for name in self.count_fields
            if self.cleaned_data.get(name)
        }

    def plain_fields(self):
        return [self[name] for name in ("text", "organisations")]

    def attendance_fields(self):
        return [self[name] for name in self.count_fields]


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Beschluss / nächster Schritt"), max_length=1000, required=False)
    owner = forms.TypedChoiceField(label=_("Wer"), coerce=int, required=False, empty_value=None)
    due = forms.DateField(label=_("Bis"), required=False, widget=DateInput())

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *((u.pk, person_label(u)) for u in owners)]


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=50, absolute_max=50)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Foto oder PDF"),
        help_text=_("JPEG, PNG, WebP oder PDF, höchstens 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )

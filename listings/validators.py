"""Validators of offer fields that are lists (skills, languages, hand-over weekdays)."""

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# ISO 639 codes: Django's list plus languages often spoken in Berlin that it lacks.
LANGUAGE_CODES = frozenset(
    {code for code in LANG_INFO if code.isalpha() and code.islower()}
    | {"ku", "ps", "prs", "so", "ti", "am", "zh", "sh", "rom"}
)

MAX_SKILLS = 20
MAX_SKILL_LENGTH = 60


def validate_skills(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Bitte eine Liste von Fähigkeiten angeben."), code="invalid")
    if len(value) > MAX_SKILLS:
        raise ValidationError(
            ngettext("Höchstens %(n)d Fähigkeit.", "Höchstens %(n)d Fähigkeiten.", MAX_SKILLS),
            params={"n": MAX_SKILLS},
            code="max_length",
        )
    for item in value:
        if not item.strip() or len(item) > MAX_SKILL_LENGTH or "\x00" in item:
            raise ValidationError(
                _("Jede Fähigkeit braucht 1 bis %(n)d Zeichen."),
                params={"n": MAX_SKILL_LENGTH},
                code="invalid",
            )


def validate_languages(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Bitte eine Liste von Sprachcodes angeben."), code="invalid")
    unknown = [item for item in value if item not in LANGUAGE_CODES]
    if unknown:
        raise ValidationError(
            _("Unbekannter Sprachcode: %(codes)s (bitte ISO 639, z. B. „de“, „tr“)."),
            params={"codes": ", ".join(map(repr, unknown[:5]))},
            code="invalid",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Jede Sprache bitte nur einmal."), code="invalid")


def validate_handover_weekdays(value) -> None:
    """ISO weekday numbers (1 = Monday … 7 = Sunday), at least one, each once."""
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(day, int) and not isinstance(day, bool) for day in value)
        or not all(1 <= day <= 7 for day in value)
    ):
        raise ValidationError(
            _("Bitte mindestens einen Wochentag für Abholung und Rückgabe wählen."),
            code="invalid",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Jeden Wochentag bitte nur einmal."), code="invalid")

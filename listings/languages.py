"""Languages of a volunteer action: their names in the reader's language, and the ones a form
offers. Offers store ISO 639 codes (listings.validators.LANGUAGE_CODES); people read names."""

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Codes Django has no name for (listings.validators adds them to the known codes).
OWN_NAMES = {
    "ku": _("Kurdisch"),
    "ps": _("Paschtu"),
    "prs": _("Dari"),
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "am": _("Amharisch"),
    "zh": _("Chinesisch"),
    "sh": _("Serbokroatisch"),
    "rom": _("Romanes"),
}

# What the form offers to tick: the languages most asked for in the Kiez.
OFFERED = (
    "de", "en", "tr", "ar", "ku", "fa", "prs", "ps", "pl", "ru", "uk", "ro", "bg", "sr",
    "bs", "hr", "sq", "el", "it", "fr", "es", "pt", "vi", "zh", "hi", "ur", "ti", "so",
    "am", "rom",
)  # fmt: skip


def language_name(code: str) -> str:
    """The language's name in the active language ("tr" → "Türkisch" / "Turkish")."""
    if code in OWN_NAMES:
        return str(OWN_NAMES[code])
    info = LANG_INFO.get(code)
    return gettext(info["name"]) if info else code


def language_choices(extra=()) -> list[tuple[str, str]]:
    """(code, name) for the form, sorted by name in the reader's language; `extra`: codes an
    offer already has that are not offered (kept, so that saving does not drop them)."""
    codes = list(dict.fromkeys([*OFFERED, *extra]))
    return sorted(((code, language_name(code)) for code in codes), key=lambda c: c[1].lower())

"""Checks of user-supplied text shared by the API and the services."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput

# Longest field still taken to be one line (names, titles, addresses, phone numbers); longer
# ones are descriptions and messages, where line breaks belong.
ONE_LINE_MAX_LENGTH = 300
LINE_SEPARATORS = {"\u2028", "\u2029", "\x85"}


def has_control_characters(value: str) -> bool:
    """Control characters (C0, DEL, C1, tab and line breaks included) and Unicode line or
    paragraph separators: none belongs in a name or another one-line text."""
    return any(unicodedata.category(char) == "Cc" or char in LINE_SEPARATORS for char in value)


def validate_one_line(value) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            _("Bitte ohne Steuerzeichen wie Zeilenumbrüche oder Tabulatoren."),
            code="control_characters",
        )


def clean_text(value, *, field: str, limit: int, required: bool = False) -> str:
    """A service's text input, stripped: a string of at most `limit` characters, without NUL
    (PostgreSQL cannot store it), not empty when `required`. Raises InvalidInput on `field`."""
    if not isinstance(value, str):
        raise InvalidInput(gettext("Bitte einen Text angeben."), field=field)
    value = value.strip()
    if "\x00" in value:
        raise InvalidInput(gettext("Der Text enthält ungültige Zeichen."), field=field)
    if len(value) > limit:
        raise InvalidInput(
            gettext("Bitte höchstens %(n)d Zeichen angeben.") % {"n": limit}, field=field
        )
    if required and not value:
        raise InvalidInput(gettext("Dieses Feld darf nicht leer sein."), field=field)
    return value

"""One check of a service's text input, shared by bookings and donations (marketplace/text.py):
stripped, a string, no NUL, not too long, not empty when required; refused on its field."""

import pytest
from django.utils import translation

from marketplace.errors import InvalidInput
from marketplace.text import clean_text


def _refusal(value, **options) -> InvalidInput:
    with translation.override("de"), pytest.raises(InvalidInput) as raised:
        clean_text(value, field="purpose", **options)
    assert raised.value.field == "purpose"
    return raised.value


def test_a_text_comes_back_stripped():
    assert clean_text("  Sommerfest  ", field="purpose", limit=20) == "Sommerfest"
    assert clean_text("   ", field="purpose", limit=20) == ""


@pytest.mark.parametrize(
    ("value", "options", "message"),
    [
        (42, {"limit": 20}, "Bitte einen Text angeben."),
        ("Fest\x00", {"limit": 20}, "Der Text enthält ungültige Zeichen."),
        ("x" * 21, {"limit": 20}, "Bitte höchstens 20 Zeichen angeben."),
        ("  ", {"limit": 20, "required": True}, "Dieses Feld darf nicht leer sein."),
    ],
)
def test_bad_text_is_refused_on_its_field_with_a_message(value, options, message):
    assert _refusal(value, **options).message == message


def test_the_limit_counts_the_stripped_text():
    assert clean_text(" " + "x" * 20 + " ", field="purpose", limit=20) == "x" * 20

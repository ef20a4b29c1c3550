"""Euro amounts as a German receipt prints them: in figures and in words. Decimal only, never
float, so 0.1 + 0.2 cents never creep in."""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from num2words import num2words

CENT = Decimal("0.01")


def _cents(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError("amounts are Decimal")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _number_word(value: int) -> str:
    # "eins" stands alone; before a noun it is "ein" ("einhundertein Euro", "ein Cent").
    words = num2words(value, lang="de")
    return words[:-1] if words.endswith("eins") else words


def amount_in_words(amount: Decimal) -> str:
    """1322.50 → "eintausenddreihundertzweiundzwanzig Euro und fünfzig Cent"."""
    return _in_words(_cents(amount))


@lru_cache(maxsize=4096)
def _in_words(amount: Decimal) -> str:
    # Cached: a receipt is laid out twice (measured, then drawn), and num2words is slow.
    if amount < 0:
        raise ValueError("amounts are not negative")
    euros, cents = divmod(int(amount * 100), 100)
    if euros and cents:
        return f"{_number_word(euros)} Euro und {_number_word(cents)} Cent"
    if cents:
        return f"{_number_word(cents)} Cent"
    return f"{_number_word(euros)} Euro"


def euro(amount: Decimal) -> str:
    """1322.5 → "1.322,50 €" (German grouping and decimal comma)."""
    text = f"{_cents(amount):,.2f}"  # "1,322.50"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") + " €"

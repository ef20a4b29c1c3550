"""Numbers in the reader's language: `{{ hours|local_number }}` turns "32.50" (as a context
stores a Decimal) into "32,5" in German and "32.5" in English, as the PDFs write them."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def local_number(value) -> str:
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    # No trailing zeros (32.50 → 32.5, 12.00 → 12), no exponent (1E+1 → 10).
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return formats.number_format(number, use_l10n=True, force_grouping=True)

"""How a figure reads on the page and in the PDF (the exports keep plain numbers)."""

from decimal import Decimal

from django.utils.formats import number_format


def show(value, unit: str) -> str:
    """1.120,00 € in German, 1,120.00 € in English; hours with an h; counts grouped."""
    if unit == "euros":
        return f"{number_format(Decimal(value), 2, force_grouping=True)} €"
    if unit == "hours":
        return f"{number_format(Decimal(value), 2, force_grouping=True)} h"
    return number_format(value, 0, force_grouping=True)

"""Template filters of the report pages."""

from django import template

from reports.formatting import show

register = template.Library()


@register.filter
def figure(value, unit: str) -> str:
    """A figure as people read it (1.120,00 €, 18,00 h, 1.234)."""
    return show(value, unit)


@register.filter
def value_of(values: dict, key: str):
    return values.get(key, 0)

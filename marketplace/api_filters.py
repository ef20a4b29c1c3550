"""Query parameters of the API's lists: one strict behaviour for every filter set.

django-filter on its own ignores what it does not know, treats `?state=` as no filter, lets a
number through to the database unbounded (`?year=1e20` was a 500) and answers an inverted range
with an empty list. Here each of these is a 400 naming the parameter.
"""

import django_filters
from django import forms
from django.forms.utils import ErrorDict, ErrorList
from django.utils.translation import gettext as _
from drf_spectacular.drainage import set_override

# Parameters every list takes besides its filters (marketplace/api_base.py, pagination).
PAGE_PARAMETERS = ("cursor", "page_size")
MAX_ID = 2**53
BOOLEANS = ("true", "false")


def integer_filter(low: int, high: int, **kwargs) -> django_filters.NumberFilter:
    """A whole-number filter from `low` to `high`: anything else is a 400, never a database
    error; the schema states the bounds."""
    number = django_filters.NumberFilter(min_value=low, max_value=high, **kwargs)
    number.field_class = forms.IntegerField
    set_override(number, "field", {"type": "integer", "minimum": low, "maximum": high})
    return number


def id_filter(**kwargs) -> django_filters.NumberFilter:
    return integer_filter(1, MAX_ID, **kwargs)


class StrictFilterSet(django_filters.FilterSet):
    """Refuses unknown, repeated and empty parameters, and ranges whose end is before their
    start (`ranges`: pairs of parameter names)."""

    ranges: tuple[tuple[str, str], ...] = ()

    def parameter_errors(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        known = set(self.filters) | set(PAGE_PARAMETERS)
        for name in self.data:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            if name not in known:
                errors[name] = [_("Unbekannter Parameter.")]
            elif len(values) > 1:
                errors[name] = [_("Diesen Parameter bitte nur einmal angeben.")]
            elif values[0] == "":
                errors[name] = [_("Bitte einen Wert angeben oder den Parameter weglassen.")]
            elif (
                isinstance(self.filters.get(name), django_filters.BooleanFilter)
                and values[0] not in BOOLEANS
            ):
                # django-filter reads anything else as "no filter".
                errors[name] = [_("Bitte true oder false angeben.")]
        return errors

    def range_errors(self) -> dict[str, list[str]]:
        errors = {}
        for start, end in self.ranges:
            low, high = self.form.cleaned_data.get(start), self.form.cleaned_data.get(end)
            if low is not None and high is not None and high < low:
                errors[end] = [
                    _("%(end)s darf nicht vor %(start)s liegen.") % {"end": end, "start": start}
                ]
        return errors

    def is_valid(self) -> bool:
        return not self.errors

    @property
    def errors(self):
        errors = self.parameter_errors()
        if errors:
            return _as_error_dict(errors)
        if not self.form.is_valid():
            return self.form.errors
        return _as_error_dict(self.range_errors())


def _as_error_dict(errors: dict[str, list[str]]) -> ErrorDict:
    """The shape django-filter's backend turns into a 400 (translate_validation)."""
    return ErrorDict(
        {
            name: ErrorList([forms.ValidationError(m) for m in messages])
            for name, messages in errors.items()
        }
    )


class NoFilters(StrictFilterSet):
    """For lists without filters: only the page parameters are known."""

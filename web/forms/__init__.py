"""Forms of the web pages. They parse and check the shape of input (types, lengths, that two
password fields match); the rules live in the services, whose errors the views put next to the
field they name (add_domain_error)."""

from django import forms
from django.core.exceptions import ValidationError

from marketplace.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError, *, fields: dict | None = None) -> None:
    """Show a service's error next to the field it names, or above the form.

    `fields` maps a service's field names to the form's where they differ.
    """
    field = (fields or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a model's ValidationError (raised by a service's full_clean) at its fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")

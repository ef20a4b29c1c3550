"""Template helpers of the web pages: the language switch and small formatting aids."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from listings.languages import language_name

register = template.Library()


@register.inclusion_tag("partials/language_switch.html", takes_context=True)
def language_switch(context):
    request = context.get("request")
    return {
        "csrf_token": context.get("csrf_token"),
        "languages": settings.LANGUAGES,
        "current": (get_language() or settings.LANGUAGE_CODE)[:2],
        # Back to the same page after switching; a POST result page has no GET form to return to.
        "next": request.get_full_path() if request is not None else "/",
    }


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many in-app notifications the signed-in person has not read (one query)."""
    from notifications.selectors import in_app_notifications_of

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return in_app_notifications_of(user).filter(read_at__isnull=True).count()


@register.inclusion_tag("partials/error_summary.html", takes_context=True)
def error_summary(context, form, also=None):
    """All of a form's errors at the top, each linking to its field (#id), and the first field
    with an error gets `autofocus`: after a failed submit the page opens at the problem, without
    JavaScript. `also`: a formset whose rows' errors join the list.

    It must be rendered before the fields, because it sets the autofocus on their widget."""
    if not hasattr(form, "non_field_errors"):  # no form here (an unset template variable)
        return {"entries": [], "has_errors": False}
    entries = [{"text": str(error)} for error in form.non_field_errors()]
    entries += _field_entries(form)
    formset = also if hasattr(also, "non_form_errors") else None
    for number, row in enumerate(formset.forms if formset else [], start=1):
        entries += [{"text": str(error)} for error in row.non_field_errors()]
        entries += _field_entries(row, row_number=number)
    if formset is not None:
        entries += [{"text": str(error)} for error in formset.non_form_errors()]
    request = context.get("request")
    first = next((entry for entry in entries if entry.get("field") is not None), None)
    # One autofocus per page: the first form on it with errors gets it.
    if first is not None and not getattr(request, "_kiez_autofocus_given", False):
        first["field"].field.widget.attrs["autofocus"] = True
        if request is not None:
            request._kiez_autofocus_given = True
    return {"entries": entries, "has_errors": bool(entries)}


def _field_entries(form, *, row_number: int | None = None) -> list[dict]:
    entries = []
    for field in form:  # in the order of the page, not the order the checks ran
        errors = field.errors
        if not errors:
            continue
        name = field.name
        label = str(field.label or name) if not field.is_hidden else ""
        if label and row_number is not None:
            label = _("%(label)s (Zeile %(row)s)") % {"label": label, "row": row_number}
        for error in errors:
            entries.append(
                {
                    "text": f"{label}: {error}" if label else str(error),
                    # Hidden fields have nothing to jump to; the others are linked by their id.
                    "field": None if field.is_hidden else field,
                    "anchor": "" if field.is_hidden else field.auto_id,
                }
            )
    return entries


@register.filter
def money(value) -> str:
    """An amount in euros as the reader's language writes it: "1.234,50 €" in German,
    "€1,234.50" in English. The one way pages show money."""
    if value in (None, ""):
        return ""
    number = formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    if (get_language() or settings.LANGUAGE_CODE).startswith("en"):
        return f"€{number}"
    return f"{number} €"


@register.filter
def language_names(codes) -> str:
    """An offer's language codes as names in the reader's language: "Deutsch, Türkisch"."""
    return ", ".join(language_name(code) for code in codes or ())

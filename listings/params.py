"""The search's query parameters: the one place that parses and checks them and turns them into
the search's filters, for the API (/api/v1/listings/) and the search page alike.

The search is the hottest endpoint, and a DRF serializer costs a deep copy of its fields on
every request; these few parsers check the parameters instead (SearchParamsSerializer only
documents them in the API schema). Unknown, repeated or malformed parameters are a 400 with a
message per parameter, never silently ignored.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from marketplace.errors import InvalidInput

from .models import Category, EmploymentType, ListingKind
from .search import SearchFilters
from .search_sources import search_sources

MAX_ID = 2**53
MAX_SEARCH_DAYS = 366
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
ORDERINGS = ("newest", "relevance", "soonest")


class _Invalid(Exception):
    pass


def _text(max_length: int):
    def parse(value: str) -> str:
        if "\x00" in value:
            raise _Invalid(_("Null-Zeichen sind nicht erlaubt."))
        if len(value) > max_length:
            raise _Invalid(_("Höchstens %(n)d Zeichen.") % {"n": max_length})
        return value

    return parse


def _choice(choices):
    allowed = frozenset(choices)

    def parse(value: str) -> str:
        if value not in allowed:
            raise _Invalid(
                _("„%(value)s“ ist keine gültige Wahl. Möglich: %(choices)s.")
                % {"value": value[:40], "choices": ", ".join(sorted(allowed))}
            )
        return value

    return parse


def search_kinds() -> list[str]:
    """The offers' kinds and those other apps registered (search_sources.py)."""
    return [*ListingKind.values, *(source.kind for source in search_sources())]


def _kind(value: str) -> str:
    # Asked at each parse: the other apps register their kinds when Django is ready.
    return _choice(search_kinds())(value)


def _slug(value: str) -> str:
    if not SLUG.fullmatch(value):
        raise _Invalid(_("Bitte einen gültigen Kurznamen angeben."))
    return value


def _integer(low: int, high: int):
    def parse(value: str) -> int:
        if not (value.isascii() and value.isdigit()) or len(value) > 20:
            raise _Invalid(_("Bitte eine ganze Zahl angeben."))
        number = int(value)
        if not low <= number <= high:
            raise _Invalid(
                _("Bitte eine Zahl von %(low)d bis %(high)d.") % {"low": low, "high": high}
            )
        return number

    return parse


def _date(value: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _Invalid(_("Bitte ein Datum im Format JJJJ-MM-TT angeben.")) from None


SEARCH_PARAMETERS = {
    "q": _text(200),
    "kind": _kind,
    "category": _slug,
    "organisation": _integer(1, MAX_ID),
    "employment_type": _choice(EmploymentType.values),
    "date_from": _date,
    "date_to": _date,
    "available_from": _date,
    "available_until": _date,
    "quantity": _integer(1, 500),
    "ordering": _choice(ORDERINGS),
    "cursor": _text(500),
    "page_size": _integer(1, 100),
}


def parse_search_params(query) -> dict:
    """The search's parameters from a QueryDict, checked. Raises ValidationError (400)."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    for name in query:
        parse = SEARCH_PARAMETERS.get(name)
        if parse is None:
            errors[name] = [_("Unbekannter Parameter.")]
            continue
        given = query.getlist(name)
        if len(given) > 1:
            errors[name] = [_("Diesen Parameter bitte nur einmal angeben.")]
            continue
        if given[0] == "":
            errors[name] = [_("Bitte einen Wert angeben oder den Parameter weglassen.")]
            continue
        try:
            values[name] = parse(given[0])
        except _Invalid as error:
            errors[name] = [str(error)]
    if not errors:
        errors = {name: [message] for name, message in combination_errors(values).items()}
    if errors:
        raise ValidationError(errors)
    return values


def combination_errors(values: dict) -> dict[str, str]:
    """Parameters that do not go together, by name."""
    errors = {}
    kind = values.get("kind")
    dates = "date_from" in values or "date_to" in values
    availability = {"available_from", "available_until", "quantity"} & set(values)
    date_from, date_to = values.get("date_from"), values.get("date_to")
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = _("Das Ende darf nicht vor dem Beginn liegen.")
    if availability:
        start, until = values.get("available_from"), values.get("available_until")
        if start is None or until is None:
            errors["available_from"] = _(
                "Bitte available_from und available_until zusammen angeben."
            )
        elif until < start:
            errors["available_until"] = _(
                "available_until (Rückgabetag) darf nicht vor available_from (Abholtag) liegen."
            )
        elif (until - start).days > MAX_SEARCH_DAYS:
            errors["available_until"] = _("Der Zeitraum darf höchstens ein Jahr lang sein.")
    wants = [
        (ListingKind.JOB, "employment_type", "employment_type" in values),
        (ListingKind.VOLUNTEER_ACTION, "date_from", dates),
        (ListingKind.EQUIPMENT, "available_from", bool(availability)),
    ]
    implied = [(wanted, field) for wanted, field, used in wants if used]
    if len(implied) > 1:
        errors[implied[1][1]] = _("Diese Filter gehören zu verschiedenen Arten von Angeboten.")
    elif implied and kind and kind != implied[0][0]:
        errors[implied[0][1]] = _("Dieser Filter passt nicht zur gewählten Art (kind).")
    if values.get("ordering") == "relevance" and not values.get("q", "").strip():
        errors["ordering"] = _("Die Sortierung nach Relevanz braucht einen Suchbegriff (q).")
    return errors


@dataclass(frozen=True)
class SearchRequest:
    filters: SearchFilters
    cursor: str | None
    page_size: int | None  # None: the caller's default


def category_id_of(slug: str | None) -> int | None:
    """The id of the category `slug`; InvalidInput for one that does not exist."""
    if slug is None:
        return None
    category_id = Category.objects.filter(slug=slug).values_list("id", flat=True).first()
    if category_id is None:
        raise InvalidInput(_("Unbekannte Kategorie."), field="category")
    return category_id


def search_request(query, *, public_only: bool) -> SearchRequest:
    """The search's filters and page from a QueryDict, checked; `public_only` leaves out the
    members-only offers (visitors outside the network).

    Raises ValidationError (400, a message per parameter), InvalidInput (unknown category).
    """
    options = parse_search_params(query)
    filters = SearchFilters(
        q=options.get("q", "").strip(),
        kind=options.get("kind", ""),
        category_id=category_id_of(options.get("category")),
        organisation=options.get("organisation"),
        employment_type=options.get("employment_type", ""),
        date_from=options.get("date_from"),
        date_to=options.get("date_to"),
        available_from=options.get("available_from"),
        available_until=options.get("available_until"),
        quantity=options.get("quantity", 1),
        ordering=options.get("ordering", ""),
        public_only=public_only,
    )
    return SearchRequest(filters, options.get("cursor"), options.get("page_size"))

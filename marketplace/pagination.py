"""Keyset ("cursor") pagination: the one way every API list pages, stable under inserts and
without COUNT(*).

A page is the first `page_size` rows after (or, going back, before) the position of a row of the
previous page, in an ordering whose last key is unique (the id). One query fetches page_size + 1
rows; the extra row only says whether there is a page beyond. The cursor is opaque to clients:
base64 of the ordering's name, the row's key values and the direction.

Every list answers {"next": url|null, "previous": url|null, "results": [...]} and takes
`cursor` (from `next` or `previous`) and `page_size` (1–100, default 20).
"""

import base64
import binascii
import datetime as dt
import functools
import json
import operator
from dataclasses import dataclass, replace

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from marketplace.errors import InvalidInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Key:
    name: str
    descending: bool = False
    nullable: bool = False  # NULLs sort last in either direction (first when walking back)
    type: str = "int"  # int, float, str, date or datetime
    nulls_first: bool = False

    def order_by(self):
        expression = F(self.name)
        if not self.nullable:
            return expression.desc() if self.descending else expression.asc()
        nulls = {"nulls_first": True} if self.nulls_first else {"nulls_last": True}
        return expression.desc(**nulls) if self.descending else expression.asc(**nulls)

    def reversed(self) -> "Key":
        return replace(self, descending=not self.descending, nulls_first=not self.nulls_first)

    def encode(self, value):
        if value is None or self.type in ("int", "float", "str"):
            return value
        return value.isoformat()

    def decode(self, value):
        if value is None:
            if not self.nullable:
                raise ValueError("null in a key that has none")
            return None
        if self.type == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError("not an integer")
            return value
        if self.type == "float":
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ValueError("not a number")
            return float(value)
        if self.type == "str":
            if not isinstance(value, str):
                raise ValueError("not a string")
            return value
        if self.type == "date":
            return dt.date.fromisoformat(value)
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("naive datetime")
        return moment


@dataclass(frozen=True)
class Ordering:
    name: str
    keys: tuple[Key, ...]

    def apply(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by(*(key.order_by() for key in self.keys))

    def reversed(self) -> "Ordering":
        return Ordering(self.name, tuple(key.reversed() for key in self.keys))

    def after(self, values: list) -> Q:
        """Rows strictly after the row with these key values, in this ordering."""
        # Only the keys appear in the condition (no always-false `pk__in=[]` term): on a
        # grouped query any other column would join the GROUP BY and split the groups.
        terms = []
        equal = Q()
        for key, value in zip(self.keys, values, strict=True):
            if value is None:
                # NULLs come last (nothing after them in this key) or first (all else after).
                later = Q(**{f"{key.name}__isnull": False}) if key.nulls_first else None
                same = Q(**{f"{key.name}__isnull": True})
            else:
                later = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
                if key.nullable and not key.nulls_first:
                    later |= Q(**{f"{key.name}__isnull": True})
                same = Q(**{f"{key.name}": value})
            if later is not None:
                terms.append(equal & later)
            equal &= same
        condition = functools.reduce(operator.or_, terms) if terms else Q(pk__in=[])
        first, value = self.keys[0], values[0]
        if value is not None and not first.nullable:
            # Redundant, but lets the database start the index scan at the position.
            condition &= Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": value})
        return condition

    def values_of(self, row) -> list:
        if isinstance(row, dict):
            values = [row[key.name] for key in self.keys]
        else:
            values = [getattr(row, key.name) for key in self.keys]
        return [key.encode(value) for key, value in zip(self.keys, values, strict=True)]


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None = None


def _encode(ordering: Ordering, values: list, *, back: bool = False) -> str:
    payload = [ordering.name, values, 1] if back else [ordering.name, values]
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(ordering: Ordering, cursor: str) -> tuple[list, bool]:
    invalid = InvalidInput(_("Ungültiger Cursor."), field="cursor")
    if len(cursor) > 500:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        name, values, *direction = payload
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise invalid from None
    if name != ordering.name:
        raise InvalidInput(_("Der Cursor gehört zu einer anderen Sortierung."), field="cursor")
    if (
        not isinstance(values, list)
        or len(values) != len(ordering.keys)
        or direction not in ([], [1])
    ):
        raise invalid
    try:
        decoded = [key.decode(value) for key, value in zip(ordering.keys, values, strict=True)]
    except (ValueError, TypeError):
        raise invalid from None
    return decoded, direction == [1]


def paginate(queryset: QuerySet, ordering: Ordering, *, cursor: str | None, size: int) -> Page:
    """One page of `queryset` (model instances or .values() dicts) in `ordering`."""
    if not cursor:
        rows = list(ordering.apply(queryset)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return Page(rows, _encode(ordering, ordering.values_of(rows[-1])) if more else None)
    values, back = _decode(ordering, cursor)
    if back:
        walk = ordering.reversed()
        rows = list(walk.apply(queryset.filter(walk.after(values)))[: size + 1])
        more = len(rows) > size
        rows = rows[:size][::-1]
        if not rows:
            return Page([], None, None)
        return Page(
            rows,
            _encode(ordering, ordering.values_of(rows[-1])),
            _encode(ordering, ordering.values_of(rows[0]), back=True) if more else None,
        )
    rows = list(ordering.apply(queryset.filter(ordering.after(values)))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    start = (
        ordering.values_of(rows[0])
        if rows
        else [key.encode(value) for key, value in zip(ordering.keys, values, strict=True)]
    )
    # Going back from here starts before the first row shown (or the cursor's row).
    previous = _encode(ordering, start, back=True)
    return Page(rows, _encode(ordering, ordering.values_of(rows[-1])) if more else None, previous)


# --- the API's side: parameters, links, the response and its schema ---------------------------

NEWEST_ID_FIRST = Ordering("id", (Key("id", descending=True),))


def newest_first(moment: str) -> Ordering:
    """Newest first by a timestamp field, ties broken by the id."""
    return Ordering(
        "newest", (Key(moment, descending=True, type="datetime"), Key("id", descending=True))
    )


def page_parameters(query) -> tuple[str | None, int]:
    """`cursor` and `page_size` from the query string, checked (a 400 otherwise)."""
    cursor = query.get("cursor")
    size = query.get("page_size")
    if cursor is not None and not 0 < len(cursor) <= 500:
        raise ValidationError({"cursor": [_("Ungültiger Cursor.")]})
    if size is None:
        return cursor, DEFAULT_PAGE_SIZE
    if not (size.isascii() and size.isdigit() and 1 <= int(size[:4]) <= MAX_PAGE_SIZE):
        raise ValidationError(
            {
                "page_size": [
                    _("Bitte eine Zahl von %(low)d bis %(high)d.") % {"low": 1, "high": 100}
                ]
            }
        )
    return cursor, int(size)


def page_url(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def page_response(request, page: Page, results) -> Response:
    return Response(
        {
            "next": page_url(request, page.next_cursor),
            "previous": page_url(request, page.previous_cursor),
            "results": results,
        }
    )


def paginated_schema(results_schema: dict) -> dict:
    link = {"type": "string", "format": "uri", "nullable": True}
    return {
        "type": "object",
        "required": ["next", "previous", "results"],
        "properties": {
            "next": {**link, "description": "die nächste Seite, null auf der letzten"},
            "previous": {**link, "description": "die Seite davor, null auf der ersten"},
            "results": results_schema,
        },
    }


PAGE_PARAMETER_SCHEMAS = [
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "description": "aus `next` oder `previous` der vorigen Antwort",
        "schema": {"type": "string", "minLength": 1, "maxLength": 500},
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "description": "Einträge je Seite, 1–100 (Standard 20)",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    },
]


class KeysetPagination(BasePagination):
    """The API's lists as DRF pages: the view names its `page_ordering` (newest id first if
    it does not); its last key must be unique."""

    def paginate_queryset(self, queryset, request, view=None):
        cursor, size = page_parameters(request.query_params)
        ordering = getattr(view, "page_ordering", NEWEST_ID_FIRST)
        self.request = request
        self.page = paginate(queryset, ordering, cursor=cursor, size=size)
        return self.page.rows

    def get_paginated_response(self, data):
        return page_response(self.request, self.page, data)

    def get_paginated_response_schema(self, schema):
        return paginated_schema(schema)

    def get_schema_operation_parameters(self, view):
        return [dict(parameter) for parameter in PAGE_PARAMETER_SCHEMAS]

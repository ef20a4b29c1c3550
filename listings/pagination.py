"""Keyset ("cursor") pagination: stable under inserts and without COUNT(*).

A page is the first `page_size` rows after the position of the previous page's last row, in an
ordering whose last key is unique (the id). One query fetches page_size + 1 rows; the extra row
only says whether there is a next page. The cursor is opaque to clients: base64 of the ordering's
name and the last row's key values.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import InvalidInput


@dataclass(frozen=True)
class Key:
    name: str
    descending: bool = False
    nullable: bool = False  # NULLs sort last in either direction
    type: str = "int"  # int, float, date or datetime

    def order_by(self):
        expression = F(self.name)
        if self.descending:
            return expression.desc(nulls_last=True) if self.nullable else expression.desc()
        return expression.asc(nulls_last=True) if self.nullable else expression.asc()

    def encode(self, value):
        if value is None or self.type in ("int", "float"):
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

    def after(self, values: list) -> Q:
        """Rows strictly after the row with these key values, in this ordering."""
        condition = Q(pk__in=[])  # nothing
        equal = Q()
        for key, value in zip(self.keys, values, strict=True):
            if value is None:
                later = Q(pk__in=[])  # NULLs come last: nothing after a NULL in this key
                same = Q(**{f"{key.name}__isnull": True})
            else:
                later = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
                if key.nullable:
                    later |= Q(**{f"{key.name}__isnull": True})
                same = Q(**{f"{key.name}": value})
            condition |= equal & later
            equal &= same
        first, value = self.keys[0], values[0]
        if value is not None and not first.nullable:
            # Redundant, but lets the database start the index scan at the position.
            condition &= Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": value})
        return condition


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def _encode(ordering: Ordering, values: list) -> str:
    raw = json.dumps([ordering.name, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(ordering: Ordering, cursor: str) -> list:
    invalid = InvalidInput(_("Ungültiger Cursor."), field="cursor")
    if len(cursor) > 500:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, values = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise invalid from None
    if name != ordering.name:
        raise InvalidInput(_("Der Cursor gehört zu einer anderen Sortierung."), field="cursor")
    if not isinstance(values, list) or len(values) != len(ordering.keys):
        raise invalid
    try:
        return [key.decode(value) for key, value in zip(ordering.keys, values, strict=True)]
    except (ValueError, TypeError):
        raise invalid from None


def paginate(queryset: QuerySet, ordering: Ordering, *, cursor: str | None, size: int) -> Page:
    """One page of `queryset` (model instances or .values() dicts) in `ordering`."""
    if cursor:
        queryset = queryset.filter(ordering.after(_decode(ordering, cursor)))
    rows = list(ordering.apply(queryset)[: size + 1])
    if len(rows) <= size:
        return Page(rows, None)
    rows = rows[:size]
    last = rows[-1]
    if isinstance(last, dict):
        values = [last[key.name] for key in ordering.keys]
    else:
        values = [getattr(last, key.name) for key in ordering.keys]
    encoded = [key.encode(value) for key, value in zip(ordering.keys, values, strict=True)]
    return Page(rows, _encode(ordering, encoded))

"""Anonymisation that reaches every copy of a person's data: one function, `anonymise()`, and
a registry of the places that hold copies.

Each app registers, in its AppConfig.ready(), one eraser per kind of copy it keeps (bookings:
the referral's fields, its thread and events; notifications: the outbox's stored context, the
in-app list, attachments and the e-mail files of the embedded run; marketplace: stored API
responses). A new app that stores texts people write registers its eraser the same way, and
the whole-database test (tests/bookings/test_anonymisation.py) fails until it does.

A `Subject` names whose data goes: the texts that name or reach the person (name, phone,
e-mail) and the references of the records that hold them ("booking:12"; by convention an
outbox event key begins with the reference and a colon). An eraser replaces every stored text
that mentions the person (within a referenced record, also a text naming only part of the
name) with ANONYMISED, and returns how many rows or files it changed.

This module is the ground floor: it knows no app; the apps know it.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

ANONYMISED = "—"
# Parts of a name shorter than this are not looked for alone (initials, "von", "de").
NAME_PART = 3
# A text with at least this many digits is a number (phone): looked for by its digits only.
NUMBER_DIGITS = 6
NUMBER_RUN = re.compile(r"\d[\d \t/().+-]*\d")


@dataclass(frozen=True)
class Subject:
    texts: tuple[str, ...]
    references: tuple[str, ...] = ()

    def __post_init__(self):
        texts = tuple(text.strip() for text in self.texts if text and text.strip() != ANONYMISED)
        object.__setattr__(self, "texts", tuple(text for text in texts if text))

    @property
    def numbers(self) -> tuple[str, ...]:
        digits = (re.sub(r"\D", "", text) for text in self.texts)
        return tuple(number for number in digits if len(number) >= NUMBER_DIGITS)

    @property
    def name_parts(self) -> tuple[str, ...]:
        return tuple(
            part.casefold()
            for text in self.texts
            if "@" not in text
            for part in re.findall(r"[^\W\d_]+", text)
            if len(part) >= NAME_PART
        )

    def mentioned_in(self, value: str, *, loosely: bool = False) -> bool:
        """Whether `value` names or reaches the person: one of the texts (any case), a number's
        digits however written, and with `loosely` any part of the name as a word."""
        folded = value.casefold()
        if any(text.casefold() in folded for text in self.texts):
            return True
        if self.numbers:
            # Each run of digits as people write numbers ("0170 123 45-67", "+49 170/…").
            runs = (re.sub(r"\D", "", run) for run in NUMBER_RUN.findall(value))
            if any(number in run for run in runs for number in self.numbers):
                return True
        if loosely:
            words = set(re.findall(r"[^\W\d_]+", folded))
            return any(part in words for part in self.name_parts)
        return False

    def erase(self, value, *, loosely: bool = False):
        """`value` (a text or JSON data) with every text that mentions the person replaced."""
        if isinstance(value, str):
            return ANONYMISED if self.mentioned_in(value, loosely=loosely) else value
        if isinstance(value, dict):
            return {key: self.erase(item, loosely=loosely) for key, item in value.items()}
        if isinstance(value, list):
            return [self.erase(item, loosely=loosely) for item in value]
        return value

    def text_filter(self, field: str) -> Q:
        """Rows whose text or JSON column `field` may mention one of the texts (the caller
        checks each candidate row with mentioned_in()). Only whole texts are looked for, so
        the query stays one LIKE per text; JSON is matched as stored, escaped or not."""
        query = Q(pk__in=[])
        for text in self.texts:
            for form in {text, json.dumps(text)[1:-1]}:
                query |= Q(**{f"{field}__icontains": form})
        return query

    def json_filter(self, field: str) -> tuple[dict, Q]:
        """text_filter() for a JSON column: (annotation, filter) of the column as text."""
        alias = f"{field}_as_text"
        return {alias: Cast(field, TextField())}, self.text_filter(alias)


Eraser = Callable[[Subject], int]
_erasers: dict[str, Eraser] = {}


def register_eraser(name: str, eraser: Eraser) -> None:
    """Call from AppConfig.ready(): `eraser(subject)` removes the person's data from one kind
    of copy, inside the caller's transaction, and returns how many rows or files it changed."""
    _erasers[name] = eraser


def registered_erasers() -> list[str]:
    return list(_erasers)


def anonymise(*, texts: Iterable[str], references: Iterable[str] = ()) -> dict[str, int]:
    """Remove the person named by `texts` from every registered copy, in one transaction (the
    caller's, if any); returns what each eraser changed, by its name."""
    subject = Subject(tuple(texts), tuple(references))
    if not subject.texts and not subject.references:
        return {}
    with transaction.atomic():
        return {name: eraser(subject) for name, eraser in _erasers.items()}

"""One search across every kind of offer.

Full text, on PostgreSQL: each word of the query matches when the German-stemmed word is in the
offer's text (title, a volunteer action's skills, description; `search_vector`, GIN-indexed), or
when its stem is part of a word of the title or skills (`search_text`, trigram-indexed), so
"Tische" finds "Tisch" and "Garnitur" or "Tisch" find "Biertischgarnitur". On SQLite the same
stems are looked for as substrings of title, skills and description: simpler, but it finds the
same offers in the common cases. Relevance is PostgreSQL's ts_rank (on SQLite: how many words
matched in the title or skills).

The default order is newest first, also with a query: the database can then walk an index and
stop after one page. Relevance is on request (ordering=relevance); it must rank every match
before the first page, which costs time in proportion to how many offers match.

Capacity filters count what is free on the offer's side (listings.capacity), so the search
agrees with what a booking could take: volunteer slots with free places in a date range,
equipment with enough units free over a whole loan period (buffer days and unavailable dates
included).
"""

import datetime as dt
import re
import threading
from dataclasses import dataclass

import snowballstemmer
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import InvalidInput
from marketplace.models import OrganisationStatus
from marketplace.pagination import Key, Ordering

from .models import (
    EquipmentAllocation,
    Listing,
    ListingKind,
    ListingStatus,
    VolunteerSlot,
    normalise_for_search,
)
from .search_sources import search_source
from .stopwords import GERMAN_STOPWORDS

MAX_TERMS = 8
# Shorter stems are only matched as whole words: "bus" as a part would find too much.
MIN_PART_LENGTH = 4
WORD = re.compile(r"\w+")

ORDERINGS = {
    "newest": Ordering(
        "newest",
        (Key("published_at", descending=True, type="datetime"), Key("id", descending=True)),
    ),
    "soonest": Ordering(
        "soonest",
        (
            Key("next_date", nullable=True, type="date"),
            Key("published_at", descending=True, type="datetime"),
            Key("id", descending=True),
        ),
    ),
    "relevance": Ordering(
        "relevance",
        (
            Key("rank", descending=True, type="float"),
            Key("published_at", descending=True, type="datetime"),
            Key("id", descending=True),
        ),
    ),
}

SUMMARY_FIELDS = (
    "id",
    "kind",
    "title",
    "excerpt",
    "organisation_id",
    "organisation__name",
    "organisation__slug",
    "category__slug",
    "category__name_de",
    "category__name_en",
    "next_date",
    "visible_until",
    "thumbnail",
    "published_at",
)


@dataclass(frozen=True)
class SearchFilters:
    """A checked search request (the API's serializer builds it)."""

    q: str = ""
    kind: str = ""
    category_id: int | None = None
    organisation: int | None = None
    employment_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    available_from: dt.date | None = None
    available_until: dt.date | None = None
    quantity: int = 1
    ordering: str = ""
    # Anonymous visitors and people outside the network: leave out members-only offers.
    public_only: bool = False


_local = threading.local()


def _stemmer():
    # A Snowball stemmer keeps the word it works on in itself: one per thread (gthread workers).
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("german")
    return stemmer


@dataclass(frozen=True)
class Term:
    word: str
    stem: str  # normalised like Listing.search_text

    @property
    def part(self) -> str | None:
        """What to look for inside words (compounds): the stem, or the whole word when the
        stem is too short to be specific; None when both are."""
        for candidate in (self.stem, normalise_for_search(self.word)):
            if len(candidate) >= MIN_PART_LENGTH:
                return candidate
        return None


def terms_of(q: str) -> list[Term]:
    """The query's words without stop words, each with its German stem."""
    words = [word for word in WORD.findall(q.lower()) if word not in GERMAN_STOPWORDS]
    if len(words) > MAX_TERMS:
        raise InvalidInput(
            ngettext(
                "Bitte höchstens %(n)d Suchwort angeben.",
                "Bitte höchstens %(n)d Suchwörter angeben.",
                MAX_TERMS,
            )
            % {"n": MAX_TERMS},
            field="q",
        )
    stemmer = _stemmer()
    return [Term(word, normalise_for_search(stemmer.stemWord(word))) for word in words]


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class DatePlusDays(Func):
    """date + n days, for a per-row number of days (PostgreSQL and SQLite spell it apart)."""

    arity = 2

    def __init__(self, date, days, **extra):
        super().__init__(date, days, output_field=Listing._meta.get_field("next_date"), **extra)

    def as_sql(self, compiler, connection, **extra):
        (date_sql, date_params), (days_sql, days_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        params = (*date_params, *days_params)
        if connection.vendor == "sqlite":
            return f"date({date_sql}, '+' || {days_sql} || ' days')", params
        return f"(CAST({date_sql} AS date) + {days_sql})", params


def _full_text(queryset: QuerySet, terms: list[Term]) -> QuerySet:
    return full_text_filter(queryset, terms, table="listings_listing")


def _volunteer_dates(queryset: QuerySet, filters: SearchFilters) -> QuerySet:
    now = timezone.now()
    start = _local_midnight(filters.date_from) if filters.date_from else now
    slots = VolunteerSlot.objects.filter(
        action_id=OuterRef("pk"),
        end__gt=now,
        start__gte=start,
        volunteers_held__lt=F("volunteers_available"),
    )
    if filters.date_to:
        slots = slots.filter(start__lt=_local_midnight(filters.date_to + dt.timedelta(days=1)))
    return queryset.filter(kind=ListingKind.VOLUNTEER_ACTION).filter(Exists(slots))


def _equipment_free(queryset: QuerySet, filters: SearchFilters) -> QuerySet:
    # The same count as capacity.equipment_free_units: units with no allocation from the pickup
    # day through the return day (`available_until`, inclusive) and the item's buffer days.
    day_after_return = filters.available_until + dt.timedelta(days=1)
    busy = (
        EquipmentAllocation.objects.filter(
            item_id=OuterRef("pk"),
            end__gt=filters.available_from,
            start__lt=DatePlusDays(Value(day_after_return), OuterRef("equipment__buffer_days")),
        )
        .order_by()
        .values("item_id")
        .annotate(units=Count("unit_number", distinct=True))
        .values("units")
    )
    return queryset.filter(kind=ListingKind.EQUIPMENT).filter(
        equipment__quantity__gte=Coalesce(Subquery(busy), 0, output_field=IntegerField())
        + filters.quantity
    )


def search(filters: SearchFilters) -> tuple[QuerySet, Ordering]:
    """Published offers of approved organisations matching `filters`, as summary dicts, and
    the ordering to paginate them in. A kind registered by another app (search_sources.py)
    is searched by that app, with the same words and filters."""
    source = search_source(filters.kind)
    if source is not None:
        return _from_source(source, filters)
    today = timezone.localdate()
    queryset = Listing.objects.filter(
        Q(visible_until__isnull=True) | Q(visible_until__gte=today),
        status=ListingStatus.PUBLISHED,
        organisation__status=OrganisationStatus.APPROVED,
    )
    if filters.public_only:
        queryset = queryset.filter(members_only=False)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.category_id is not None:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.organisation is not None:
        queryset = queryset.filter(organisation_id=filters.organisation)
    if filters.employment_type:
        queryset = queryset.filter(
            kind=ListingKind.JOB, joboffer__employment_type=filters.employment_type
        )
    if filters.date_from or filters.date_to:
        queryset = _volunteer_dates(queryset, filters)
    if filters.available_from:
        queryset = _equipment_free(queryset, filters)

    ordering_name = filters.ordering
    fields = list(SUMMARY_FIELDS)
    if filters.q:
        terms = terms_of(filters.q)
        if not terms:
            raise InvalidInput(
                _("Bitte mindestens ein aussagekräftiges Suchwort angeben."), field="q"
            )
        queryset = _full_text(queryset, terms)
        fields.append("rank")
    elif ordering_name == "relevance":
        raise InvalidInput(
            _("Die Sortierung nach Relevanz braucht einen Suchbegriff (q)."), field="ordering"
        )
    queryset = queryset.annotate(excerpt=Substr("description", 1, 240)).values(*fields)
    return queryset, ORDERINGS[ordering_name or "newest"]


def _from_source(source, filters: SearchFilters) -> tuple[QuerySet, Ordering]:
    terms = []
    if filters.q:
        terms = terms_of(filters.q)
        if not terms:
            raise InvalidInput(
                _("Bitte mindestens ein aussagekräftiges Suchwort angeben."), field="q"
            )
    elif filters.ordering == "relevance":
        raise InvalidInput(
            _("Die Sortierung nach Relevanz braucht einen Suchbegriff (q)."), field="ordering"
        )
    return source.search(filters, terms), ORDERINGS[filters.ordering or "newest"]


def full_text_filter(queryset: QuerySet, terms: list[Term], *, table: str) -> QuerySet:
    """The search's word match and rank on another app's table that has, as listings_listing,
    `search_vector` (PostgreSQL, German) and `search_text` (normalised) and `description`."""
    if connection.vendor == "postgresql":
        for term in terms:
            sql = f"{table}.search_vector @@ plainto_tsquery('german'::regconfig, %s)"
            params = [term.word]
            if term.part:
                sql = f"({sql} OR {table}.search_text LIKE %s)"
                params.append(f"%{term.part}%")
            # The table name is the caller's constant; the words travel only as parameters.
            queryset = queryset.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
        words = " ".join(term.word for term in terms)
        return queryset.annotate(
            rank=RawSQL(  # noqa: S611 (as above: a fixed table name, words as parameters)
                f"ts_rank({table}.search_vector, plainto_tsquery('german'::regconfig, %s))::float8",
                [words],
                output_field=FloatField(),
            )
        )
    parts = [term.part or normalise_for_search(term.word) for term in terms]
    for term, part in zip(terms, parts, strict=True):
        queryset = queryset.filter(
            Q(search_text__contains=part) | Q(description__icontains=term.word)
        )
    hits = [
        Case(When(search_text__contains=part, then=Value(1.0)), default=Value(0.0))
        for part in parts
    ]
    rank = hits[0]
    for hit in hits[1:]:
        rank = rank + hit
    return queryset.annotate(rank=Coalesce(rank, Value(0.0), output_field=FloatField()))

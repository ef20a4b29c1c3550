"""Kinds in the one search that listings does not have itself (needs: "Gesuch").

listings knows no app above it: such an app registers a SearchSource in its AppConfig.ready()
(as network registers its calendar feed with notifications.calendar_files). When a search asks
for that kind, listings.search.search() hands the checked filters to the source, which answers
rows of the same shape as an offer's summary (search.SUMMARY_FIELDS plus `rank` with a query),
so the same pagination, the same API answer and the same cards serve them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchSource:
    kind: str  # the value of the search's `kind` parameter
    label: Promise | str  # shown in the kind filter
    # (filters: listings.search.SearchFilters, terms: list[listings.search.Term]) -> QuerySet
    search: Callable[..., QuerySet]
    api_path: str  # where the API shows one row: f"{api_path}{id}/"
    web_path: str  # where the web app shows one row


_SOURCES: dict[str, SearchSource] = {}


def register_search_source(source: SearchSource) -> None:
    _SOURCES[source.kind] = source


def search_source(kind: str) -> SearchSource | None:
    return _SOURCES.get(kind)


def search_sources() -> list[SearchSource]:
    return list(_SOURCES.values())

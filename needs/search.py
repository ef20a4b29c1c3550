"""Needs in the one search (kind "need", shown as "Gesuch"): listings.search hands the checked
filters here (listings/search_sources.py). Open needs of approved organisations, with the same
German full text as offers (listings.search.full_text_filter on needs_need's own search_vector
and search_text), the category and organisation filters; rows in the shape of an offer's
summary, so the same pagination and cards serve them. One query a page."""

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from listings.search import SUMMARY_FIELDS, full_text_filter
from listings.search_sources import SearchSource
from marketplace.models import OrganisationStatus

from .models import Need, NeedStatus

KIND = "need"


def open_needs():
    """Published needs of approved organisations that are still open today."""
    return Need.objects.filter(
        status=NeedStatus.PUBLISHED,
        organisation__status=OrganisationStatus.APPROVED,
        open_until__gte=timezone.localdate(),
    )


def search_needs(filters, terms) -> QuerySet:
    queryset = open_needs()
    if filters.category_id is not None:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.organisation is not None:
        queryset = queryset.filter(organisation_id=filters.organisation)
    fields = list(SUMMARY_FIELDS)
    if terms:
        queryset = full_text_filter(queryset, terms, table="needs_need")
        fields.append("rank")
    return queryset.annotate(
        kind=Value(KIND, output_field=CharField()),
        excerpt=Substr("description", 1, 240),
        next_date=F("date_from"),
        visible_until=F("open_until"),
        thumbnail=Value("", output_field=CharField()),
    ).values(*fields)


NEED_SOURCE = SearchSource(
    kind=KIND,
    label=_("Gesuch"),
    search=search_needs,
    api_path="/api/v1/needs/",
    web_path="/gesuche/",
)

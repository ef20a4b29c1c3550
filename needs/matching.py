"""Which companies a need fits, and how well ("Passende Gesuche", the daily digest).

A company's profile is what it offers: the categories of its published offers, and the words of
those offers (title, skills, description) and of its organisation's description (where it says
what it helps with). Words are compared as German stems without stop words ("Tische" and
"Tisch" are one word; "und", "für" count for nothing), so a need for a "Beamer" fits a company
lending a "Beamer mit Leinwand".

score = CATEGORY_POINTS if one of the company's offers has the need's category
        + one point per word of the need (title and description) found in the profile
A need fits a company when the score is at least 1 (same category, or a shared word) and the
company is not the need's own organisation. Higher scores come first.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from listings.models import Listing, ListingStatus, normalise_for_search
from listings.stopwords import GERMAN_STOPWORDS
from marketplace.models import Organisation, OrganisationKind, OrganisationStatus

CATEGORY_POINTS = 2
MIN_WORD_LENGTH = 3
WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return normalise_for_search(snowballstemmer.stemmer("german").stemWord(word))


def words_of(text: str) -> set[str]:
    """The meaningful words of a text as normalised German stems."""
    return {
        _stem(word)
        for word in WORD.findall(text.lower())
        if len(word) >= MIN_WORD_LENGTH and word not in GERMAN_STOPWORDS and not word.isdigit()
    }


@dataclass
class Profile:
    organisation_id: int
    categories: set[int] = field(default_factory=set)
    words: set[str] = field(default_factory=set)


def company_profiles(organisation_ids: list[int] | None = None) -> dict[int, Profile]:
    """The profiles of approved companies with published offers (or of those named): two
    queries, whatever their number."""
    offers = Listing.objects.filter(
        status=ListingStatus.PUBLISHED,
        organisation__status=OrganisationStatus.APPROVED,
        organisation__kind=OrganisationKind.COMPANY,
    )
    if organisation_ids is not None:
        offers = offers.filter(organisation_id__in=organisation_ids)
    profiles: dict[int, Profile] = {}
    for org_id, category_id, title, keywords, description in offers.values_list(
        "organisation_id", "category_id", "title", "keywords", "description"
    ):
        profile = profiles.setdefault(org_id, Profile(org_id))
        profile.categories.add(category_id)
        profile.words |= words_of(f"{title} {keywords} {description}")
    descriptions = Organisation.objects.filter(
        pk__in=list(profiles) if organisation_ids is None else organisation_ids,
        kind=OrganisationKind.COMPANY,
        status=OrganisationStatus.APPROVED,
    ).values_list("id", "description")
    for org_id, description in descriptions:
        profiles.setdefault(org_id, Profile(org_id)).words |= words_of(description)
    return profiles


def need_words(need) -> set[str]:
    return words_of(f"{need.title} {need.description}")


def score(need, profile: Profile, words: set[str] | None = None) -> int:
    if profile.organisation_id == need.organisation_id:
        return 0
    words = need_words(need) if words is None else words
    points = CATEGORY_POINTS if need.category_id in profile.categories else 0
    return points + len(words & profile.words)


def fitting_companies(need, profiles: dict[int, Profile] | None = None) -> list[tuple[int, int]]:
    """(organisation id, score) of the companies the need fits, best first."""
    profiles = company_profiles() if profiles is None else profiles
    words = need_words(need)
    found = [(org_id, score(need, profile, words)) for org_id, profile in profiles.items()]
    return sorted(((o, s) for o, s in found if s >= 1), key=lambda pair: (-pair[1], pair[0]))


def rank_for(needs, profile: Profile) -> list:
    """The needs that fit the company, best first (then newest); each gets `.fit_score`."""
    fitting = []
    for need in needs:
        points = score(need, profile)
        if points >= 1:
            need.fit_score = points
            fitting.append(need)
    return sorted(fitting, key=lambda n: (-n.fit_score, -n.published_at.timestamp(), -n.pk))

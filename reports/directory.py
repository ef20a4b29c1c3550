"""The public member directory and an organisation's public profile.

Reads marketplace and listings through their selectors and writes nothing. What an anonymous
visitor sees is the public face: approved organisations, their published offers that are not
members-only. Contact people, e-mail and phone appear only to network members (signed in, in an
approved organisation, or the coordinator), and only where the organisation chose to show them.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _

from listings.models import ListingKind
from listings.search import SearchFilters, search
from listings.selectors import published_offer_counts
from marketplace.models import Organisation, OrganisationKind, User
from marketplace.selectors import (
    contact_people_of,
    directory_districts,
    directory_organisations,
    is_network_member,
)

PAGE_SIZE = 24
SHORT_DESCRIPTION = 280
PROFILE_OFFERS = 60


@dataclass
class DirectoryEntry:
    id: int
    name: str
    slug: str
    kind: str
    kind_label: str
    district: str
    description: str
    website: str
    logo_url: str
    purposes: str
    offers: dict[str, int] = field(default_factory=dict)

    @property
    def offer_counts(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) of published offers, in the kinds' order, zeros left out."""
        return [
            (kind, str(label), self.offers[kind])
            for kind, label in ListingKind.choices
            if self.offers.get(kind)
        ]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHORT_DESCRIPTION else text[: SHORT_DESCRIPTION - 1] + "…"


def _entry(organisation: Organisation, offers: dict[str, int]) -> DirectoryEntry:
    social = organisation.kind == OrganisationKind.SOCIAL
    return DirectoryEntry(
        id=organisation.pk,
        name=organisation.name,
        slug=organisation.slug,
        kind=organisation.kind,
        kind_label=str(organisation.get_kind_display()),
        district=organisation.district,
        description=_short(organisation.description),
        website=organisation.website,
        logo_url=organisation.logo.url if organisation.logo else "",
        purposes=(organisation.purposes or "") if social else "",
        offers=offers,
    )


@dataclass
class DirectoryPage:
    entries: list[DirectoryEntry]
    page: object  # django.core.paginator.Page
    districts: list[str]


def directory_page(
    *, user: User, q: str = "", kind: str = "", district: str = "", page: int | str = 1
) -> DirectoryPage:
    """One page of the directory; four queries whatever its size (count, page, offer counts,
    districts)."""
    organisations = directory_organisations(q=q, kind=kind, district=district)
    current = Paginator(organisations, PAGE_SIZE).get_page(page)
    entries = directory_entries(list(current.object_list), user=user)
    return DirectoryPage(entries=entries, page=current, districts=directory_districts())


def directory_entries(organisations: list[Organisation], *, user: User) -> list[DirectoryEntry]:
    """The directory's entries for rows of directory_organisations(), with their offer counts
    as `user` may see them (one query)."""
    counts = published_offer_counts(
        [row.pk for row in organisations], public_only=not is_network_member(user)
    )
    return [_entry(row, counts.get(row.pk, {})) for row in organisations]


@dataclass
class Profile:
    entry: DirectoryEntry
    offers: list[dict]  # rows of listings.search
    show_contacts: bool
    contact_email: str
    phone: str
    contact_people: list


def public_profile(*, user: User, pk: int) -> Profile:
    """An approved organisation's public profile; Http404 for any other."""
    organisation = directory_organisations().filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("Organisation nicht gefunden."))
    # The same search as the start page, limited to this organisation.
    member = is_network_member(user)
    rows, _ordering = search(SearchFilters(organisation=organisation.pk, public_only=not member))
    offers = list(rows.order_by("-published_at", "-id")[:PROFILE_OFFERS])
    counts: dict[str, int] = {}
    for offer in offers:
        counts[offer["kind"]] = counts.get(offer["kind"], 0) + 1
    # Contact data is read only for those who may see it.
    show_contacts = member and (Organisation.objects.filter(pk=pk, show_contacts=True).exists())
    contact = (
        Organisation.objects.values("contact_email", "phone").get(pk=pk) if show_contacts else {}
    )
    entry = _entry(organisation, counts)
    entry.description = organisation.description  # the profile shows it whole
    return Profile(
        entry=entry,
        offers=offers,
        show_contacts=show_contacts,
        contact_email=contact.get("contact_email", ""),
        phone=contact.get("phone", ""),
        contact_people=contact_people_of(organisation) if show_contacts else [],
    )

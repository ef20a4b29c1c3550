"""Reads about offers that the API, pages and other apps share."""

from django.db.models import Count, Prefetch, Q, QuerySet

from marketplace.models import Membership, OrganisationStatus, User
from marketplace.selectors import network_member_condition

from .models import (
    AllocationKind,
    Equipment,
    EquipmentAllocation,
    JobOffer,
    Listing,
    ListingStatus,
    VolunteerAction,
)


def visible_listings(user: User, model: type[Listing] = Listing) -> QuerySet:
    """Offers the person may see: published offers of approved organisations (members-only ones
    to network members only; anonymous visitors see the public ones), every offer of the
    person's own organisations, and for the coordinator everything.

    One query: the memberships are a subquery, not a separate read.
    """
    queryset = model.objects.all()
    public = Q(status=ListingStatus.PUBLISHED, organisation__status=OrganisationStatus.APPROVED)
    if not user.is_authenticated:
        return queryset.filter(public, members_only=False)
    if user.is_coordinator:
        return queryset
    own = Membership.objects.filter(user=user).values("organisation_id")
    member = network_member_condition(user)
    return queryset.filter(
        (public & (Q(members_only=False) | Q(member))) | Q(organisation_id__in=own)
    )


def volunteer_actions_for_display(user: User) -> QuerySet[VolunteerAction]:
    return (
        visible_listings(user, VolunteerAction)
        .select_related("organisation", "category")
        .prefetch_related("slots")
    )


def equipment_for_display(user: User) -> QuerySet[Equipment]:
    blocked = EquipmentAllocation.objects.filter(
        kind=AllocationKind.BLOCKED, unit_number=1
    ).order_by("start")
    return (
        visible_listings(user, Equipment)
        .select_related("organisation", "category")
        .prefetch_related("photos", Prefetch("allocations", queryset=blocked, to_attr="blocked"))
    )


def job_offers_for_display(user: User) -> QuerySet[JobOffer]:
    return visible_listings(user, JobOffer).select_related("organisation", "category")


def published_offer_counts(organisation_ids, *, public_only: bool) -> dict[int, dict[str, int]]:
    """Published offers per organisation and kind ({org id: {kind: n}}), in one query; with
    `public_only` the members-only offers are not counted (public directory)."""
    queryset = Listing.objects.filter(
        organisation_id__in=organisation_ids, status=ListingStatus.PUBLISHED
    )
    if public_only:
        queryset = queryset.filter(members_only=False)
    counts: dict[int, dict[str, int]] = {}
    for row in queryset.values("organisation_id", "kind").annotate(n=Count("id")).order_by():
        counts.setdefault(row["organisation_id"], {})[row["kind"]] = row["n"]
    return counts

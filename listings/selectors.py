"""Reads about offers that the API, pages and other apps share."""

from django.db.models import Prefetch, Q, QuerySet

from marketplace.models import Membership, OrganisationStatus, User

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
    """Offers the person may see: published offers of approved organisations, every offer of
    the person's own organisations, and for the coordinator everything.

    One query: the memberships are a subquery, not a separate read.
    """
    queryset = model.objects.all()
    if user.is_coordinator:
        return queryset
    own = Membership.objects.filter(user=user).values("organisation_id")
    return queryset.filter(
        Q(status=ListingStatus.PUBLISHED, organisation__status=OrganisationStatus.APPROVED)
        | Q(organisation_id__in=own)
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

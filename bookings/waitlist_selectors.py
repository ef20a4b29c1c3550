"""Reads of the waiting lists, for the API and the pages alike."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from marketplace.models import Membership, User

from .models import WaitlistEntry, WaitlistState


def _ahead() -> Subquery:
    """How many entries of the same line (the slot, or the item for the same days) wait
    before this one: the place in line is that plus one (waiting entries only)."""
    before = (
        WaitlistEntry.objects.filter(
            state=WaitlistState.WAITING,
            listing_id=OuterRef("listing_id"),
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id"))
        )
        .filter(Q(slot_id=OuterRef("slot_id")) | Q(slot__isnull=True, kind="equipment"))
        .order_by()
        .values("listing_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(before, output_field=IntegerField()), 0)


def waitlist_entries_of(user: User) -> QuerySet[WaitlistEntry]:
    """The waiting-list entries of the organisations the person belongs to, with what a list
    shows (offer, organisation, slot, booking) and each waiting entry's place in line."""
    return (
        WaitlistEntry.objects.filter(
            organisation_id__in=Membership.objects.filter(user=user).values("organisation_id")
        )
        .select_related("listing", "organisation", "slot", "booking")
        .annotate(ahead=_ahead())
    )


def waiting_counts(listing_ids: list[int]) -> dict[int, int]:
    """How many entries wait on each of the offers (by listing id), in one query: what the
    company sees on its offers."""
    rows = (
        WaitlistEntry.objects.filter(listing_id__in=listing_ids, state=WaitlistState.WAITING)
        .values("listing_id")
        .annotate(n=Count("id"))
        .values_list("listing_id", "n")
    )
    return dict(rows)


def waiting_by_slot(listing_id: int) -> dict[int, int]:
    """How many entries wait on each slot of a volunteer action (by slot id)."""
    rows = (
        WaitlistEntry.objects.filter(listing_id=listing_id, state=WaitlistState.WAITING)
        .exclude(slot__isnull=True)
        .values("slot_id")
        .annotate(n=Count("id"))
        .values_list("slot_id", "n")
    )
    return dict(rows)

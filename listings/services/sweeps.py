"""The periodic sweeps: job offers past their deadline close, volunteer actions' next dates move."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import capacity
from ..models import (
    ClosedReason,
    JobOffer,
    Listing,
    ListingStatus,
    VolunteerAction,
)
from .common import listing_refresh_derived

# --- Periodic sweeps --------------------------------------------------------------------------


def job_offers_close_expired(*, today: dt.date | None = None) -> int:
    """Close published and paused job offers whose application deadline has passed.

    Each job is closed in its own short transaction under its row lock, so a sweep never
    blocks bookings for long. Returns how many were closed.
    """
    today = today or timezone.localdate()
    ids = list(
        JobOffer.objects.filter(
            status__in=(ListingStatus.PUBLISHED, ListingStatus.PAUSED),
            application_deadline__lt=today,
        ).values_list("pk", flat=True)
    )
    closed = 0
    for job_id in ids:
        with transaction.atomic():
            job = capacity._lock(
                JobOffer.objects.filter(pk=job_id).select_for_update(of=("self", "listing_ptr")),
                not_found="",
            )
            if job.status == ListingStatus.CLOSED or job.application_deadline >= today:
                continue
            fields = job.change_status(
                ListingStatus.CLOSED,
                reason=_("Bewerbungsfrist abgelaufen."),
                closed_reason=ClosedReason.DEADLINE,
            )
            job.save(update_fields=fields)
            closed += 1
    return closed


def volunteer_actions_refresh_next_dates() -> int:
    """Move each action's next date past slots that have ended ("soonest" sorts by it)."""
    today = timezone.localdate()
    refreshed = 0
    for action in VolunteerAction.objects.filter(next_date__lt=today).iterator():
        changed = listing_refresh_derived(action)
        if changed:
            Listing.objects.filter(pk=action.pk).update(
                **{name: getattr(action, name) for name in changed}
            )
            refreshed += 1
    return refreshed

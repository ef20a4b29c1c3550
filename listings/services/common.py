"""What every offers service module shares: the editable fields and limits, who may, the derived
fields, the offer's row lock and the deletion of files after commit."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import NotAllowed
from marketplace.models import Organisation, OrganisationKind, User
from marketplace.selectors import is_member

from .. import capacity
from ..models import (
    JobOffer,
    Listing,
    VolunteerAction,
)

COMMON_FIELDS = ("title", "description", "category", "members_only")
VOLUNTEER_ACTION_FIELDS = (
    *COMMON_FIELDS,
    "location_kind",
    "meeting_street",
    "meeting_postcode",
    "meeting_city",
    "skills",
    "languages",
    "min_volunteers_per_booking",
    "max_volunteers_per_booking",
    "waitlist_confirms",
    "notes",
    "contact_name",
    "contact_phone",
)
EQUIPMENT_FIELDS = (
    *COMMON_FIELDS,
    "quantity",
    "condition",
    "pickup_street",
    "pickup_postcode",
    "pickup_city",
    "handover_weekdays",
    "handover_opens_at",
    "handover_closes_at",
    "handover_note",
    "contact_name",
    "contact_phone",
    "max_loan_days",
    "deposit",
    "buffer_days",
    "waitlist_confirms",
)
JOB_OFFER_FIELDS = (
    *COMMON_FIELDS,
    "employment_type",
    "hours_per_week",
    "start_date",
    "place",
    "positions",
    "application_deadline",
    "requirements",
    "contact_name",
    "contact_email",
    "contact_phone",
)
MAX_SLOTS = 100
MAX_SLOT_LENGTH = dt.timedelta(days=14)
MAX_UNAVAILABLE_PERIODS = 100
MAX_PHOTOS = 10


@dataclass(frozen=True)
class SlotSpec:
    """A slot as the company wants it; `id` names an existing slot of the same action."""

    start: dt.datetime
    end: dt.datetime
    volunteers_available: int
    id: int | None = None


@dataclass(frozen=True)
class UnavailablePeriod:
    """Days on which an item cannot be lent, both ends included."""

    first_day: dt.date
    last_day: dt.date


# --- Who may ----------------------------------------------------------------------------------


def _require_member(user: User, organisation: Organisation) -> None:
    if not is_member(user, organisation):
        raise NotAllowed(_("Nur Mitglieder der anbietenden Organisation dürfen das."))


def _require_approved_company(organisation: Organisation) -> None:
    if organisation.kind != OrganisationKind.COMPANY:
        raise NotAllowed(_("Nur Unternehmen können Angebote einstellen."))
    if not organisation.is_approved:
        raise NotAllowed(
            _("Ihre Organisation ist noch nicht freigegeben und kann noch nichts anbieten.")
        )


def _require_can_post(user: User, organisation: Organisation) -> None:
    _require_member(user, organisation)
    _require_approved_company(organisation)


def _require_manager_or_coordinator(user: User, listing: Listing) -> None:
    if not user.is_coordinator:
        _require_member(user, listing.organisation)


# --- Derived fields ---------------------------------------------------------------------------


def listing_refresh_derived(listing: Listing) -> list[str]:
    """Recompute the fields the search sorts and filters by; returns the changed field names.

    Precondition: the kind-specific row and its slots are saved. Does not save.
    """
    changed = []

    def put(name, value):
        if getattr(listing, name) != value:
            setattr(listing, name, value)
            changed.append(name)

    if isinstance(listing, VolunteerAction):
        first = listing.slots.filter(end__gte=timezone.now()).aggregate(first=Min("start"))
        put("next_date", timezone.localdate(first["first"]) if first["first"] else None)
        put("keywords", " ".join(listing.skills))
    elif isinstance(listing, JobOffer):
        put("next_date", listing.start_date)
        put("visible_until", listing.application_deadline)
    return changed


def _save_derived(listing: Listing) -> None:
    changed = listing_refresh_derived(listing)
    if changed:
        listing.save(update_fields=[*changed, "updated_at"])


def _lock_listing(model, listing: Listing):
    """The offer re-read under its row lock (its own and its listing row): edits and status
    changes of one offer are serialised."""
    if model is Listing:
        model = type(listing.specific())
    return capacity._lock(
        model.objects.filter(pk=listing.pk)
        .select_related("organisation")
        .select_for_update(of=("self", "listing_ptr")),
        not_found=_("Dieses Angebot gibt es nicht mehr."),
    )


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)

"""An offer's status life by hand (publish, pause, close; LISTING_TRANSITIONS beside the model)
and deleting an offer."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, InvalidInput
from marketplace.models import User

from ..models import (
    AllocationKind,
    ClosedReason,
    Equipment,
    JobOffer,
    Listing,
    ListingStatus,
    VolunteerAction,
)
from .common import (
    _delete_files,
    _lock_listing,
    _require_can_post,
    _require_manager_or_coordinator,
    _require_member,
)

# --- Status -----------------------------------------------------------------------------------


def _check_ready_to_publish(listing: Listing) -> None:
    if isinstance(listing, VolunteerAction):
        if not listing.slots.filter(end__gt=timezone.now()).exists():
            raise InvalidInput(
                _("Bitte zuerst mindestens einen Termin in der Zukunft eintragen."),
                field="slots",
            )
    elif isinstance(listing, JobOffer):
        if listing.application_deadline < timezone.localdate():
            raise InvalidInput(
                _("Die Bewerbungsfrist ist abgelaufen; bitte zuerst eine neue eintragen."),
                field="application_deadline",
            )
        if listing.positions_filled >= listing.positions:
            raise Conflict(_("Alle Stellen sind besetzt."))


@transaction.atomic
def listing_publish(*, listing: Listing, by: User) -> Listing:
    """Publish a draft, paused or closed offer: from now on every signed-in person finds it.

    Raises NotAllowed (not a member, company not approved), Conflict (already published, all
    positions filled), InvalidInput (a volunteer action without future slots, a job whose
    deadline passed).
    """
    listing = _lock_listing(type(listing), listing)
    _require_can_post(by, listing.organisation)
    if not listing.can_change_status_to(ListingStatus.PUBLISHED):
        raise Conflict(_("Das Angebot ist schon veröffentlicht."))
    _check_ready_to_publish(listing)
    listing.save(update_fields=listing.change_status(ListingStatus.PUBLISHED, by=by))
    return listing


@transaction.atomic
def listing_pause(*, listing: Listing, by: User, reason: str = "") -> Listing:
    """Take a published offer out of the search for a while; promises made stay.

    The coordinator may pause any offer (moderation).
    Raises NotAllowed, Conflict (not published).
    """
    listing = _lock_listing(type(listing), listing)
    _require_manager_or_coordinator(by, listing)
    if not listing.can_change_status_to(ListingStatus.PAUSED):
        raise Conflict(_("Nur veröffentlichte Angebote können pausiert werden."))
    listing.save(update_fields=listing.change_status(ListingStatus.PAUSED, by=by, reason=reason))
    return listing


@transaction.atomic
def listing_close(*, listing: Listing, by: User, reason: str = "") -> Listing:
    """Close an offer; promises made stay. It can be published again later.

    The coordinator may close any offer (moderation).
    Raises NotAllowed, Conflict (already closed).
    """
    listing = _lock_listing(type(listing), listing)
    _require_manager_or_coordinator(by, listing)
    if not listing.can_change_status_to(ListingStatus.CLOSED):
        raise Conflict(_("Das Angebot ist schon geschlossen."))
    fields = listing.change_status(
        ListingStatus.CLOSED, by=by, reason=reason, closed_reason=ClosedReason.MANUAL
    )
    listing.save(update_fields=fields)
    return listing


def _capacity_in_use(listing: Listing) -> bool:
    if isinstance(listing, VolunteerAction):
        return listing.slots.filter(volunteers_held__gt=0).exists()
    if isinstance(listing, Equipment):
        return listing.allocations.filter(
            kind=AllocationKind.LOAN, end__gt=timezone.localdate()
        ).exists()
    return listing.positions_filled > 0


@transaction.atomic
def listing_delete(*, listing: Listing, by: User) -> None:
    """Delete an offer and its photos. Offers with promised places, current or future loans,
    filled positions or bookings cannot be deleted: close them instead.

    Raises NotAllowed (not a member), Conflict.
    """
    listing = _lock_listing(type(listing), listing)
    _require_member(by, listing.organisation)
    refusal = _("Zu diesem Angebot gibt es Buchungen. Bitte schließen statt löschen.")
    if _capacity_in_use(listing):
        raise Conflict(refusal)
    files = []
    if isinstance(listing, Equipment):
        for photo in listing.photos.all():
            files += [photo.image.name, photo.thumbnail.name]
    try:
        with transaction.atomic():
            listing.delete()
    except ProtectedError:
        raise Conflict(refusal) from None
    transaction.on_commit(lambda: _delete_files(files))

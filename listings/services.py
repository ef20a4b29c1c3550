"""Every write to offers: posting, editing, the status life, photos and the periodic sweeps.

Who may do what:
- members (any role) of the owning company post, edit, publish, pause, close and delete;
  posting, editing and publishing need the company to be approved;
- the network coordinator may pause and close any offer (moderation), nothing else;
- everyone else may only read published offers (selectors.visible_listings).

Capacity (places, units, positions) is changed only through listings.capacity.
"""

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Min, ProtectedError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import Conflict, InvalidInput, NotAllowed
from marketplace.models import Organisation, OrganisationKind, User
from marketplace.selectors import is_member

from . import capacity
from .models import (
    AllocationKind,
    Category,
    ClosedReason,
    Equipment,
    EquipmentAllocation,
    EquipmentPhoto,
    JobOffer,
    Listing,
    ListingKind,
    ListingStatus,
    VolunteerAction,
    VolunteerSlot,
)
from .photos import process_photo

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


# --- Creating and editing ---------------------------------------------------------------------


def _take(fields: dict[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        # A programming error (the serializers refuse unknown fields with a 400 first).
        raise InvalidInput(_("Unbekannte Felder: %(names)s") % {"names": ", ".join(unknown)})
    return dict(fields)


def _check_category(category: Category, current: Category | None = None) -> None:
    if category != current and not category.is_active:
        raise InvalidInput(_("Diese Kategorie kann nicht mehr gewählt werden."), field="category")


def offer_defaults(*, kind: str, organisation: Organisation, by: User) -> dict[str, str]:
    """What a new offer starts with, so nobody types it twice: the poster as the contact
    person with the organisation's phone, and (equipment) the organisation's address as the
    pickup address. The new-offer page shows them filled in; a create leaves out none of the
    contact fields (an API client may send them empty)."""
    defaults = {}
    if kind in (ListingKind.EQUIPMENT, ListingKind.VOLUNTEER_ACTION):
        defaults.update(contact_name=by.full_name, contact_phone=organisation.phone)
    if kind == ListingKind.EQUIPMENT:
        defaults.update(
            pickup_street=organisation.street,
            pickup_postcode=organisation.postcode,
            pickup_city=organisation.city,
        )
    return {name: value for name, value in defaults.items() if value}


def _create(model, *, by: User, organisation: Organisation, fields: dict[str, Any]):
    _require_can_post(by, organisation)
    _check_category(fields.get("category"))
    defaults = offer_defaults(kind=model.KIND, organisation=organisation, by=by)
    for name in ("contact_name", "contact_phone"):
        if name in defaults and not fields.get(name):
            fields = {**fields, name: defaults[name]}
    listing = model(organisation=organisation, created_by=by, status=ListingStatus.DRAFT, **fields)
    if not isinstance(listing, VolunteerAction):  # an action's derived fields need its slots
        listing_refresh_derived(listing)
    listing.full_clean()
    listing.save()
    return listing


def _apply(listing: Listing, changes: dict[str, Any]) -> None:
    if "category" in changes:
        _check_category(changes["category"], listing.category)
    for name, value in changes.items():
        setattr(listing, name, value)


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


@transaction.atomic
def volunteer_action_create(
    *, by: User, organisation: Organisation, slots: Sequence[SlotSpec] = (), **fields: Any
) -> VolunteerAction:
    """Post a volunteer action as a draft, with its slots.

    Precondition: `fields` are VOLUNTEER_ACTION_FIELDS with Python values.
    Raises NotAllowed (not a member, not an approved company), InvalidInput (bad slots, inactive
    category), ValidationError (invalid fields).
    """
    action = _create(
        VolunteerAction,
        by=by,
        organisation=organisation,
        fields=_take(fields, VOLUNTEER_ACTION_FIELDS),
    )
    _replace_slots(action, slots)
    _save_derived(action)
    return action


@transaction.atomic
def volunteer_action_update(
    *,
    action: VolunteerAction,
    by: User,
    slots: Sequence[SlotSpec] | None = None,
    **changes: Any,
) -> VolunteerAction:
    """Edit a volunteer action; `slots`, when given, is the whole new list of slots (existing
    ones named by id are changed, missing ones deleted, new ones added).

    Slots with promised places keep their times, keep at least as many places as are promised
    and cannot be deleted. Caller holds no lock; takes the action's, then its slots' row locks.
    Raises NotAllowed, Conflict (a change would break a promise), InvalidInput, ValidationError.
    """
    _require_can_post(by, action.organisation)
    action = _lock_listing(VolunteerAction, action)
    _apply(action, _take(changes, VOLUNTEER_ACTION_FIELDS))
    action.full_clean()
    action.save()
    if slots is not None:
        _replace_slots(action, slots)
        if action.status == ListingStatus.PUBLISHED and not action.slots.exists():
            raise InvalidInput(
                _("Eine veröffentlichte Aktion braucht mindestens einen Termin."), field="slots"
            )
    _save_derived(action)
    return action


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _check_slot(spec: SlotSpec, now: dt.datetime) -> None:
    if spec.end <= spec.start:
        raise InvalidInput(_("Das Ende eines Termins muss nach dem Beginn liegen."), field="slots")
    if spec.end - spec.start > MAX_SLOT_LENGTH:
        raise InvalidInput(_("Ein Termin dauert höchstens 14 Tage."), field="slots")
    if spec.end <= now:
        raise InvalidInput(_("Termine müssen in der Zukunft liegen."), field="slots")
    if not 1 <= spec.volunteers_available <= 1000:
        raise InvalidInput(_("Ein Termin braucht 1 bis 1000 Plätze."), field="slots")


def _replace_slots(action: VolunteerAction, specs: Sequence[SlotSpec]) -> None:
    """Make the action's slots match `specs`. Caller holds the action's lock."""
    if len(specs) > MAX_SLOTS:
        raise InvalidInput(
            ngettext(
                "Höchstens %(n)d Termin je Aktion.", "Höchstens %(n)d Termine je Aktion.", MAX_SLOTS
            )
            % {"n": MAX_SLOTS},
            field="slots",
        )
    existing = {
        slot.pk: slot for slot in action.slots.select_for_update().order_by("pk")
    }  # locked in id order, as capacity locks single slots
    now = timezone.now()
    named = [spec.id for spec in specs if spec.id is not None]
    if len(named) != len(set(named)):
        raise InvalidInput(_("Jeder Termin darf nur einmal vorkommen."), field="slots")
    unknown = set(named) - set(existing)
    if unknown:
        raise InvalidInput(_("Diesen Termin gibt es bei dieser Aktion nicht."), field="slots")

    for slot_id, slot in existing.items():
        if slot_id in named:
            continue
        if slot.volunteers_held:
            raise Conflict(
                _("Für den Termin am %(when)s gibt es schon Zusagen; er kann nicht entfallen.")
                % {"when": _when(slot.start)}
            )
        try:
            with transaction.atomic():
                slot.delete()
        except ProtectedError:
            raise Conflict(
                _("Zum Termin am %(when)s gibt es Buchungen; er kann nicht entfallen.")
                % {"when": _when(slot.start)}
            ) from None

    for spec in specs:
        slot = existing.get(spec.id) if spec.id is not None else None
        if slot is None:
            _check_slot(spec, now)
            VolunteerSlot.objects.create(
                action=action,
                start=spec.start,
                end=spec.end,
                volunteers_available=spec.volunteers_available,
            )
            continue
        unchanged = (
            slot.start == spec.start
            and slot.end == spec.end
            and slot.volunteers_available == spec.volunteers_available
        )
        if unchanged:
            continue
        _check_slot(spec, now)
        if slot.volunteers_held and (slot.start != spec.start or slot.end != spec.end):
            raise Conflict(
                _("Der Termin am %(when)s hat schon Zusagen; seine Zeit bleibt.")
                % {"when": _when(slot.start)}
            )
        if spec.volunteers_available < slot.volunteers_held:
            raise Conflict(
                ngettext(
                    "Für den Termin am %(when)s ist schon %(n)d Platz zugesagt.",
                    "Für den Termin am %(when)s sind schon %(n)d Plätze zugesagt.",
                    slot.volunteers_held,
                )
                % {"when": _when(slot.start), "n": slot.volunteers_held}
            )
        slot.start, slot.end = spec.start, spec.end
        slot.volunteers_available = spec.volunteers_available
        slot.save(update_fields=["start", "end", "volunteers_available"])


@transaction.atomic
def equipment_create(
    *,
    by: User,
    organisation: Organisation,
    unavailable: Sequence[UnavailablePeriod] = (),
    **fields: Any,
) -> Equipment:
    """Post an equipment item as a draft, with the days it is not available.

    Raises NotAllowed, InvalidInput (bad periods, inactive category), ValidationError.
    """
    item = _create(
        Equipment, by=by, organisation=organisation, fields=_take(fields, EQUIPMENT_FIELDS)
    )
    _replace_unavailable(item, unavailable)
    return item


@transaction.atomic
def equipment_update(
    *,
    item: Equipment,
    by: User,
    unavailable: Sequence[UnavailablePeriod] | None = None,
    **changes: Any,
) -> Equipment:
    """Edit an item; `unavailable`, when given, is the whole new list of unavailable periods.

    Fewer units are refused while the removed units are lent or promised; unavailable periods
    cannot cover days on which the item is lent (buffer days included). New buffer days and
    longest-loan limits apply to new loans. Caller holds no lock; takes the item's row lock.
    Raises NotAllowed, Conflict, InvalidInput, ValidationError.
    """
    _require_can_post(by, item.organisation)
    item = _lock_listing(Equipment, item)
    changes = _take(changes, EQUIPMENT_FIELDS)
    quantity = changes.pop("quantity", item.quantity)
    _apply(item, changes)
    item.full_clean()
    if unavailable is not None:
        _replace_unavailable(item, unavailable, before_quantity=quantity)
    elif quantity != item.quantity:
        capacity.set_quantity_locked(item, quantity)
    item.full_clean()
    item.save()
    return item


def _replace_unavailable(
    item: Equipment, periods: Sequence[UnavailablePeriod], *, before_quantity: int | None = None
) -> None:
    """Make the blocked allocations match `periods`; with `before_quantity`, change the number
    of units in between (after old periods are gone, before new ones are added), so new units
    get exactly the new periods. Caller holds the item's lock."""
    if len(periods) > MAX_UNAVAILABLE_PERIODS:
        raise InvalidInput(
            ngettext(
                "Höchstens %(n)d Zeitraum.", "Höchstens %(n)d Zeiträume.", MAX_UNAVAILABLE_PERIODS
            )
            % {"n": MAX_UNAVAILABLE_PERIODS},
            field="unavailable",
        )
    wanted = []
    for period in periods:
        if period.last_day < period.first_day:
            raise InvalidInput(
                _("Der letzte Tag darf nicht vor dem ersten liegen."), field="unavailable"
            )
        if (period.last_day - period.first_day).days > 730:
            raise InvalidInput(_("Ein Zeitraum dauert höchstens zwei Jahre."), field="unavailable")
        wanted.append((period.first_day, period.last_day + dt.timedelta(days=1)))
    wanted.sort()
    for (_s1, end1), (start2, _e2) in itertools.pairwise(wanted):
        if start2 < end1:
            raise InvalidInput(
                _("Die Zeiträume dürfen sich nicht überschneiden."), field="unavailable"
            )
    current = {(p.start, p.end): p.hold_id for p in capacity.blocked_periods(item)}
    gone = [hold for period, hold in current.items() if period not in wanted]
    EquipmentAllocation.objects.filter(
        item=item, kind=AllocationKind.BLOCKED, hold_id__in=gone
    ).delete()
    if before_quantity is not None and before_quantity != item.quantity:
        capacity.set_quantity_locked(item, before_quantity)
    for start, end in wanted:
        if (start, end) not in current:
            capacity.block_period_locked(item, start=start, end=end)


@transaction.atomic
def job_offer_create(*, by: User, organisation: Organisation, **fields: Any) -> JobOffer:
    """Post a job offer as a draft.

    Raises NotAllowed, InvalidInput (deadline passed, inactive category), ValidationError.
    """
    fields = _take(fields, JOB_OFFER_FIELDS)
    deadline = fields.get("application_deadline")
    if deadline is not None and deadline < timezone.localdate():
        raise InvalidInput(
            _("Die Bewerbungsfrist darf nicht in der Vergangenheit liegen."),
            field="application_deadline",
        )
    return _create(JobOffer, by=by, organisation=organisation, fields=fields)


@transaction.atomic
def job_offer_update(*, job: JobOffer, by: User, **changes: Any) -> JobOffer:
    """Edit a job offer. Positions cannot drop below the positions filled; a job whose last
    position is filled closes itself, one that gets a free position again while its deadline
    has not passed is published again.

    Caller holds no lock; takes the job's row lock.
    Raises NotAllowed, Conflict, InvalidInput, ValidationError.
    """
    _require_can_post(by, job.organisation)
    job = _lock_listing(JobOffer, job)
    changes = _take(changes, JOB_OFFER_FIELDS)
    deadline = changes.get("application_deadline")
    moved = deadline is not None and deadline != job.application_deadline
    if moved and deadline < timezone.localdate():
        raise InvalidInput(
            _("Die Bewerbungsfrist darf nicht in der Vergangenheit liegen."),
            field="application_deadline",
        )
    if changes.get("positions", job.positions) < job.positions_filled:
        raise Conflict(
            ngettext(
                "Es ist schon %(n)d Stelle besetzt.",
                "Es sind schon %(n)d Stellen besetzt.",
                job.positions_filled,
            )
            % {"n": job.positions_filled},
            field="positions",
        )
    _apply(job, changes)
    listing_refresh_derived(job)
    job.full_clean()
    capacity.job_close_or_reopen(job, by=by)
    job.save()
    return job


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


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


# --- Photos -----------------------------------------------------------------------------------


def _refresh_thumbnail(item: Equipment) -> None:
    first = item.photos.order_by("position", "id").first()
    item.thumbnail = first.thumbnail.name if first else ""
    Listing.objects.filter(pk=item.pk).update(thumbnail=item.thumbnail)


@transaction.atomic
def equipment_photo_add(*, item: Equipment, by: User, upload) -> EquipmentPhoto:
    """Check, re-encode and store a photo of an item with its thumbnail.

    Raises NotAllowed, InvalidInput (not a JPEG, PNG or WebP picture, too big or too small),
    Conflict (the item has MAX_PHOTOS photos already).
    """
    return equipment_photos_add(item=item, by=by, uploads=[upload])[0]


@transaction.atomic
def equipment_photos_add(*, item: Equipment, by: User, uploads: Sequence) -> list[EquipmentPhoto]:
    """Several photos at once, all or none: every file is checked and re-encoded before the
    first is stored.

    Raises NotAllowed, InvalidInput (field "image"; a file that is not a JPEG, PNG or WebP
    picture, too big or too small, named when there are several), Conflict (more than
    MAX_PHOTOS photos in all).
    """
    _require_can_post(by, item.organisation)
    item = _lock_listing(Equipment, item)
    count = item.photos.count()
    if count + len(uploads) > MAX_PHOTOS:
        raise Conflict(
            ngettext(
                "Höchstens %(n)d Foto je Gegenstand.",
                "Höchstens %(n)d Fotos je Gegenstand.",
                MAX_PHOTOS,
            )
            % {"n": MAX_PHOTOS}
        )
    processed = []
    for upload in uploads:
        try:
            processed.append(process_photo(upload))
        except InvalidInput as error:
            if len(uploads) == 1:
                raise
            name = getattr(upload, "name", "") or "?"
            raise InvalidInput(f"{name}: {error.message}", field="image") from None
    photos = []
    for position, photo_files in enumerate(processed, start=count):
        photo = EquipmentPhoto(item=item, position=position)
        photo.image.save(photo_files.image.name, photo_files.image, save=False)
        photo.thumbnail.save(photo_files.thumbnail.name, photo_files.thumbnail, save=False)
        photo.save()
        photos.append(photo)
    _refresh_thumbnail(item)
    return photos


@transaction.atomic
def equipment_photo_delete(*, photo: EquipmentPhoto, by: User) -> None:
    """Delete a photo and, after commit, its files. Raises NotAllowed."""
    _require_member(by, photo.item.organisation)
    item = _lock_listing(Equipment, photo.item)
    names = [photo.image.name, photo.thumbnail.name]
    photo.delete()
    _refresh_thumbnail(item)
    transaction.on_commit(lambda: _delete_files(names))


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

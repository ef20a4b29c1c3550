"""Posting and editing offers of the three kinds, with their slots and unavailable dates."""

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import Conflict, InvalidInput
from marketplace.models import Organisation, User

from .. import capacity
from ..models import (
    AllocationKind,
    Category,
    Equipment,
    EquipmentAllocation,
    JobOffer,
    Listing,
    ListingKind,
    ListingStatus,
    VolunteerAction,
    VolunteerSlot,
)
from .common import (
    EQUIPMENT_FIELDS,
    JOB_OFFER_FIELDS,
    MAX_SLOT_LENGTH,
    MAX_SLOTS,
    MAX_UNAVAILABLE_PERIODS,
    VOLUNTEER_ACTION_FIELDS,
    SlotSpec,
    UnavailablePeriod,
    _lock_listing,
    _require_can_post,
    _save_derived,
    listing_refresh_derived,
)

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

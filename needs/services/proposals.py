"""Proposals: a company answers a need; the need's organisation accepts or declines it.

Accepting a proposal that points to an offer books it through bookings' services in the same
transaction: the request in the social organisation's name (booking_request_volunteers or
booking_request_loan: lock → check → hold on the offer's row) and its confirmation by the
proposing company (booking_confirm). If the offer has no room any more the whole accept is
refused (Conflict) and nothing changes: no booking, no held places, the proposal still open.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.services import (
    booking_confirm,
    booking_request_loan,
    booking_request_volunteers,
)
from listings import capacity
from listings.models import Equipment, ListingStatus, VolunteerSlot
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.models import Organisation, OrganisationKind, User
from marketplace.selectors import admins_of, is_member, memberships_among

from .. import notices
from ..models import Need, NeedStatus, Proposal, ProposalStatus
from ..states import ProposalAction, proposal_move
from .common import lock_need, lock_proposal, record, text
from .needs import MAX_AHEAD, acting_organisation


def _slot_of(company: Organisation, slot_id: int, volunteers) -> VolunteerSlot:
    slot = (
        VolunteerSlot.objects.select_related("action")
        .filter(pk=slot_id, action__organisation=company)
        .first()
    )
    if slot is None:
        raise InvalidInput(_("Diesen Termin gibt es bei Ihrem Unternehmen nicht."), field="slot")
    if slot.action.status != ListingStatus.PUBLISHED:
        raise Conflict(_("Bitte nur veröffentlichte Angebote vorschlagen."), field="slot")
    if slot.start <= timezone.now():
        raise Conflict(_("Dieser Termin hat schon begonnen."), field="slot")
    if isinstance(volunteers, bool) or not isinstance(volunteers, int) or volunteers < 1:
        raise InvalidInput(_("Bitte mindestens eine Person angeben."), field="volunteers")
    if volunteers > slot.volunteers_free:
        raise Conflict(
            _("Für diesen Termin sind nur noch %(n)d Plätze frei.") % {"n": slot.volunteers_free},
            field="volunteers",
        )
    return slot


def _item_of(
    company: Organisation, item_id: int, units, pickup_on: dt.date | None, return_on
) -> Equipment:
    item = Equipment.objects.filter(pk=item_id, organisation=company).first()
    if item is None:
        raise InvalidInput(
            _("Diesen Gegenstand gibt es bei Ihrem Unternehmen nicht."), field="item"
        )
    if item.status != ListingStatus.PUBLISHED:
        raise Conflict(_("Bitte nur veröffentlichte Angebote vorschlagen."), field="item")
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise InvalidInput(_("Bitte mindestens ein Stück angeben."), field="units")
    if pickup_on is None or return_on is None:
        raise InvalidInput(_("Bitte Abhol- und Rückgabetag angeben."), field="pickup_on")
    today = timezone.localdate()
    if pickup_on < today:
        raise InvalidInput(
            _("Die Abholung kann nicht in der Vergangenheit liegen."), field="pickup_on"
        )
    if pickup_on > today + MAX_AHEAD:
        raise InvalidInput(_("Bitte höchstens zwei Jahre im Voraus."), field="pickup_on")
    if return_on < pickup_on:
        raise InvalidInput(_("Die Rückgabe kann nicht vor der Abholung liegen."), field="return_on")
    free = capacity.equipment_free_units(item, pickup_on, return_on)
    if units > free:
        raise Conflict(_("In dieser Zeit sind nur %(n)d Stück frei.") % {"n": free}, field="units")
    return item


def proposal_create(
    *,
    need: Need,
    by: User,
    message: str,
    organisation: Organisation | int | None = None,
    slot: int | None = None,
    volunteers: int | None = None,
    item: int | None = None,
    units: int | None = None,
    pickup_on: dt.date | None = None,
    return_on: dt.date | None = None,
) -> Proposal:
    """A member of an approved company answers a published, open need: a message, and
    optionally one of the company's slots (with `volunteers`) or items (with `units`,
    `pickup_on`, `return_on`). Nothing is held yet: the offer is booked when the proposal is
    accepted.

    Raises NotFound (a draft of another organisation), NotAllowed, InvalidInput, Conflict
    (not a company, not approved, own need, need not open, an open proposal already, the offer
    has no room).
    """
    message = text(message, field="message", required=True)
    if slot is not None and item is not None:
        raise InvalidInput(_("Bitte entweder einen Termin oder einen Gegenstand."), field="item")
    if need.status == NeedStatus.DRAFT and not is_member(by, need.organisation_id):
        raise NotFound(_("Gesuch nicht gefunden."))
    company = acting_organisation(by, organisation, kind=OrganisationKind.COMPANY)
    if company.pk == need.organisation_id:
        raise Conflict(_("Auf ein eigenes Gesuch kann man nicht antworten."), code="own_need")
    offer = {}
    if slot is not None:
        _slot_of(company, slot, volunteers)
        offer = {"slot_id": slot, "volunteers": volunteers}
    elif item is not None:
        _item_of(company, item, units, pickup_on, return_on)
        offer = {"item_id": item, "units": units, "pickup_on": pickup_on, "return_on": return_on}
    with transaction.atomic():
        locked = lock_need(need.pk)
        if locked.status != NeedStatus.PUBLISHED or locked.open_until < timezone.localdate():
            raise Conflict(_("Dieses Gesuch ist nicht mehr offen."), code="need_not_open")
        if locked.proposals.filter(organisation=company, status=ProposalStatus.PROPOSED).exists():
            raise Conflict(
                _("Ihr Unternehmen hat schon einen offenen Vorschlag zu diesem Gesuch."),
                code="already_proposed",
            )
        proposal = Proposal.objects.create(
            need=locked, organisation=company, created_by=by, message=message, **offer
        )
        record(
            locked,
            proposal=proposal,
            action=ProposalAction.PROPOSE,
            from_status="",
            to_status=proposal.status,
            by=by,
            message=message,
        )
        notices.proposal_received(locked, proposal)
    return proposal


def _change(
    proposal: Proposal, *, by: User, action: str, need: Need, message: str = "", booking=None
) -> Proposal:
    """Move a locked proposal; caller is inside the transaction and holds the locks."""
    from_status = proposal.status
    proposal.status = proposal_move(proposal.status, action)
    proposal.answer = message
    fields = ["status", "answer", "updated_at"]
    if booking is not None:
        proposal.booking = booking
        fields.append("booking")
    proposal.save(update_fields=fields)
    record(
        need,
        proposal=proposal,
        action=action,
        from_status=from_status,
        to_status=proposal.status,
        by=by,
        message=message,
    )
    return proposal


def proposal_withdraw(*, proposal: Proposal, by: User, message: str = "") -> Proposal:
    """The proposing company takes its open proposal back. Raises NotFound, NotAllowed,
    Conflict."""
    message = text(message, field="message")
    if not is_member(by, proposal.organisation_id):
        if is_member(by, proposal.need.organisation_id):
            raise NotAllowed(_("Zurückziehen kann nur das vorschlagende Unternehmen."))
        raise NotFound(_("Vorschlag nicht gefunden."))
    with transaction.atomic():
        need = lock_need(proposal.need_id)
        locked = lock_proposal(proposal.pk)
        return _change(locked, by=by, action=ProposalAction.WITHDRAW, need=need, message=message)


def _check_answerer(proposal: Proposal, by: User) -> None:
    mine = memberships_among(by, [proposal.need.organisation_id, proposal.organisation_id])
    if proposal.need.organisation_id in mine:
        return
    if proposal.organisation_id in mine:
        raise NotAllowed(_("Annehmen oder ablehnen kann nur die Organisation des Gesuchs."))
    raise NotFound(_("Vorschlag nicht gefunden."))


def proposal_decline(*, proposal: Proposal, by: User, message: str = "") -> Proposal:
    """The need's organisation declines a proposal; the company is thanked politely."""
    message = text(message, field="message")
    _check_answerer(proposal, by)
    with transaction.atomic():
        need = lock_need(proposal.need_id)
        locked = lock_proposal(proposal.pk)
        _change(locked, by=by, action=ProposalAction.DECLINE, need=need, message=message)
        notices.proposal_declined(need, locked)
    return locked


def _confirmer(proposal: Proposal) -> User:
    """Who confirms the booking for the company: the person who proposed, while still a
    member; else one of the company's admins."""
    if proposal.created_by is not None and is_member(proposal.created_by, proposal.organisation_id):
        return proposal.created_by
    admin = admins_of(proposal.organisation).order_by("id").first()
    if admin is None:
        raise Conflict(_("Beim Unternehmen ist niemand mehr, der die Buchung bestätigen kann."))
    return admin


def _book(need: Need, proposal: Proposal, by: User, message: str):
    """Request and confirm the proposed offer for the need's organisation (caller's
    transaction). The request's checks become a Conflict naming what no longer fits."""
    contact = by.full_name or by.email
    try:
        if proposal.slot_id:
            booking = booking_request_volunteers(
                by=by,
                organisation=need.organisation_id,
                slot=proposal.slot_id,
                volunteers=proposal.volunteers,
                task=need.title,
                place=need.place or need.organisation.street or need.organisation.name,
                contact_name=contact,
                contact_email=by.email,
                message=message,
            )
        else:
            booking = booking_request_loan(
                by=by,
                organisation=need.organisation_id,
                item=proposal.item_id,
                units=proposal.units,
                pickup_on=proposal.pickup_on,
                return_on=proposal.return_on,
                purpose=need.title,
                message=message,
            )
    except (Conflict, InvalidInput) as error:
        raise Conflict(
            _("Das vorgeschlagene Angebot kann so nicht mehr gebucht werden: %(reason)s")
            % {"reason": error.message},
            code="offer_not_free",
        ) from None
    return booking_confirm(booking=booking, by=_confirmer(proposal), message=proposal.message)


def proposal_accept(*, proposal: Proposal, by: User, message: str = "") -> Proposal:
    """A member of the need's organisation accepts a proposal. If it names an offer, the
    booking is requested and confirmed at once (the company proposed it), in this one
    transaction. The other proposals stay open: the organisation may accept several, and ends
    the rest by marking the need fulfilled.

    Caller holds no lock. Raises NotFound, NotAllowed, InvalidInput, Conflict (need not open,
    proposal not open, the offer has no room any more), Busy.
    """
    message = text(message, field="message")
    _check_answerer(proposal, by)
    with transaction.atomic():
        need = lock_need(proposal.need_id)
        if need.status != NeedStatus.PUBLISHED:
            raise Conflict(_("Dieses Gesuch ist nicht mehr offen."), code="need_not_open")
        locked = lock_proposal(proposal.pk)
        proposal_move(locked.status, ProposalAction.ACCEPT)  # refuse before booking anything
        booking = _book(need, locked, by, message) if locked.offer_kind else None
        _change(
            locked,
            by=by,
            action=ProposalAction.ACCEPT,
            need=need,
            message=message,
            booking=booking,
        )
        notices.proposal_accepted(need, locked)
    return locked

"""Recording a donation, and its confirmation (with its receipt) or rejection by the receiving
organisation."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.models import Membership, Organisation, OrganisationKind, User

from .. import documents, notices
from ..models import Donation, DonationKind, DonationState, MoneyKind
from ..selectors import donor_key_for, receipt_problem
from .common import (
    _amount,
    _check_receiving_member,
    _choice,
    _day,
    _event,
    _flag,
    _kind_fields,
    _lock_donation,
    _locking_transaction,
    _membership,
    _text,
)
from .receipts import _issue_individual

# --- recording --------------------------------------------------------------------------------


def _recipient(recipient_id: int, by: User) -> Organisation:
    recipient = Organisation.objects.filter(pk=recipient_id).first()
    visible = recipient is not None and (
        recipient.is_approved or by.is_coordinator or _membership(by, recipient) is not None
    )
    if not visible:
        raise NotFound(_("Diese Organisation gibt es nicht."), field="recipient")
    if recipient.kind != OrganisationKind.SOCIAL:
        raise InvalidInput(
            _("Spenden können nur an soziale Organisationen gehen."), field="recipient"
        )
    if not recipient.is_approved:
        raise Conflict(
            _("Die empfangende Organisation ist nicht freigegeben und kann keine Spenden annehmen.")
        )
    return recipient


def _donor_company(donor_organisation_id: int, by: User) -> Organisation:
    membership = (
        Membership.objects.filter(user=by, organisation_id=donor_organisation_id)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise NotAllowed(
            _("Sie können nur Spenden eines Unternehmens erfassen, dem Sie angehören.")
        )
    company = membership.organisation
    if company.kind != OrganisationKind.COMPANY:
        raise InvalidInput(
            _("Spenden erfassen Unternehmen; soziale Organisationen bestätigen sie."),
            field="donor_organisation",
        )
    if not company.is_approved:
        raise Conflict(_("Ihr Unternehmen ist noch nicht freigegeben."))
    return company


def donation_record(
    *,
    by: User,
    kind: str,
    recipient_id: int,
    amount: Decimal,
    donated_on: dt.date,
    donor_organisation_id: int | None = None,
    donor_name: str = "",
    donor_address: str = "",
    donor_email: str = "",
    purpose: str = "",
    waiver: bool = False,
    money_kind: str = MoneyKind.DONATION,
    description: str = "",
    age: str = "",
    condition: str = "",
    purchase_price: Decimal | None = None,
    origin: str = "",
    valuation_documents: bool = False,
) -> Donation:
    """Record a donation of money (amount, waiver, kind) or goods (description, age,
    condition, purchase price, value as `amount`, origin, valuation documents) to an approved
    social organisation, whose members are told to confirm it.

    With `donor_organisation_id` the person records for that company (they must belong to
    it; its name and address are printed, `donor_address` may replace the address). Without
    it only the coordinator may record, for a private donor named by `donor_name` and
    `donor_address` (and `donor_email`, where the receipt is sent).
    Raises InvalidInput (a field is wrong; nothing is written), NotAllowed, NotFound (no such
    recipient), Conflict (an organisation is not approved).
    """
    kind = _choice(kind, DonationKind, field="kind")
    amount = _amount(amount, field="amount")
    donated_on = _day(donated_on, field="donated_on")
    purpose = _text(purpose, field="purpose")
    extra = _kind_fields(
        kind,
        {
            "waiver": waiver,
            "money_kind": money_kind,
            "description": description,
            "age": age,
            "condition": condition,
            "purchase_price": purchase_price,
            "origin": origin,
            "valuation_documents": valuation_documents,
        },
    )
    if not isinstance(donor_email, str) or "\x00" in donor_email or len(donor_email) > 254:
        raise InvalidInput(_("Bitte eine gültige E-Mail-Adresse angeben."), field="donor_email")
    donor_address = _text(donor_address, field="donor_address")
    donor_name = _text(donor_name, field="donor_name")

    if donor_organisation_id is not None:
        company = _donor_company(donor_organisation_id, by)
        if donor_name and donor_name != company.name:
            raise InvalidInput(
                _("Bei Spenden eines Unternehmens steht dessen Name auf der Bestätigung."),
                field="donor_name",
            )
        if donor_email:
            raise InvalidInput(
                _("Die Bestätigung geht an die Administrator*innen des Unternehmens."),
                field="donor_email",
            )
        donor_name = company.name
        donor_address = donor_address or documents.postal_address(company)
        if not donor_address:
            raise InvalidInput(
                _("Bitte die Anschrift des Unternehmens angeben (oder im Profil ergänzen)."),
                field="donor_address",
            )
    else:
        if not by.is_coordinator:
            raise InvalidInput(
                _("Bitte angeben, für welches Unternehmen Sie die Spende erfassen."),
                field="donor_organisation",
            )
        company = None
        if not donor_name:
            raise InvalidInput(
                _("Bitte den Namen der spendenden Person angeben."), field="donor_name"
            )
        if not donor_address:
            raise InvalidInput(
                _("Bitte die Anschrift der spendenden Person angeben."), field="donor_address"
            )
    recipient = _recipient(recipient_id, by)

    with transaction.atomic():
        donation = Donation.objects.create(
            kind=kind,
            recipient=recipient,
            donor_organisation=company,
            donor_name=donor_name,
            donor_address=donor_address,
            donor_email=donor_email.strip().lower(),
            donor_key=donor_key_for(
                organisation_id=company.pk if company else None,
                name=donor_name,
                address=donor_address,
            ),
            amount=amount,
            donated_on=donated_on,
            purpose=purpose,
            recorded_by=by,
            **extra,
        )
        _event(donation, action="record", from_state="", by=by)
        notices.recorded(donation)
    return donation


# --- confirming and rejecting -----------------------------------------------------------------


def _check_can_become(donation: Donation, state: str) -> None:
    """DONATION_TRANSITIONS beside the model decides; a refusal is a Conflict (409)."""
    if not donation.can_change_state_to(state):
        raise Conflict(
            _("Diese Spende ist schon „%(state)s“.") % {"state": donation.get_state_display()},
            code="not_recorded",
        )


def donation_confirm(
    *, donation: Donation, by: User, message: str = "", issue_receipt: bool = True
) -> Donation:
    """The receiving organisation confirms that the donation arrived, and (unless
    `issue_receipt` is False) its receipt is issued in the same transaction and sent.

    If the organisation's tax-exemption data is missing or too old, the confirmation still
    stands: no receipt is issued, its admins are e-mailed what to fix, and the donor is told
    the receipt follows. Precondition: caller holds no lock.
    Raises NotAllowed (not a member of the receiving organisation), Conflict (not in state
    recorded), InvalidInput (message), Busy.
    """
    message = _text(message, field="message")
    issue_receipt = _flag(issue_receipt, field="issue_receipt")
    with _locking_transaction():
        donation = _lock_donation(donation)
        _check_receiving_member(donation, by)
        _check_can_become(donation, DonationState.CONFIRMED)
        donation.state = DonationState.CONFIRMED
        donation.decided_by, donation.decided_at = by, timezone.now()
        donation.save(update_fields=["state", "decided_by", "decided_at"])
        _event(
            donation, action="confirm", from_state=DonationState.RECORDED, by=by, message=message
        )
        if not issue_receipt:
            notices.confirmed(donation, receipt_requested=False)
            return donation
        problem = receipt_problem(donation.recipient, timezone.localdate())
        if problem:
            notices.receipt_blocked(donation, problem=problem)
            notices.confirmed(donation, problem=problem)
            return donation
        _issue_individual(donation, by=by)
    return donation


def donation_reject(*, donation: Donation, by: User, reason: str) -> Donation:
    """The receiving organisation rejects a recorded donation (it never arrived, or it is
    declined); the donor side is told with the reason.
    Raises NotAllowed, Conflict (not in state recorded), InvalidInput (no reason), Busy."""
    reason = _text(reason, field="reason", required=True)
    with _locking_transaction():
        donation = _lock_donation(donation)
        _check_receiving_member(donation, by)
        _check_can_become(donation, DonationState.REJECTED)
        donation.state = DonationState.REJECTED
        donation.decided_by, donation.decided_at = by, timezone.now()
        donation.reason = reason
        donation.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        _event(donation, action="reject", from_state=DonationState.RECORDED, by=by, message=reason)
        notices.rejected(donation)
    return donation

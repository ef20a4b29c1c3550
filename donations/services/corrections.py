"""Cancelling a receipt, and cancelling and reissuing it (corrected, or a collective one over the
donations of its year now)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, InvalidInput
from marketplace.models import User

from .. import notices
from ..models import Donation, DonationKind, Receipt, ReceiptItem, ReceiptKind
from ..selectors import donor_key_for
from .collective import _issue_collective
from .common import (
    _amount,
    _check_issuer_admin,
    _day,
    _event,
    _kind_fields,
    _locked,
    _locking_transaction,
    _text,
)
from .receipts import _exemption_or_conflict, _issue_individual

# --- cancelling and correcting ----------------------------------------------------------------


CORRECTABLE = {
    DonationKind.MONEY: (
        "amount",
        "donated_on",
        "waiver",
        "money_kind",
        "donor_name",
        "donor_address",
    ),
    DonationKind.GOODS: (
        "amount",
        "donated_on",
        "description",
        "age",
        "condition",
        "purchase_price",
        "origin",
        "valuation_documents",
        "donor_name",
        "donor_address",
    ),
}


def _correct(donation: Donation, corrections: dict, *, by: User) -> None:
    """Apply corrected fields to the donation, checked as when it was recorded."""
    allowed = CORRECTABLE[donation.kind]
    unknown = sorted(set(corrections) - set(allowed))
    if unknown:
        raise InvalidInput(_("Dieses Feld kann nicht korrigiert werden."), field=unknown[0])
    if donation.donor_organisation_id is not None and "donor_name" in corrections:
        raise InvalidInput(
            _("Bei Spenden eines Unternehmens steht dessen Name auf der Bestätigung."),
            field="donor_name",
        )
    current = {name: getattr(donation, name) for name in allowed}
    wanted = {**current, **corrections}
    checked = _kind_fields(donation.kind, wanted)
    checked["amount"] = _amount(wanted["amount"], field="amount")
    checked["donated_on"] = _day(wanted["donated_on"], field="donated_on")
    checked["donor_name"] = _text(wanted["donor_name"], field="donor_name", required=True)
    checked["donor_address"] = _text(wanted["donor_address"], field="donor_address", required=True)
    changed = [name for name in allowed if checked[name] != current[name]]
    if not changed:
        return
    for name in changed:
        setattr(donation, name, checked[name])
    if donation.donor_organisation_id is None:
        donation.donor_key = donor_key_for(
            organisation_id=None, name=donation.donor_name, address=donation.donor_address
        )
        changed.append("donor_key")
    donation.save(update_fields=changed)
    described = ", ".join(
        f"{name}: {current[name]} → {checked[name]}" for name in changed if name in current
    )
    _event(donation, action="correct", from_state=donation.state, by=by, message=described)


def _lock_receipt_and_donations(receipt: Receipt) -> tuple[Receipt, list[Donation]]:
    ids = list(ReceiptItem.objects.filter(receipt=receipt).values_list("donation_id", flat=True))
    donations = _locked(
        Donation.objects.filter(pk__in=ids).select_related(
            "recipient", "donor_organisation", "recorded_by"
        ),
        not_found=_("Spende nicht gefunden."),
    )
    [locked] = _locked(
        Receipt.objects.filter(pk=receipt.pk).select_related("organisation", "replaces"),
        not_found=_("Zuwendungsbestätigung nicht gefunden."),
    )
    if locked.cancelled_at is not None:
        raise Conflict(
            _("Die Zuwendungsbestätigung Nr. %(number)s ist schon storniert.")
            % {"number": locked.number},
            code="cancelled",
        )
    return locked, donations


def _cancel(receipt: Receipt, *, by: User, reason: str) -> None:
    receipt.cancelled_at, receipt.cancelled_by, receipt.cancel_reason = timezone.now(), by, reason
    receipt.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    ReceiptItem.objects.filter(receipt=receipt).update(active=False)


def receipt_cancel(*, receipt: Receipt, by: User, reason: str) -> Receipt:
    """Cancel a receipt (it is kept, marked cancelled with the reason) without a replacement,
    e.g. when the donation was paid back; its donations may get a receipt again later. The
    donor side is told.
    Raises NotAllowed (not an admin of the issuer), InvalidInput (no reason), Conflict
    (already cancelled), Busy."""
    reason = _text(reason, field="reason", required=True)
    _check_issuer_admin(receipt.organisation, by)
    with _locking_transaction():
        receipt, donations = _lock_receipt_and_donations(receipt)
        _cancel(receipt, by=by, reason=reason)
        notices.receipt_cancelled(receipt, donations, replaced_by=None)
    return receipt


def receipt_cancel_and_reissue(
    *, receipt: Receipt, by: User, reason: str, corrections: dict | None = None
) -> Receipt:
    """Correct a receipt: cancel it (kept, marked cancelled with `reason`) and issue a new one
    with a new number that says which one it replaces. `corrections` (individual receipts
    only) changes the donation's fields first (amount, date, waiver, description, ...). A
    collective receipt is reissued over the donor's collectable donations of its year, which
    now include any confirmed since. Returns the new receipt; the donor side is told.
    Raises NotAllowed (not an admin of the issuer), InvalidInput (reason, corrections),
    Conflict (already cancelled; tax-exemption data missing or too old, and then nothing
    changes), Busy.
    """
    reason = _text(reason, field="reason", required=True)
    if corrections is not None and not isinstance(corrections, dict):
        raise InvalidInput(_("Bitte die Korrekturen als Objekt angeben."), field="corrections")
    _check_issuer_admin(receipt.organisation, by)
    with _locking_transaction():
        old, donations = _lock_receipt_and_donations(receipt)
        _exemption_or_conflict(old.organisation, timezone.localdate())
        _cancel(old, by=by, reason=reason)
        if old.kind == ReceiptKind.COLLECTIVE:
            if corrections:
                raise InvalidInput(
                    _("Eine Sammelbestätigung wird ohne Korrekturen neu ausgestellt."),
                    field="corrections",
                )
            new = _issue_collective(
                old.organisation,
                donor_key=old.donor_key,
                year=old.period_year,
                by=by,
                replaces=old,
            )
        else:
            [donation] = donations
            if corrections:
                _correct(donation, corrections, by=by)
            new = _issue_individual(donation, by=by, replaces=old)
        notices.receipt_cancelled(old, donations, replaced_by=new)
    return new

"""Issuing a donation's receipt: the gapless number of the organisation's year, the stored PDF and
its rows, the individual receipt (Zuwendungsbestätigung)."""

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, NotFound
from marketplace.models import Organisation, TaxExemption, User

from .. import documents, notices
from ..models import (
    Donation,
    DonationKind,
    DonationState,
    Receipt,
    ReceiptCounter,
    ReceiptItem,
    ReceiptKind,
)
from ..pdf import render_receipt
from ..selectors import problem_with
from .common import _check_receiving_member, _lock_donation, _locked, _locking_transaction

# --- issuing ----------------------------------------------------------------------------------


def _next_number(organisation: Organisation, year: int) -> tuple[int, str]:
    """Take the next number of the organisation's year. The counter row stays locked until
    the caller's transaction ends, so concurrent issues queue here and a rolled-back issue
    gives its number back: no gaps, no duplicates."""
    counters = ReceiptCounter.objects.filter(organisation=organisation, year=year)
    try:
        [counter] = _locked(counters, not_found="")
    except NotFound:
        # The year's first receipt: create the row (a concurrent first one may win the insert;
        # then this waits for it and locks the same row).
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(organisation=organisation, year=year)], ignore_conflicts=True
        )
        [counter] = _locked(counters, not_found=_("Nummernkreis nicht gefunden."))
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return counter.last_sequence, f"{year}-{counter.last_sequence:04d}"


def _exemption_or_conflict(organisation: Organisation, today: dt.date) -> TaxExemption:
    exemption = TaxExemption.objects.filter(organisation=organisation).first()
    problem = problem_with(organisation, exemption, today)
    if problem:
        raise Conflict(problem, code="receipt_not_possible")
    return exemption


def _store(
    *,
    organisation: Organisation,
    kind: str,
    number: tuple[int, str],
    pdf: bytes,
    amount: Decimal,
    donations: Sequence[Donation],
    today: dt.date,
    by: User,
    machine_signed: bool,
    replaces: Receipt | None,
    period_year: int | None = None,
) -> Receipt:
    latest = max(donations, key=lambda d: (d.donated_on, d.pk))
    sequence, text = number
    receipt = Receipt.objects.create(
        organisation=organisation,
        year=today.year,
        sequence=sequence,
        number=text,
        kind=kind,
        donor_organisation=latest.donor_organisation,
        donor_key=latest.donor_key,
        donor_name=latest.donor_name,
        donor_address=latest.donor_address,
        amount=amount,
        period_year=period_year,
        issued_on=today,
        issued_by=by,
        machine_signed=machine_signed,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        replaces=replaces,
    )
    ReceiptItem.objects.bulk_create(
        ReceiptItem(receipt=receipt, donation=donation) for donation in donations
    )
    return receipt


def _issue_individual(donation: Donation, *, by: User, replaces: Receipt | None = None) -> Receipt:
    """Caller holds the donation's lock and has checked state and permission."""
    today = timezone.localdate()
    exemption = _exemption_or_conflict(donation.recipient, today)
    if ReceiptItem.objects.filter(donation=donation, active=True).exists():
        raise Conflict(
            _("Für diese Spende gibt es schon eine gültige Zuwendungsbestätigung."),
            code="receipt_exists",
        )
    machine_signed = donation.kind == DonationKind.MONEY and exemption.machine_receipts_notified
    number = _next_number(donation.recipient, today.year)
    document = documents.individual(
        donation,
        number=number[1],
        issued_on=today,
        machine_signed=machine_signed,
        exemption=exemption,
        replaces=replaces,
    )
    receipt = _store(
        organisation=donation.recipient,
        kind=ReceiptKind.GOODS if donation.kind == DonationKind.GOODS else ReceiptKind.MONEY,
        number=number,
        pdf=render_receipt(document),
        amount=donation.amount,
        donations=[donation],
        today=today,
        by=by,
        machine_signed=machine_signed,
        replaces=replaces,
    )
    notices.receipt_issued(receipt, [donation])
    return receipt


def receipt_issue(*, donation: Donation, by: User) -> Receipt:
    """Issue the receipt of a confirmed donation that has none (it was confirmed without one,
    or the tax-exemption data stopped it then). Below 300 € a receipt is optional but allowed.
    Raises NotAllowed (not a member of the receiving organisation), Conflict (not confirmed;
    a valid receipt exists; tax-exemption data or address missing or too old, with the German
    message saying what to fix), Busy.
    """
    with _locking_transaction():
        donation = _lock_donation(donation)
        _check_receiving_member(donation, by)
        if donation.state != DonationState.CONFIRMED:
            raise Conflict(
                _("Eine Zuwendungsbestätigung gibt es erst, wenn der Eingang bestätigt ist."),
                code="not_confirmed",
            )
        return _issue_individual(donation, by=by)

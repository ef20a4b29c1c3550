"""Collective receipts (Sammelbestätigung): one per donor and year over the donor's confirmed money
donations that no receipt covers yet, and the January offer of them."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, InvalidInput
from marketplace.models import Organisation, OrganisationKind, User

from .. import documents, notices
from ..models import Donation, DonationState, Receipt, ReceiptItem, ReceiptKind
from ..pdf import render_receipt
from ..selectors import collectable_donations, donors_due
from .common import _check_issuer_admin, _locked, _locking_transaction
from .receipts import _exemption_or_conflict, _next_number, _store

# --- collective receipts ---------------------------------------------------------------------


def _collect(organisation: Organisation, *, donor_key: str, year: int) -> list[Donation]:
    """Lock and return the donor's collectable donations of `year`, in annex order."""
    candidates = collectable_donations(year=year, organisation=organisation).filter(
        donor_key=donor_key
    )
    ids = list(candidates.values_list("pk", flat=True))
    if not ids:
        return []
    locked = _locked(
        Donation.objects.filter(pk__in=ids).select_related("donor_organisation", "recorded_by"),
        not_found=_("Spende nicht gefunden."),
    )
    # Re-checked under the locks: a concurrent issue may have covered one meanwhile.
    covered = set(
        ReceiptItem.objects.filter(donation_id__in=ids, active=True).values_list(
            "donation_id", flat=True
        )
    )
    rows = [d for d in locked if d.pk not in covered and d.state == DonationState.CONFIRMED]
    return sorted(rows, key=lambda d: (d.donated_on, d.pk))


def _issue_collective(
    organisation: Organisation,
    *,
    donor_key: str,
    year: int,
    by: User,
    replaces: Receipt | None = None,
) -> Receipt:
    today = timezone.localdate()
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= today.year:
        raise InvalidInput(_("Bitte ein vergangenes oder das laufende Jahr angeben."), field="year")
    exemption = _exemption_or_conflict(organisation, today)
    donations = _collect(organisation, donor_key=donor_key, year=year)
    if not donations:
        raise Conflict(
            _(
                "Für diese spendende Person bzw. dieses Unternehmen gibt es im Jahr %(year)s keine "
                "bestätigten Geldspenden ohne Zuwendungsbestätigung."
            )
            % {"year": year},
            code="nothing_to_confirm",
        )
    existing = Receipt.objects.filter(
        organisation=organisation,
        kind=ReceiptKind.COLLECTIVE,
        donor_key=donor_key,
        period_year=year,
        cancelled_at__isnull=True,
    ).first()
    if existing is not None:
        raise Conflict(
            _(
                "Für %(year)s gibt es schon die Sammelbestätigung Nr. %(number)s. Für weitere "
                "Spenden bitte diese neu ausstellen (stornieren und ersetzen)."
            )
            % {"year": year, "number": existing.number},
            code="collective_exists",
        )
    machine_signed = exemption.machine_receipts_notified
    number = _next_number(organisation, today.year)
    document = documents.collective(
        organisation,
        donations,
        year=year,
        number=number[1],
        issued_on=today,
        machine_signed=machine_signed,
        exemption=exemption,
        replaces=replaces,
    )
    receipt = _store(
        organisation=organisation,
        kind=ReceiptKind.COLLECTIVE,
        number=number,
        pdf=render_receipt(document),
        amount=document.amount,
        donations=donations,
        today=today,
        by=by,
        machine_signed=machine_signed,
        replaces=replaces,
        period_year=year,
    )
    notices.receipt_issued(receipt, donations)
    return receipt


def collective_receipt_issue(
    *, organisation: Organisation, by: User, donor_key: str, year: int
) -> Receipt:
    """Issue a collective receipt (Sammelbestätigung) for one donor's confirmed money
    donations to `organisation` in `year` that no valid receipt covers yet, with the annex
    listing each of them; the annex adds up to the receipt's amount.
    Raises NotAllowed (not an admin of `organisation`), InvalidInput (year), Conflict (no such
    donations; a valid collective receipt for that donor and year exists; tax-exemption data
    missing or too old), Busy.
    """
    _check_issuer_admin(organisation, by)
    if not isinstance(donor_key, str) or not donor_key or len(donor_key) > 80:
        raise InvalidInput(
            _("Bitte die spendende Person bzw. das Unternehmen angeben."), field="donor"
        )
    with _locking_transaction():
        return _issue_collective(organisation, donor_key=donor_key, year=year, by=by)


# --- the January offer ------------------------------------------------------------------------


def collective_receipt_offers_send(*, today: dt.date | None = None) -> int:
    """In January, e-mail each approved social organisation's admins the list of donors due a
    collective receipt for the year just ended (once per organisation and year: the event key
    repeats, so running daily is harmless). Returns how many organisations were offered one.
    Precondition: none; one transaction per organisation."""
    today = today or timezone.localdate()
    if today.month != 1:
        return 0
    year = today.year - 1
    receiving = Organisation.objects.approved().filter(
        kind=OrganisationKind.SOCIAL,
        pk__in=collectable_donations(year=year).values("recipient_id"),
    )
    offered = 0
    for organisation in receiving.order_by("pk"):
        donors = donors_due(organisation, year=year)
        if not donors:
            continue
        with transaction.atomic():
            notices.collective_due(organisation, year=year, donors=donors)
        offered += 1
    return offered

"""Every write of donations: recording, confirming and rejecting donations; issuing, cancelling
and reissuing receipts; collective receipts and the January offer of them.

Who may:
- members of an approved company record its donations; the coordinator records a private
  donor's donation (name and address) on their behalf;
- members of the receiving social organisation confirm or reject a donation and issue its
  receipt; its admins cancel and reissue receipts and issue collective receipts;
- the coordinator sees everything and takes no other action.

Decisions (documented in the API):
- Missing or outdated tax-exemption data does not block confirming a donation (the money or
  goods did arrive): the confirmation stands, the receipt is refused (409 with a German
  message at `POST donations/{id}/receipt/`), and the organisation's admins are told by e-mail
  what to fix. Afterwards a member issues the receipt.
- A collective receipt lists the donor's confirmed money donations of the year that no valid
  receipt covers yet; donations that already have an individual receipt are left out, and
  while a collective receipt is valid its donations get no individual one (ReceiptItem's
  partial unique index). One valid collective receipt per donor and year.

Locks, in this order and each at most once per transaction: the donation rows (by id), the
receipt row, the organisation-and-year counter row. A lock not had within
settings.LOCK_TIMEOUT_MS raises Busy (409 with Retry-After; marketplace/locking.py).
Notifications are written in the same transaction (notify() sends them after commit).
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.locking import lock_rows, locking_transaction
from marketplace.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    TaxExemption,
    User,
)
from marketplace.text import clean_text

from . import documents, notices
from .models import (
    MAX_AMOUNT,
    Donation,
    DonationEvent,
    DonationKind,
    DonationState,
    GoodsOrigin,
    MoneyKind,
    Receipt,
    ReceiptCounter,
    ReceiptItem,
    ReceiptKind,
)
from .pdf import render_receipt
from .selectors import (
    collectable_donations,
    donor_key_for,
    donors_due,
    problem_with,
    receipt_problem,
)

# Donations older than this cannot be recorded (nobody needs a receipt for them any more).
OLDEST_DONATION_YEARS = 5
TEXT_LIMITS = {
    "donor_name": 200,
    "donor_address": 500,
    "purpose": 500,
    "description": 1000,
    "age": 100,
    "condition": 200,
    "reason": 2000,
    "message": 2000,
}
GOODS_FIELDS = ("description", "age", "condition", "purchase_price", "origin")
MONEY_FIELDS = ("waiver", "money_kind")


# --- checks -----------------------------------------------------------------------------------


def _text(value, *, field: str, required: bool = False) -> str:
    return clean_text(value, field=field, limit=TEXT_LIMITS[field], required=required)


def _amount(value, *, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidInput(_("Bitte einen Betrag in Euro angeben."), field=field)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("Bitte einen Betrag in Euro angeben."), field=field) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("Bitte einen Betrag mit höchstens zwei Nachkommastellen."), field=field
        )
    if amount <= 0 or amount > MAX_AMOUNT:
        raise InvalidInput(
            _("Der Betrag muss größer als 0 und höchstens 9.999.999,99 € sein."), field=field
        )
    return amount


def _day(value, *, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidInput(_("Bitte ein Datum angeben."), field=field)
    today = timezone.localdate()
    if value > today:
        raise InvalidInput(_("Das Datum darf nicht in der Zukunft liegen."), field=field)
    if value.year < today.year - OLDEST_DONATION_YEARS:
        raise InvalidInput(
            ngettext(
                "Spenden, die länger als %(n)d Jahr zurückliegen, können nicht erfasst werden.",
                "Spenden, die länger als %(n)d Jahre zurückliegen, können nicht erfasst werden.",
                OLDEST_DONATION_YEARS,
            )
            % {"n": OLDEST_DONATION_YEARS},
            field=field,
        )
    return value


def _choice(value, choices, *, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(_("Ungültige Auswahl."), field=field)
    return value


def _flag(value, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(_("Bitte ja (true) oder nein (false) angeben."), field=field)
    return value


def _membership(user: User, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()


def _check_receiving_member(donation: Donation, by: User, *, admin: bool = False) -> None:
    membership = _membership(by, donation.recipient)
    if membership is None:
        raise NotAllowed(
            _(
                "Nur die empfangende Organisation kann den Eingang bestätigen und "
                "Bestätigungen ausstellen."
            )
        )
    if admin and membership.role != Role.ADMIN:
        raise NotAllowed(_("Das dürfen nur Administrator*innen der Organisation."))


def _check_issuer_admin(organisation: Organisation, by: User) -> None:
    membership = _membership(by, organisation)
    if membership is None or membership.role != Role.ADMIN:
        raise NotAllowed(_("Das dürfen nur Administrator*innen der ausstellenden Organisation."))


def _busy_message() -> str:
    return _("Gerade wird an dieser Spende oder Bestätigung gearbeitet. Bitte gleich noch einmal.")


def _locking_transaction():
    """A transaction in which waiting for a row lock ends after settings.LOCK_TIMEOUT_MS."""
    return locking_transaction(_busy_message())


def _locked(queryset: QuerySet, *, not_found: str):
    """The rows of `queryset`, locked until the caller's transaction ends (in id order).
    Precondition: inside _locking_transaction(). Raises NotFound (no rows), Busy."""
    # OF self: the related rows joined in for reading are not locked (and may be null).
    rows = lock_rows(
        queryset.select_for_update(of=("self",)).order_by("pk"), busy_message=_busy_message()
    )
    if not rows:
        raise NotFound(not_found)
    return rows


def _lock_donation(donation: Donation) -> Donation:
    [locked] = _locked(
        Donation.objects.filter(pk=donation.pk).select_related(
            "recipient", "donor_organisation", "recorded_by"
        ),
        not_found=_("Spende nicht gefunden."),
    )
    return locked


def _event(donation: Donation, *, action: str, from_state: str, by: User | None, message=""):
    DonationEvent.objects.create(
        donation=donation,
        action=action,
        from_state=from_state,
        to_state=donation.state,
        by=by,
        message=message,
    )


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


def _kind_fields(kind: str, fields: dict) -> dict:
    """The kind's own fields, checked; the other kind's must be left at their defaults."""
    if kind == DonationKind.MONEY:
        stray = [name for name in GOODS_FIELDS if fields.get(name) not in ("", None)]
        if fields.get("valuation_documents"):
            stray.append("valuation_documents")
        if stray:
            raise InvalidInput(_("Dieses Feld gehört zu Sachspenden."), field=stray[0])
        return {
            "waiver": _flag(fields.get("waiver", False), field="waiver"),
            "money_kind": _choice(
                fields.get("money_kind", MoneyKind.DONATION), MoneyKind, field="money_kind"
            ),
        }
    if fields.get("waiver"):
        raise InvalidInput(_("Dieses Feld gehört zu Geldspenden."), field="waiver")
    if fields.get("money_kind", MoneyKind.DONATION) != MoneyKind.DONATION:
        raise InvalidInput(_("Dieses Feld gehört zu Geldspenden."), field="money_kind")
    price = fields.get("purchase_price")
    return {
        "description": _text(fields.get("description", ""), field="description", required=True),
        "age": _text(fields.get("age", ""), field="age"),
        "condition": _text(fields.get("condition", ""), field="condition"),
        "purchase_price": None if price is None else _amount(price, field="purchase_price"),
        "origin": _choice(fields.get("origin"), GoodsOrigin, field="origin"),
        "valuation_documents": _flag(
            fields.get("valuation_documents", False), field="valuation_documents"
        ),
    }


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


def _check_recorded(donation: Donation) -> None:
    if donation.state != DonationState.RECORDED:
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
        _check_recorded(donation)
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
        _check_recorded(donation)
        donation.state = DonationState.REJECTED
        donation.decided_by, donation.decided_at = by, timezone.now()
        donation.reason = reason
        donation.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        _event(donation, action="reject", from_state=DonationState.RECORDED, by=by, message=reason)
        notices.rejected(donation)
    return donation


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

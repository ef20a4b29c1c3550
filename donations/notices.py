"""Who hears about which step of a donation or receipt, and what the e-mail says (its context).

Called by donations.services inside the transaction of the change; notify() writes the outbox
rows there and sends after commit. Event keys name each step once, so a repeated call does not
send twice.

The donor side: a company's admins and the person who recorded the donation; a private donor at
the e-mail address the coordinator recorded, or else the coordinator who recorded it (to pass
it on by post). The receiving side: its members (notify_organisation) for news, its admins for
receipts to sign and for problems with the tax-exemption data.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q

from marketplace.models import Membership, Organisation, Role
from marketplace.selectors import admins_of
from notifications.services import Attachment, Recipient, notify, notify_organisation

from .models import Donation, Receipt, ReceiptKind
from .words import euro

DATE = "%d.%m.%Y"


def donation_url(donation: Donation) -> str:
    return f"{settings.SITE_URL}/spenden/{donation.pk}/"


def receipt_url(receipt: Receipt) -> str:
    return f"{settings.SITE_URL}/zuwendungsbestaetigungen/{receipt.pk}/"


def _donation_context(donation: Donation, **extra) -> dict:
    data = {
        "donation_id": donation.pk,
        "donation_kind": donation.kind,
        "amount": euro(donation.amount),
        "donated_on": donation.donated_on.strftime(DATE),
        "donor_name": donation.donor_name,
        "receiving_name": donation.recipient.name,
        "description": donation.description,
        "purpose": donation.purpose,
        "donation_url": donation_url(donation),
    }
    data.update(extra)
    return data


def _receipt_context(receipt: Receipt, donations: Sequence[Donation], **extra) -> dict:
    data = {
        "receipt_id": receipt.pk,
        "receipt_number": receipt.number,
        "receipt_kind": receipt.kind,
        "collective": receipt.kind == ReceiptKind.COLLECTIVE,
        "period_year": receipt.period_year,
        "amount": euro(receipt.amount),
        "donor_name": receipt.donor_name,
        "receiving_name": receipt.organisation.name,
        "machine_signed": receipt.machine_signed,
        "donations": len(donations),
        "donated_on": donations[0].donated_on.strftime(DATE) if len(donations) == 1 else "",
        "receipt_url": receipt_url(receipt),
        "replaces_number": receipt.replaces.number if receipt.replaces_id else "",
    }
    data.update(extra)
    return data


def _donor_side(donations: Sequence[Donation]) -> tuple[list, Organisation | None]:
    """Who on the donor's side hears about a donation or its receipt (see the module doc)."""
    latest = max(donations, key=lambda d: (d.donated_on, d.pk))
    organisation = latest.donor_organisation
    if organisation is not None:
        recorders = {d.recorded_by_id for d in donations if d.recorded_by_id is not None}
        memberships = Membership.objects.filter(
            Q(role=Role.ADMIN) | Q(user_id__in=recorders),
            organisation=organisation,
            user__is_active=True,
        )
        people = [m.user for m in memberships.select_related("user").order_by("id")]
        return people, organisation
    if latest.donor_email:
        return [Recipient(email=latest.donor_email)], None
    recorder = latest.recorded_by
    return ([recorder] if recorder is not None and recorder.is_active else []), None


def _pdf(receipt: Receipt) -> list[Attachment]:
    return [Attachment(receipt.filename, "application/pdf", bytes(receipt.pdf))]


# --- donations --------------------------------------------------------------------------------


def recorded(donation: Donation) -> None:
    """A company (or the coordinator) recorded a donation: the receiving side confirms it."""
    notify_organisation(
        kind="donation_recorded",
        organisation=donation.recipient,
        context=_donation_context(donation, on_behalf=donation.donor_organisation_id is None),
        event_key=f"donation:{donation.pk}:recorded",
    )


def confirmed(donation: Donation, *, problem: str = "", receipt_requested: bool = True) -> None:
    """The receiving side confirmed a donation without issuing a receipt now (none was asked
    for, or the tax-exemption data stopped it); with a receipt, receipt_issued() tells."""
    people, organisation = _donor_side([donation])
    notify(
        kind="donation_confirmed",
        recipients=people,
        context=_donation_context(
            donation, receipt_delayed=bool(problem), receipt_requested=receipt_requested
        ),
        event_key=f"donation:{donation.pk}:confirmed",
        organisation=organisation,
    )


def rejected(donation: Donation) -> None:
    people, organisation = _donor_side([donation])
    notify(
        kind="donation_rejected",
        recipients=people,
        context=_donation_context(donation, reason=donation.reason),
        event_key=f"donation:{donation.pk}:rejected",
        organisation=organisation,
    )


def receipt_blocked(donation: Donation, *, problem: str) -> None:
    """The receipt could not be issued: the receiving organisation's admins fix their data."""
    notify(
        kind="receipt_blocked",
        recipients=admins_of(donation.recipient),
        context=_donation_context(donation, problem=problem),
        event_key=f"donation:{donation.pk}:receipt_blocked",
        organisation=donation.recipient,
    )


# --- receipts ---------------------------------------------------------------------------------


def receipt_issued(receipt: Receipt, donations: Sequence[Donation]) -> None:
    """A machine-signed receipt goes to the donor as PDF. Any other goes to the issuing
    organisation's admins to print and sign by hand, and the donor is told it is coming."""
    people, organisation = _donor_side(donations)
    context = _receipt_context(receipt, donations)
    key = f"receipt:{receipt.pk}:issued"
    if receipt.machine_signed:
        notify(
            kind="receipt_issued",
            recipients=people,
            context=context,
            event_key=key,
            organisation=organisation,
            attachments=_pdf(receipt),
        )
        return
    notify(
        kind="receipt_to_sign",
        recipients=admins_of(receipt.organisation),
        context=context,
        event_key=key,
        organisation=receipt.organisation,
        attachments=_pdf(receipt),
    )
    notify(
        kind="receipt_coming",
        recipients=people,
        context=context,
        event_key=key,
        organisation=organisation,
    )


def receipt_cancelled(
    receipt: Receipt, donations: Sequence[Donation], *, replaced_by: Receipt | None
) -> None:
    people, organisation = _donor_side(donations)
    notify(
        kind="receipt_cancelled",
        recipients=people,
        context=_receipt_context(
            receipt,
            donations,
            reason=receipt.cancel_reason,
            new_number=replaced_by.number if replaced_by is not None else "",
        ),
        event_key=f"receipt:{receipt.pk}:cancelled",
        organisation=organisation,
    )


def collective_due(organisation: Organisation, *, year: int, donors: list[dict]) -> None:
    """January: the organisation's admins get the list of donors due a collective receipt."""
    notify(
        kind="receipt_collective_due",
        recipients=admins_of(organisation),
        context={
            "year": year,
            "donors": [
                {
                    "name": row["donor_name"],
                    "donations": row["donations"],
                    "total": euro(row["total"]),
                    "donor_key": row["donor_key"],
                }
                for row in donors
            ],
            "donor_count": len(donors),
            "due_url": (
                f"{settings.SITE_URL}/organisationen/{organisation.pk}/zuwendungsbestaetigungen/"
                f"?jahr={year}"
            ),
        },
        event_key=f"receipt_collective_due:{organisation.pk}:{year}",
        organisation=organisation,
    )

"""Reads of donations and receipts that the API, the services and the beat task share.

A donation and its receipts are visible to the members of the donating company, the members of
the receiving organisation and the coordinator; everyone else is told they do not exist (404).
"""

import hashlib
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from marketplace.models import Membership, Organisation, OrganisationKind, TaxExemption, User

from .models import (
    Donation,
    DonationEvent,
    DonationKind,
    DonationState,
    Receipt,
    ReceiptItem,
    ReceiptKind,
)

# Receipt columns the lists show; the PDF bytes stay in the database until someone downloads.
RECEIPT_SUMMARY = (
    "id",
    "organisation_id",
    "donor_organisation_id",
    "number",
    "kind",
    "amount",
    "issued_on",
    "issued_at",
    "machine_signed",
    "cancelled_at",
    "cancel_reason",
    "sha256",
    "period_year",
    "donor_name",
    "replaces_id",
)


def donor_key_for(*, organisation_id: int | None, name: str = "", address: str = "") -> str:
    """Who "the donor" is across donations: the company, or a private person by name and
    address (case and spacing ignored)."""
    if organisation_id is not None:
        return f"org:{organisation_id}"
    normalised = "\n".join(" ".join(part.lower().split()) for part in (name, address))
    return "person:" + hashlib.sha256(normalised.encode()).hexdigest()[:40]


def _own_organisations(user: User) -> QuerySet:
    return Membership.objects.filter(user=user).values("organisation_id")


def donations_visible_to(user: User) -> QuerySet[Donation]:
    if not user.is_authenticated:
        return Donation.objects.none()
    if user.is_coordinator:
        return Donation.objects.all()
    own = _own_organisations(user)
    return Donation.objects.filter(Q(recipient_id__in=own) | Q(donor_organisation_id__in=own))


def donations_for_display(user: User) -> QuerySet[Donation]:
    """Visible donations with everything the API shows (organisations, the valid receipt, the
    tax-exemption data that decides whether a receipt can be issued), in a constant number of
    queries."""
    valid_items = (
        ReceiptItem.objects.filter(active=True)
        .select_related("receipt")
        .only("id", "donation_id", "receipt_id", *(f"receipt__{name}" for name in RECEIPT_SUMMARY))
    )
    return (
        donations_visible_to(user)
        .select_related(
            "recipient", "recipient__tax_exemption", "donor_organisation", "recorded_by"
        )
        .prefetch_related(
            Prefetch("receipt_items", queryset=valid_items, to_attr="valid_items"),
            Prefetch("events", queryset=DonationEvent.objects.select_related("by")),
        )
    )


def receipts_visible_to(user: User) -> QuerySet[Receipt]:
    if not user.is_authenticated:
        return Receipt.objects.none()
    if user.is_coordinator:
        return Receipt.objects.all()
    own = _own_organisations(user)
    return Receipt.objects.filter(Q(organisation_id__in=own) | Q(donor_organisation_id__in=own))


def receipts_for_display(user: User) -> QuerySet[Receipt]:
    return (
        receipts_visible_to(user)
        .select_related("organisation", "donor_organisation")
        .only(*RECEIPT_SUMMARY, "organisation__name", "donor_organisation__name")
    )


def valid_receipt_of(donation: Donation) -> Receipt | None:
    """The valid (not cancelled) receipt that covers the donation, individual or collective."""
    item = (
        ReceiptItem.objects.filter(donation=donation, active=True).select_related("receipt").first()
    )
    return item.receipt if item else None


def receipt_problem(organisation: Organisation, day: date) -> str:
    """Why `organisation` cannot issue a receipt dated `day` (a German message for its people),
    or "" if it can: it needs its tax-exemption data, a notice young enough (§ 63 Abs. 5 AO)
    and an address to print as the issuer's."""
    exemption = TaxExemption.objects.filter(organisation=organisation).first()
    return problem_with(organisation, exemption, day)


def problem_with(organisation: Organisation, exemption: TaxExemption | None, day: date) -> str:
    """receipt_problem() with the tax-exemption row already loaded (None: there is none)."""
    if organisation.kind != OrganisationKind.SOCIAL:
        return _(
            "Nur steuerbegünstigte soziale Organisationen stellen Zuwendungsbestätigungen aus."
        )
    if exemption is None:
        return _(
            "Für Zuwendungsbestätigungen fehlen die Angaben zur Steuerbefreiung Ihrer "
            "Organisation (Finanzamt, Steuernummer, Art und Datum des Bescheids, Zwecke). Bitte "
            "im Profil der Organisation ergänzen; danach kann die Bestätigung ausgestellt werden."
        )
    if not exemption.allows_receipts_on(day):
        return _(
            "Der Bescheid des Finanzamts vom %(date)s ist zu alt für Zuwendungsbestätigungen "
            "(ein Freistellungsbescheid gilt dafür 5 Jahre, eine Feststellung nach § 60a AO 3 "
            "Jahre; § 63 Abs. 5 AO). Bitte den aktuellen Bescheid im Profil der Organisation "
            "eintragen; danach kann die Bestätigung ausgestellt werden."
        ) % {"date": exemption.notice_date.strftime("%d.%m.%Y")}
    if not (organisation.street.strip() and organisation.postcode.strip()):
        return _(
            "Für Zuwendungsbestätigungen fehlt die Anschrift Ihrer Organisation (Straße und "
            "Postleitzahl). Bitte im Profil der Organisation ergänzen."
        )
    return ""


def collectable_donations(
    *, year: int, organisation: Organisation | None = None
) -> QuerySet[Donation]:
    """Confirmed money donations (to `organisation`, or to anyone) in `year` that no valid
    receipt covers yet: what collective receipts for their donors would list."""
    covered = ReceiptItem.objects.filter(donation_id=OuterRef("pk"), active=True)
    donations = Donation.objects.filter(
        kind=DonationKind.MONEY, state=DonationState.CONFIRMED, donated_on__year=year
    ).exclude(Exists(covered))
    return donations if organisation is None else donations.filter(recipient=organisation)


def donors_due(organisation: Organisation, *, year: int) -> list[dict]:
    """Donors of `organisation` who are due a collective receipt for `year`: they have
    collectable donations and no valid collective receipt for that year. One query."""
    return list(donors_due_rows(organisation, year=year))


def donors_due_rows(organisation: Organisation, *, year: int) -> QuerySet:
    """donors_due() as a query of dicts, by donor name then key (for the API's pages)."""
    has_collective = Receipt.objects.filter(
        organisation=organisation,
        kind=ReceiptKind.COLLECTIVE,
        period_year=year,
        cancelled_at__isnull=True,
        donor_key=OuterRef("donor_key"),
    )
    rows = (
        collectable_donations(year=year, organisation=organisation)
        .exclude(Exists(has_collective))
        .values("donor_key")
        .annotate(
            donor_name=Max("donor_name"),
            donor_organisation=Max("donor_organisation_id"),
            donations=Count("id"),
            total=Sum("amount"),
        )
        .order_by("donor_name", "donor_key")
    )
    return rows


# --- reads for the reports (reports/ aggregates these; it writes nothing) ----------------------


def donations_received() -> QuerySet[Donation]:
    """Donations whose receipt the receiving organisation confirmed (dated by `donated_on`);
    recorded-only and rejected ones never count."""
    return Donation.objects.filter(state=DonationState.CONFIRMED)


def receipts_in_force() -> QuerySet[Receipt]:
    """Receipts not cancelled (dated by `issued_on`): a cancelled and reissued receipt counts
    once, as its replacement."""
    return Receipt.objects.filter(cancelled_at__isnull=True)


def is_private_donor_key(key: str) -> bool:
    return key.startswith("person:")

"""What goes on a receipt, taken from the database rows (pdf.py draws it).

The assessment period that a Freistellungsbescheid covers is not recorded with the
organisation's tax-exemption data; it is printed as the calendar year before the notice's date,
the period such a notice is normally issued for.
"""

from collections.abc import Sequence
from datetime import date

from marketplace.models import Organisation, TaxExemption

from . import pdf
from .models import Donation, DonationKind, MoneyKind, Receipt

# The annex is German whatever language the person issuing it reads.
ANNEX_KIND_LABELS = {
    MoneyKind.DONATION: "Geldzuwendung",
    MoneyKind.MEMBERSHIP_FEE: "Mitgliedsbeitrag",
}


def postal_address(organisation: Organisation) -> str:
    """Street, then postcode and city, one per line (lines the profile lacks are left out)."""
    place = " ".join(part for part in (organisation.postcode, organisation.city) if part)
    return "\n".join(line for line in (organisation.street, place) if line.strip())


def issuer_of(organisation: Organisation) -> pdf.Issuer:
    lines = tuple(postal_address(organisation).splitlines())
    return pdf.Issuer(name=organisation.name, address_lines=lines, city=organisation.city)


def exemption_of(exemption: TaxExemption) -> pdf.Exemption:
    return pdf.Exemption(
        notice_kind=exemption.notice_kind,
        tax_office=exemption.tax_office,
        tax_number=exemption.tax_number,
        notice_date=exemption.notice_date,
        purposes=exemption.purposes,
        period=str(exemption.notice_date.year - 1),
    )


def _replaces(receipt: Receipt | None) -> str:
    if receipt is None:
        return ""
    return f"{receipt.number} vom {receipt.issued_on:%d.%m.%Y}"


def individual(
    donation: Donation,
    *,
    number: str,
    issued_on: date,
    machine_signed: bool,
    exemption: TaxExemption,
    replaces: Receipt | None = None,
) -> pdf.ReceiptDocument:
    goods = None
    if donation.kind == DonationKind.GOODS:
        goods = pdf.Goods(
            description=donation.description,
            age=donation.age,
            condition=donation.condition,
            purchase_price=donation.purchase_price,
            origin=donation.origin,
            valuation_documents=donation.valuation_documents,
        )
    return pdf.ReceiptDocument(
        kind=donation.kind,
        number=number,
        issuer=issuer_of(donation.recipient),
        donor_name=donation.donor_name,
        donor_address=donation.donor_address,
        amount=donation.amount,
        exemption=exemption_of(exemption),
        issued_on=issued_on,
        machine_signed=machine_signed,
        donated_on=donation.donated_on,
        waiver=donation.waiver,
        goods=goods,
        replaces=_replaces(replaces),
    )


def collective(
    organisation: Organisation,
    donations: Sequence[Donation],
    *,
    year: int,
    number: str,
    issued_on: date,
    machine_signed: bool,
    exemption: TaxExemption,
    replaces: Receipt | None = None,
) -> pdf.ReceiptDocument:
    """`donations` in the order of the annex; the donor's name and address are the latest
    donation's."""
    latest = max(donations, key=lambda d: (d.donated_on, d.pk))
    annex = tuple(
        pdf.AnnexLine(
            donated_on=donation.donated_on,
            kind_label=ANNEX_KIND_LABELS[donation.money_kind],
            waiver=donation.waiver,
            amount=donation.amount,
        )
        for donation in donations
    )
    end = date(year, 12, 31) if issued_on.year > year else issued_on
    return pdf.ReceiptDocument(
        kind="collective",
        number=number,
        issuer=issuer_of(organisation),
        donor_name=latest.donor_name,
        donor_address=latest.donor_address,
        amount=sum((donation.amount for donation in donations), start=donations[0].amount * 0),
        exemption=exemption_of(exemption),
        issued_on=issued_on,
        machine_signed=machine_signed,
        period=(date(year, 1, 1), end),
        annex=annex,
        replaces=_replaces(replaces),
    )

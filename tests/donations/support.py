"""Building blocks of the donation tests: a company and a social organisation with their people
and tax-exemption data, donations recorded and confirmed through the services, and PDFs read
back as text."""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from donations import services
from donations.models import Donation, Receipt
from marketplace.models import Organisation, Role, TaxExemption, User
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    TaxExemptionFactory,
    member_of,
)

OFFICE = "Finanzamt für Körperschaften I Berlin"
TAX_NUMBER = "27/640/12345"
PURPOSES = "Förderung der Jugendhilfe und der Altenhilfe"


@dataclass
class World:
    company: Organisation
    social: Organisation
    exemption: TaxExemption
    company_admin: User
    company_member: User
    social_admin: User
    social_member: User
    outsider: User
    coordinator: User


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def make_world(*, machine_receipts_notified: bool = True) -> World:
    company = CompanyFactory(
        name="Kiezbäckerei Wassertor GmbH", street="Oranienstraße 12", postcode="10999"
    )
    social = SocialOrganisationFactory(
        name="Nachbarschaftshaus am Wassertor e.V.",
        street="Wassertorstraße 48",
        postcode="10969",
        city="Berlin",
    )
    exemption = TaxExemptionFactory(
        organisation=social,
        tax_office=OFFICE,
        tax_number=TAX_NUMBER,
        notice_kind="freistellung",
        notice_date=dt.date(timezone.localdate().year - 1, 3, 14),
        purposes=PURPOSES,
        machine_receipts_notified=machine_receipts_notified,
    )
    return World(
        company=company,
        social=social,
        exemption=exemption,
        company_admin=member_of(company, Role.ADMIN, full_name="Carla Admin"),
        company_member=member_of(company, full_name="Cem Mitglied"),
        social_admin=member_of(social, Role.ADMIN, full_name="Sara Admin"),
        social_member=member_of(social, full_name="Samir Mitglied"),
        outsider=member_of(SocialOrganisationFactory(), Role.ADMIN, full_name="Olga Fremd"),
        coordinator=CoordinatorFactory(),
    )


def record_money(world: World, amount="1322.00", **extra) -> Donation:
    return services.donation_record(
        by=extra.pop("by", world.company_member),
        kind="money",
        recipient_id=extra.pop("recipient_id", world.social.pk),
        donor_organisation_id=extra.pop("donor_organisation_id", world.company.pk),
        amount=Decimal(amount),
        donated_on=extra.pop("donated_on", days_ago(3)),
        purpose=extra.pop("purpose", "Hausaufgabenhilfe"),
        **extra,
    )


def record_goods(world: World, value="480.00", **extra) -> Donation:
    return services.donation_record(
        by=extra.pop("by", world.company_member),
        kind="goods",
        recipient_id=world.social.pk,
        donor_organisation_id=world.company.pk,
        amount=Decimal(value),
        donated_on=extra.pop("donated_on", days_ago(5)),
        description=extra.pop("description", "Laptop Lenovo ThinkPad T14 mit Netzteil"),
        age=extra.pop("age", "2 Jahre"),
        condition=extra.pop("condition", "gut, voll funktionsfähig"),
        purchase_price=extra.pop("purchase_price", Decimal("1100.00")),
        origin=extra.pop("origin", "business"),
        valuation_documents=extra.pop("valuation_documents", True),
        **extra,
    )


def record_private(world: World, amount="150.00", **extra) -> Donation:
    return services.donation_record(
        by=world.coordinator,
        kind="money",
        recipient_id=world.social.pk,
        amount=Decimal(amount),
        donated_on=extra.pop("donated_on", days_ago(2)),
        donor_name=extra.pop("donor_name", "Erika Mustermann"),
        donor_address=extra.pop("donor_address", "Skalitzer Straße 7\n10997 Berlin"),
        **extra,
    )


def confirm(world: World, donation: Donation, **extra) -> Donation:
    return services.donation_confirm(donation=donation, by=world.social_member, **extra)


def receipt_of(donation: Donation) -> Receipt:
    return Receipt.objects.get(items__donation=donation, items__active=True)


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text, with runs of whitespace (line breaks of the layout) as one space."""
    reader = PdfReader(io.BytesIO(bytes(content)))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_text(content: bytes) -> str:
    return " ".join(pdf_pages(content))


def mails_to(user_or_email) -> list:
    email = getattr(user_or_email, "email", user_or_email)
    return [message for message in mail.outbox if email in message.to]


def pdf_attachments(message) -> list[tuple[str, bytes]]:
    return [
        (name, content)
        for name, content, mimetype in message.attachments
        if mimetype == "application/pdf"
    ]

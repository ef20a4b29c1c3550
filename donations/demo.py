"""Demo donations for `manage.py seed_demo`: one of each situation a person meets first.

- Spreewerk Design → Nachbarschaftshaus: money, confirmed, with its machine-signed receipt;
- Görlitzer Druckhaus → Nachbarschaftshaus: money below 300 €, confirmed without a receipt
  (one for a collective receipt at the end of the year);
- Kanalblick IT → Kinderladen Sonnenblume: three laptops, waiting to be confirmed;
- a neighbour (recorded by the coordinator) → Förderverein der Grundschule: waiting.

Rows are written directly (see seed_demo's docstring: no e-mails) and found again by
(recipient, donor, purpose), so a second run creates nothing. The receipt is drawn by the same
code as every receipt and numbered from the organisation's counter.
"""

import datetime as dt
import hashlib
from decimal import Decimal

from django.utils import timezone

from marketplace.models import TaxExemption

from . import documents
from .models import (
    Donation,
    DonationEvent,
    DonationState,
    Receipt,
    ReceiptCounter,
    ReceiptItem,
    ReceiptKind,
)
from .pdf import render_receipt
from .selectors import donor_key_for

NEIGHBOUR = ("Helga Brandstetter", "Fraenkelufer 12\n10999 Berlin", "helga.b@example.org")

# (donor company slug or None, recipient slug, kind, amount, days ago, state, fields)
DONATIONS = [
    (
        "spreewerk-design",
        "nachbarschaftshaus-am-wassertor",
        "money",
        "1500.00",
        12,
        DonationState.CONFIRMED,
        {"purpose": "Hausaufgabenhilfe im Winterhalbjahr"},
    ),
    (
        "goerlitzer-druckhaus",
        "nachbarschaftshaus-am-wassertor",
        "money",
        "250.00",
        30,
        DonationState.CONFIRMED,
        {"purpose": "Kiezküche"},
    ),
    (
        "kanalblick-it",
        "kinderladen-sonnenblume",
        "goods",
        "600.00",
        4,
        DonationState.RECORDED,
        {
            "purpose": "Laptops für die Elternarbeit",
            "description": "3 Laptops (Lenovo ThinkPad T480) mit Netzteilen, Daten gelöscht",
            "age": "5 Jahre",
            "condition": "gebraucht, voll funktionsfähig",
            "purchase_price": Decimal("2700.00"),
            "origin": "business",
            "valuation_documents": True,
        },
    ),
    (
        None,
        "grundschule-am-wassertorplatz",
        "money",
        "80.00",
        2,
        DonationState.RECORDED,
        {"purpose": "Leseclub"},
    ),
]


def _donation(demo, company_slug, recipient_slug, kind, amount, days, state, fields):
    recipient = demo.organisations.get(recipient_slug)
    if recipient is None:
        return None
    company = demo.organisations.get(company_slug) if company_slug else None
    if company_slug and company is None:
        return None
    if company is not None:
        name, address, email = company.name, documents.postal_address(company), ""
        recorder = company.memberships.order_by("id").first().user
    else:
        (name, address, email), recorder = NEIGHBOUR, demo.coordinator
    key = donor_key_for(organisation_id=company.pk if company else None, name=name, address=address)
    today = timezone.localdate()
    donation, created = Donation.objects.get_or_create(
        recipient=recipient,
        donor_key=key,
        purpose=fields["purpose"],
        defaults={
            "kind": kind,
            "state": state,
            "donor_organisation": company,
            "donor_name": name,
            "donor_address": address,
            "donor_email": email,
            "amount": Decimal(amount),
            "donated_on": today - dt.timedelta(days=days),
            "recorded_by": recorder,
            "recorded_at": timezone.now() - dt.timedelta(days=days),
            **{k: v for k, v in fields.items() if k != "purpose"},
        },
    )
    demo.count_created(donation, created)
    if created:
        DonationEvent.objects.create(donation=donation, action="record", to_state="recorded")
        if state == DonationState.CONFIRMED:
            donation.decided_at = timezone.now() - dt.timedelta(days=days - 1)
            donation.decided_by = recipient.memberships.order_by("id").first().user
            donation.save(update_fields=["decided_at", "decided_by"])
            DonationEvent.objects.create(
                donation=donation,
                action="confirm",
                from_state="recorded",
                to_state="confirmed",
                by=donation.decided_by,
            )
    return donation


def _receipt(demo, donation: Donation) -> None:
    if donation.receipt_items.filter(active=True).exists():
        return
    exemption = TaxExemption.objects.get(organisation=donation.recipient)
    today = timezone.localdate()
    counter, _created = ReceiptCounter.objects.get_or_create(
        organisation=donation.recipient, year=today.year
    )
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    number = f"{today.year}-{counter.last_sequence:04d}"
    machine_signed = exemption.machine_receipts_notified
    pdf = render_receipt(
        documents.individual(
            donation,
            number=number,
            issued_on=today,
            machine_signed=machine_signed,
            exemption=exemption,
        )
    )
    receipt = Receipt.objects.create(
        organisation=donation.recipient,
        year=today.year,
        sequence=counter.last_sequence,
        number=number,
        kind=ReceiptKind.MONEY,
        donor_organisation=donation.donor_organisation,
        donor_key=donation.donor_key,
        donor_name=donation.donor_name,
        donor_address=donation.donor_address,
        amount=donation.amount,
        issued_on=today,
        issued_by=donation.decided_by,
        machine_signed=machine_signed,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    ReceiptItem.objects.create(receipt=receipt, donation=donation)
    demo.count_created(receipt, True)


def seed_donations(demo) -> None:
    for row in DONATIONS:
        donation = _donation(demo, *row)
        if donation is not None and donation.purpose == "Hausaufgabenhilfe im Winterhalbjahr":
            _receipt(demo, donation)


SEEDERS = [seed_donations]

"""Receipts once issued: numbering without gaps, corrections that cancel and reissue, and the
database refusing any change to an issued receipt.

Given confirmed donations with receipts, when an admin corrects or cancels one, then the old
receipt stays as it was (marked cancelled, with the reason), a new one with a new number
replaces it, and the donor hears of both.
"""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core import mail
from django.db import DatabaseError, IntegrityError, transaction

from donations import pdf as pdf_module
from donations import services
from donations.models import Receipt, ReceiptCounter, ReceiptItem
from marketplace.errors import Conflict, NotAllowed
from tests.factories import SocialOrganisationFactory, TaxExemptionFactory, member_of

from .support import (
    confirm,
    days_ago,
    mails_to,
    pdf_attachments,
    pdf_text,
    receipt_of,
    record_money,
)

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year


def test_numbers_run_per_organisation_and_year_without_gaps(world):
    other = SocialOrganisationFactory(street="Naunynstraße 1", postcode="10997")
    TaxExemptionFactory(organisation=other)
    other_member = member_of(other)

    numbers = [receipt_of(confirm(world, record_money(world))).number for _ in range(3)]
    elsewhere = services.donation_confirm(
        donation=record_money(world, recipient_id=other.pk), by=other_member
    )

    assert numbers == [f"{YEAR}-0001", f"{YEAR}-0002", f"{YEAR}-0003"]
    assert receipt_of(elsewhere).number == f"{YEAR}-0001"
    assert ReceiptCounter.objects.get(organisation=world.social, year=YEAR).last_sequence == 3


def test_a_failed_issue_gives_its_number_back(world, monkeypatch):
    first = confirm(world, record_money(world))
    second = record_money(world)

    def broken(document):
        raise RuntimeError("printer on fire")

    with monkeypatch.context() as patch:
        patch.setattr("donations.services.receipts.render_receipt", broken)
        with pytest.raises(RuntimeError):
            confirm(world, second)
    second.refresh_from_db()
    assert second.state == "recorded"  # the whole confirmation was rolled back
    confirm(world, second)

    assert receipt_of(first).number == f"{YEAR}-0001"
    assert receipt_of(second).number == f"{YEAR}-0002"


def test_a_correction_cancels_the_old_receipt_and_issues_a_new_one(world, committed):
    donation = confirm(world, record_money(world, "1322.00"))
    old = receipt_of(donation)
    old_pdf, old_hash = bytes(old.pdf), old.sha256
    mail.outbox.clear()

    # When an admin corrects the amount
    new = committed(
        services.receipt_cancel_and_reissue,
        receipt=old,
        by=world.social_admin,
        reason="Betrag falsch erfasst",
        corrections={"amount": Decimal("1332.00")},
    )

    # Then the old receipt is kept unchanged, marked cancelled with the reason
    old.refresh_from_db()
    assert old.cancelled_at is not None and old.cancel_reason == "Betrag falsch erfasst"
    assert old.cancelled_by == world.social_admin
    assert bytes(old.pdf) == old_pdf and old.sha256 == old_hash
    assert old.amount == Decimal("1322.00")
    # ... the new one has a new number, the corrected amount, and names the one it replaces
    assert new.number == f"{YEAR}-0002" and new.replaces == old
    assert new.amount == Decimal("1332.00")
    text = pdf_text(new.pdf)
    assert "eintausenddreihundertzweiunddreißig Euro" in text
    assert f"ersetzt die stornierte Zuwendungsbestätigung Nr. {old.number} vom" in text
    assert new.sha256 == hashlib.sha256(bytes(new.pdf)).hexdigest()
    # ... the donation now points at the new receipt only
    assert receipt_of(donation) == new
    assert list(ReceiptItem.objects.filter(receipt=old).values_list("active", flat=True)) == [False]
    donation.refresh_from_db()
    assert donation.amount == Decimal("1332.00")
    assert donation.events.last().action == "correct"
    # ... and the company hears of the cancellation and gets the new PDF
    subjects = sorted(m.subject for m in mails_to(world.company_admin))
    assert any(f"Nr. {old.number}" in s and "storniert" in s for s in subjects)
    [new_mail] = [m for m in mails_to(world.company_admin) if pdf_attachments(m)]
    assert pdf_attachments(new_mail)[0][1] == bytes(new.pdf)
    assert "Betrag falsch erfasst" in next(
        m.body for m in mails_to(world.company_admin) if "storniert" in m.subject
    )


def test_a_cancelled_receipt_cannot_be_cancelled_or_reissued_again(world):
    old = receipt_of(confirm(world, record_money(world)))
    services.receipt_cancel_and_reissue(receipt=old, by=world.social_admin, reason="Tippfehler")
    old.refresh_from_db()

    with pytest.raises(Conflict):
        services.receipt_cancel_and_reissue(receipt=old, by=world.social_admin, reason="nochmal")
    with pytest.raises(Conflict):
        services.receipt_cancel(receipt=old, by=world.social_admin, reason="nochmal")
    assert Receipt.objects.count() == 2


def test_only_the_issuers_admins_correct_or_cancel(world):
    receipt = receipt_of(confirm(world, record_money(world)))

    for person in (world.social_member, world.company_admin, world.coordinator, world.outsider):
        with pytest.raises(NotAllowed):
            services.receipt_cancel_and_reissue(receipt=receipt, by=person, reason="x")
        with pytest.raises(NotAllowed):
            services.receipt_cancel(receipt=receipt, by=person, reason="x")
    receipt.refresh_from_db()
    assert receipt.cancelled_at is None and Receipt.objects.count() == 1


def test_a_reissue_with_outdated_tax_data_changes_nothing(world):
    receipt = receipt_of(confirm(world, record_money(world)))
    world.exemption.notice_date = days_ago(6 * 366)
    world.exemption.save()

    with pytest.raises(Conflict) as refused:
        services.receipt_cancel_and_reissue(receipt=receipt, by=world.social_admin, reason="x")

    assert "zu alt" in refused.value.message
    receipt.refresh_from_db()
    assert receipt.cancelled_at is None and Receipt.objects.count() == 1


def test_cancelling_without_replacement_frees_the_donation_for_a_new_receipt(world, committed):
    donation = confirm(world, record_money(world))
    receipt = receipt_of(donation)
    mail.outbox.clear()

    committed(services.receipt_cancel, receipt=receipt, by=world.social_admin, reason="Rückbuchung")

    receipt.refresh_from_db()
    assert receipt.cancelled_at is not None
    assert not ReceiptItem.objects.filter(donation=donation, active=True).exists()
    assert "storniert" in mails_to(world.company_admin)[0].subject
    again = services.receipt_issue(donation=donation, by=world.social_member)
    assert again.number == f"{YEAR}-0002"


def test_reissue_and_cancel_through_the_api(world, client_for, send):
    receipt = receipt_of(confirm(world, record_money(world)))
    admin = client_for(world.social_admin)
    url = f"/api/v1/donations/receipts/{receipt.pk}/"

    response = send(
        admin,
        "post",
        url + "reissue/",
        {
            "reason": "Anschrift falsch",
            "corrections": {"donor_address": "Neue Straße 1\n10999 Berlin"},
        },
    )

    assert response.status_code == 201, response.content
    new = response.json()
    assert new["number"] == f"{YEAR}-0002" and new["replaces"] == receipt.pk
    assert "Neue Straße 1 10999 Berlin" in pdf_text(Receipt.objects.get(pk=new["id"]).pdf)
    old = admin.get(url).json()
    assert old["cancelled"] is True and old["cancel_reason"] == "Anschrift falsch"
    # The cancelled receipt stays downloadable, unchanged.
    assert admin.get(f"/api/v1/donations/receipts/{receipt.pk}.pdf").content == bytes(receipt.pdf)
    new_url = f"/api/v1/donations/receipts/{new['id']}/"
    member = send(client_for(world.social_member), "post", new_url + "reissue/", {"reason": "x"})
    assert member.status_code == 403
    outsider = send(client_for(world.outsider), "post", new_url + "reissue/", {"reason": "x"})
    assert outsider.status_code == 404
    assert client_for(world.outsider).get(new_url).status_code == 404
    assert client_for(world.outsider).get(new_url[:-1] + ".pdf").status_code == 404
    cancelled = send(admin, "post", new_url + "cancel/", {"reason": "Spende zurückgezahlt"})
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True
    again = send(admin, "post", new_url + "cancel/", {"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "cancelled"


def test_the_database_refuses_to_change_an_issued_receipt(world):
    receipt = receipt_of(confirm(world, record_money(world)))

    for change in (
        {"pdf": b"%PDF-1.4 forged"},
        {"sha256": "0" * 64},
        {"amount": Decimal("1.00")},
        {"number": f"{YEAR}-9999"},
        {"donor_name": "Jemand Anders"},
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            Receipt.objects.filter(pk=receipt.pk).update(**change)
    receipt.refresh_from_db()
    assert receipt.sha256 == hashlib.sha256(bytes(receipt.pdf)).hexdigest()

    # Cancelling is allowed once; taking it back is not.
    services.receipt_cancel(receipt=receipt, by=world.social_admin, reason="Fehler")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).update(cancelled_at=None)


def test_a_collective_receipt_pdf_is_rendered_only_when_its_annex_adds_up():
    document = pdf_module.ReceiptDocument(
        kind="collective",
        number="2026-0001",
        issuer=pdf_module.Issuer("Verein", ("Straße 1", "10999 Berlin"), "Berlin"),
        donor_name="X",
        donor_address="Y",
        amount=Decimal("30.00"),
        exemption=pdf_module.Exemption(
            "freistellung",
            "Finanzamt Kreuzberg",
            "12/345/67890",
            dt.date(2025, 1, 1),
            "Kultur",
            "2024",
        ),
        issued_on=dt.date(2026, 1, 10),
        machine_signed=True,
        period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        annex=(
            pdf_module.AnnexLine(dt.date(2025, 3, 1), "Geldzuwendung", False, Decimal("20.00")),
        ),
    )

    with pytest.raises(ValueError, match="add up"):
        pdf_module.render_receipt(document)

"""Donation pages: a company records money or goods, the social organisation confirms (with its
receipt) or rejects, receipts are downloaded, corrected and collected per year, the coordinator
records for private donors, and a completed volunteer action offers its participation
confirmation. The pages call the same services as /api/v1/donations/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import BookingKind, BookingState
from donations.models import Donation, DonationState, Receipt, ReceiptKind
from marketplace.models import TaxExemption
from tests.bookings.support import booking_in_state
from tests.bookings.support import make_world as make_booking_world
from tests.donations.support import (
    confirm,
    days_ago,
    mails_to,
    make_world,
    pdf_attachments,
    pdf_text,
    receipt_of,
    record_goods,
    record_money,
)
from tests.factories import CompanyFactory, SocialOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """A POST whose e-mails are sent after commit, as in production."""

    def send(client, path, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return send


def record_url(organisation, kind="geld") -> str:
    return f"/organisationen/{organisation.pk}/spenden/neu/{kind}/"


def money_form(world, **extra) -> dict:
    return {
        "recipient": str(world.social.pk),
        "amount": "1322,00",
        "donated_on": days_ago(3).isoformat(),
        "purpose": "Hausaufgabenhilfe",
        "waiver": "nein",
        **extra,
    }


def goods_form(world, **extra) -> dict:
    return {
        "recipient": str(world.social.pk),
        "description": "Laptop Lenovo ThinkPad T14 mit Netzteil",
        "age": "2 Jahre",
        "condition": "gut, voll funktionsfähig",
        "purchase_price": "1100",
        "amount": "480,00",
        "donated_on": days_ago(5).isoformat(),
        "origin": "business",
        "valuation_documents": "on",
        **extra,
    }


def snapshot():
    return (
        list(Donation.objects.order_by("pk").values("pk", "state", "amount")),
        list(Receipt.objects.order_by("pk").values("pk", "cancelled_at")),
        len(mail.outbox),
    )


def html_of(response) -> str:
    return response.content.decode()


# --- recording and confirming ------------------------------------------------------------------


def test_a_company_member_records_money_and_the_social_organisation_confirms_it(
    signed_in, submit, world
):
    company, social = signed_in(world.company_member), signed_in(world.social_member)

    # Given a company member opens the form from the organisation's donations tab
    tab = company.get(f"/organisationen/{world.company.pk}/")
    assert f'href="/organisationen/{world.company.pk}/spenden/"' in html_of(tab)
    form_page = company.get(record_url(world.company))
    assert form_page.status_code == 200
    assert f'<option value="{world.social.pk}">{world.social.name}</option>' in html_of(form_page)

    # When she records a money donation of 1.322,00 €
    response = submit(company, record_url(world.company), money_form(world))

    # Then it is recorded for the company and the social organisation is asked to confirm it
    donation = Donation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/spenden/{donation.pk}/"
    assert (donation.kind, donation.state, donation.amount) == ("money", "recorded", Decimal(1322))
    assert donation.donor_organisation == world.company and donation.waiver is False
    assert donation.recorded_by == world.company_member
    assert {m.to[0] for m in mail.outbox} == {world.social_admin.email, world.social_member.email}
    mail.outbox.clear()
    listed = html_of(company.get(f"/organisationen/{world.company.pk}/spenden/"))
    assert world.social.name in listed and "1.322,00 €" in listed
    assert "folgt nach Bestätigung des Eingangs" in listed

    # When the social organisation's member confirms its receipt on the donation's page
    incoming = html_of(social.get(f"/organisationen/{world.social.pk}/spenden/?zeigen=offen"))
    assert f'href="/spenden/{donation.pk}/"' in incoming
    page = html_of(social.get(f"/spenden/{donation.pk}/"))
    assert f'action="/spenden/{donation.pk}/aktion/confirm/"' in page
    response = submit(
        social,
        f"/spenden/{donation.pk}/aktion/confirm/",
        {"confirm-issue_receipt": "on", "confirm-message": "Herzlichen Dank!"},
    )

    # Then the donation is confirmed, its receipt issued and e-mailed to the company as PDF
    assert response.status_code == 302
    donation.refresh_from_db()
    assert donation.state == DonationState.CONFIRMED
    receipt = receipt_of(donation)
    after = html_of(social.get(response["Location"]))
    assert f"Die Zuwendungsbestätigung Nr. {receipt.number} ist ausgestellt" in after
    assert "Herzlichen Dank!" in after
    assert {m.to[0] for m in mail.outbox} == {world.company_admin.email, world.company_member.email}
    for message in mail.outbox:
        [(_name, content)] = pdf_attachments(message)
        assert content == bytes(receipt.pdf)
        # ... and its link opens the receipt's page for the company
        assert f"/zuwendungsbestaetigungen/{receipt.pk}/" in message.body
    assert company.get(f"/zuwendungsbestaetigungen/{receipt.pk}/").status_code == 200

    # And the company downloads the PDF from its list: the amount is written out in words
    listed = html_of(company.get(f"/organisationen/{world.company.pk}/spenden/"))
    assert f'href="/zuwendungsbestaetigungen/{receipt.pk}.pdf"' in listed
    download = company.get(f"/zuwendungsbestaetigungen/{receipt.pk}.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert f"Zuwendungsbestaetigung-{receipt.number}.pdf" in download["Content-Disposition"]
    assert "eintausenddreihundertzweiundzwanzig Euro" in pdf_text(download.content)
    # ... as do the social organisation and the coordinator, through the donation's link too
    for person in (world.social_member, world.coordinator, world.company_admin):
        pdf = signed_in(person).get(f"/spenden/{donation.pk}/zuwendungsbestaetigung.pdf")
        assert pdf.status_code == 200 and pdf.content == bytes(receipt.pdf)


def test_a_company_member_records_goods(signed_in, submit, world):
    client = signed_in(world.company_member)

    response = submit(client, record_url(world.company, "sache"), goods_form(world))

    assert response.status_code == 302, html_of(response)
    donation = Donation.objects.get()
    assert donation.kind == "goods"
    assert donation.description == "Laptop Lenovo ThinkPad T14 mit Netzteil"
    assert (donation.amount, donation.purchase_price) == (Decimal("480"), Decimal("1100"))
    assert (donation.origin, donation.valuation_documents) == ("business", True)
    assert (donation.age, donation.condition) == ("2 Jahre", "gut, voll funktionsfähig")
    page = html_of(client.get(response["Location"]))
    assert "Betriebsvermögen" in page and "480,00 €" in page


def test_the_confirming_member_may_leave_the_receipt_for_later(signed_in, submit, world):
    donation = record_money(world, amount="120.00")
    client = signed_in(world.social_member)

    # Given a small donation confirmed without a receipt
    submit(client, f"/spenden/{donation.pk}/aktion/confirm/", {"confirm-message": ""})
    donation.refresh_from_db()
    assert donation.state == DonationState.CONFIRMED and not Receipt.objects.exists()
    page = html_of(client.get(f"/spenden/{donation.pk}/"))
    assert "Unter 300 € ist sie freiwillig" in page
    assert f'action="/spenden/{donation.pk}/aktion/receipt/"' in page

    # When a member asks for it afterwards, it is issued
    response = submit(client, f"/spenden/{donation.pk}/aktion/receipt/")

    assert response.status_code == 302
    assert receipt_of(donation).amount == Decimal("120.00")


def test_the_social_organisation_rejects_with_a_reason(signed_in, submit, world):
    donation = record_money(world)
    mail.outbox.clear()
    client = signed_in(world.social_admin)

    empty = submit(client, f"/spenden/{donation.pk}/aktion/reject/", {"reject-reason": "  "})
    assert empty.status_code == 400
    assert 'id="id_reject-reason_error"' in html_of(empty)
    assert Donation.objects.get().state == DonationState.RECORDED and not mail.outbox

    response = submit(
        client, f"/spenden/{donation.pk}/aktion/reject/", {"reject-reason": "Nie angekommen."}
    )

    assert response.status_code == 302
    donation.refresh_from_db()
    assert (donation.state, donation.reason) == (DonationState.REJECTED, "Nie angekommen.")
    assert world.company_member.email in {m.to[0] for m in mail.outbox}
    # A rejected donation cannot be confirmed afterwards: the page says so, nothing changes
    before = snapshot()
    again = submit(client, f"/spenden/{donation.pk}/aktion/confirm/", {"confirm-message": ""})
    assert again.status_code == 409
    assert "Diese Spende ist schon „abgelehnt“." in html_of(again)
    assert snapshot() == before


def test_the_coordinator_records_a_private_donors_gift(signed_in, submit, world):
    client = signed_in(world.coordinator)
    donations_tab = html_of(client.get(f"/organisationen/{world.social.pk}/spenden/"))
    assert f'href="{record_url(world.social)}"' in donations_tab

    response = submit(
        client,
        record_url(world.social),
        {
            "donor_name": "Erika Mustermann",
            "donor_address": "Skalitzer Straße 7\n10997 Berlin",
            "donor_email": "erika@example.org",
            "amount": "150",
            "donated_on": days_ago(2).isoformat(),
            "purpose": "",
            "waiver": "nein",
        },
    )

    assert response.status_code == 302, html_of(response)
    donation = Donation.objects.get()
    assert donation.donor_organisation is None and donation.recipient == world.social
    assert (donation.donor_name, donation.donor_email) == ("Erika Mustermann", "erika@example.org")
    assert donation.donor_address == "Skalitzer Straße 7\n10997 Berlin"
    # Name and address are required for a private donor
    before = snapshot()
    missing = submit(client, record_url(world.social), {"amount": "10", "waiver": "nein"})
    assert missing.status_code == 400
    for field in ("donor_name", "donor_address", "donated_on"):
        assert f'id="id_{field}_error"' in html_of(missing), field
    assert snapshot() == before


def test_only_company_members_and_the_coordinator_find_the_forms(signed_in, world):
    # A social organisation's members record nothing; a company's page offers no private form
    assert signed_in(world.social_member).get(record_url(world.social)).status_code == 404
    assert signed_in(world.company_member).get(record_url(world.social)).status_code == 404
    assert signed_in(world.coordinator).get(record_url(world.company)).status_code == 404
    assert signed_in(world.outsider).get(record_url(world.company)).status_code == 404
    assert signed_in(world.company_member).get(record_url(world.company, "aktien")).status_code == (
        404
    )


# --- tax-exemption data ------------------------------------------------------------------------


def test_missing_tax_data_lets_the_confirmation_stand_and_says_what_to_fix(
    signed_in, submit, world
):
    TaxExemption.objects.filter(organisation=world.social).delete()
    donation = record_money(world)
    client = signed_in(world.social_admin)

    # When the donation is confirmed with a receipt
    response = submit(
        client, f"/spenden/{donation.pk}/aktion/confirm/", {"confirm-issue_receipt": "on"}
    )

    # Then the confirmation stands, no receipt is issued, and the page says why
    assert response.status_code == 302
    assert Donation.objects.get().state == DonationState.CONFIRMED
    assert not Receipt.objects.exists()
    page = html_of(client.get(response["Location"]))
    assert "fehlen die Angaben zur Steuerbefreiung" in page
    assert f'href="/organisationen/{world.social.pk}/steuerbefreiung/"' in page
    assert "fehlen die Angaben zur Steuerbefreiung" in html_of(
        client.get(f"/organisationen/{world.social.pk}/spenden/")
    )
    # ... and asking for the receipt again is refused with the service's message
    before = snapshot()
    refused = submit(client, f"/spenden/{donation.pk}/aktion/receipt/")
    assert refused.status_code == 409
    assert "fehlen die Angaben zur Steuerbefreiung" in html_of(refused)
    assert snapshot() == before


def test_a_notice_too_old_blocks_the_receipt_with_its_date(signed_in, submit, world):
    old = dt.date(timezone.localdate().year - 6, 2, 1)
    TaxExemption.objects.filter(organisation=world.social).update(notice_date=old)
    donation = record_money(world)
    confirm(world, donation, issue_receipt=False)
    client = signed_in(world.social_member)

    refused = submit(client, f"/spenden/{donation.pk}/aktion/receipt/")

    assert refused.status_code == 409
    assert f"vom {old:%d.%m.%Y} ist zu alt" in html_of(refused)
    assert not Receipt.objects.exists()


# --- permissions -------------------------------------------------------------------------------


def test_outsiders_see_nothing_and_change_nothing(signed_in, submit, world):
    donation = record_money(world)
    other = record_money(world, amount="50.00")
    confirm(world, donation)
    receipt = receipt_of(donation)
    outsider = signed_in(world.outsider)
    before = snapshot()

    for path in (
        f"/organisationen/{world.social.pk}/spenden/",
        f"/organisationen/{world.social.pk}/zuwendungsbestaetigungen/",
        f"/organisationen/{world.company.pk}/spenden/",
        f"/spenden/{donation.pk}/",
        f"/spenden/{donation.pk}/zuwendungsbestaetigung.pdf",
        f"/zuwendungsbestaetigungen/{receipt.pk}/",
        f"/zuwendungsbestaetigungen/{receipt.pk}.pdf",
    ):
        assert outsider.get(path).status_code == 404, path
    for path, data in (
        (f"/spenden/{other.pk}/aktion/confirm/", {"confirm-issue_receipt": "on"}),
        (f"/spenden/{other.pk}/aktion/reject/", {"reject-reason": "nein"}),
        (f"/zuwendungsbestaetigungen/{receipt.pk}/neu-ausstellen/", {"reason": "x"}),
        (f"/zuwendungsbestaetigungen/{receipt.pk}/stornieren/", {"reason": "x"}),
    ):
        assert submit(outsider, path, data).status_code == 404, path
    # Not signed in: to the sign-in page
    assert Client().get(f"/zuwendungsbestaetigungen/{receipt.pk}.pdf").status_code == 302
    # A donation without a receipt has no receipt PDF
    assert (
        signed_in(world.company_member)
        .get(f"/spenden/{other.pk}/zuwendungsbestaetigung.pdf")
        .status_code
        == 404
    )
    assert snapshot() == before


def test_the_donor_cannot_confirm_its_own_donation(signed_in, submit, world):
    donation = record_money(world)
    client = signed_in(world.company_admin)
    assert "aktion/confirm/" not in html_of(client.get(f"/spenden/{donation.pk}/"))
    before = snapshot()

    response = submit(
        client, f"/spenden/{donation.pk}/aktion/confirm/", {"confirm-issue_receipt": "on"}
    )

    assert response.status_code == 403
    assert "Nur die empfangende Organisation" in html_of(response)
    assert snapshot() == before


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"amount": "abc"}, ["amount"]),
        ({"amount": "99999999999"}, ["amount"]),
        ({"amount": "-5"}, ["amount"]),
        ({"amount": "1,234"}, ["amount"]),
        ({"amount": "", "donated_on": "gestern"}, ["amount", "donated_on"]),
        ({"purpose": "Haus\x00aufgaben"}, ["purpose"]),
        ({"purpose": "x" * 501}, ["purpose"]),
        ({"recipient": ""}, ["recipient"]),
        ({"recipient": "999999999999999999999"}, ["recipient"]),
        ({"waiver": "vielleicht"}, ["waiver"]),
        ({"donated_on": "9999-12-31"}, ["donated_on"]),
        ({"donated_on": "2001-01-01"}, ["donated_on"]),
    ],
)
def test_bad_input_shows_errors_at_the_fields_and_changes_nothing(
    signed_in, submit, world, changes, fields
):
    client = signed_in(world.company_member)
    before = snapshot()

    response = submit(client, record_url(world.company), money_form(world, **changes))

    assert response.status_code == 400
    html = html_of(response)
    assert "Bitte prüfen Sie die markierten Angaben." in html
    for field in fields:
        assert f'id="id_{field}_error"' in html, field
    assert snapshot() == before


def test_a_company_or_an_unapproved_organisation_is_no_recipient(signed_in, submit, world):
    other_company = CompanyFactory()
    pending = SocialOrganisationFactory(status="pending")
    client = signed_in(world.company_member)
    before = snapshot()

    for recipient in (other_company, pending, world.company):
        response = submit(
            client, record_url(world.company), money_form(world, recipient=str(recipient.pk))
        )
        assert response.status_code == 400
        assert 'id="id_recipient_error"' in html_of(response)
    assert snapshot() == before


def test_goods_need_a_description_and_an_origin(signed_in, submit, world):
    client = signed_in(world.company_member)
    before = snapshot()

    response = submit(
        client,
        record_url(world.company, "sache"),
        goods_form(world, description="", origin="geklaut", purchase_price="1e9"),
    )

    assert response.status_code == 400
    for field in ("description", "origin", "purchase_price"):
        assert f'id="id_{field}_error"' in html_of(response), field
    assert snapshot() == before


def test_an_unknown_action_is_404(signed_in, submit, world):
    donation = record_money(world)

    response = submit(signed_in(world.social_member), f"/spenden/{donation.pk}/aktion/loeschen/")

    assert response.status_code == 404


# --- receipts: corrections and collective receipts -----------------------------------------------


def test_an_admin_cancels_and_reissues_a_receipt_with_a_corrected_amount(signed_in, submit, world):
    donation = record_money(world)
    confirm(world, donation)
    old = receipt_of(donation)
    mail.outbox.clear()
    admin = signed_in(world.social_admin)
    listed = html_of(admin.get(f"/organisationen/{world.social.pk}/zuwendungsbestaetigungen/"))
    assert f'href="/zuwendungsbestaetigungen/{old.pk}/"' in listed

    # A member who is no admin sees no form, and is refused
    member = signed_in(world.social_member)
    assert "neu-ausstellen" not in html_of(member.get(f"/zuwendungsbestaetigungen/{old.pk}/"))
    before = snapshot()
    refused = submit(
        member, f"/zuwendungsbestaetigungen/{old.pk}/neu-ausstellen/", {"reason": "Tippfehler"}
    )
    assert refused.status_code == 403 and snapshot() == before
    # A reason is required
    empty = submit(admin, f"/zuwendungsbestaetigungen/{old.pk}/neu-ausstellen/", {"reason": ""})
    assert empty.status_code == 400 and 'id="id_reason_error"' in html_of(empty)
    assert snapshot() == before

    # When the admin corrects the amount
    response = submit(
        admin,
        f"/zuwendungsbestaetigungen/{old.pk}/neu-ausstellen/",
        {"reason": "Betrag falsch erfasst", "amount": "1232,00"},
    )

    # Then the old receipt is kept as cancelled and a new one replaces it
    assert response.status_code == 302
    old.refresh_from_db()
    new = receipt_of(donation)
    assert response["Location"] == f"/zuwendungsbestaetigungen/{new.pk}/"
    assert old.cancelled_at is not None and old.cancel_reason == "Betrag falsch erfasst"
    assert new.replaces == old and new.amount == Decimal("1232.00")
    page = html_of(admin.get(response["Location"]))
    assert f"Nr. {old.number}" in page and "1.232,00 €" in page
    assert mails_to(world.company_admin)


def test_an_admin_cancels_a_receipt_without_replacement(signed_in, submit, world):
    donation = record_money(world)
    confirm(world, donation)
    receipt = receipt_of(donation)
    admin = signed_in(world.social_admin)

    with_correction = submit(
        admin,
        f"/zuwendungsbestaetigungen/{receipt.pk}/stornieren/",
        {"reason": "zurückgezahlt", "amount": "5"},
    )
    assert with_correction.status_code == 400
    response = submit(
        admin, f"/zuwendungsbestaetigungen/{receipt.pk}/stornieren/", {"reason": "zurückgezahlt"}
    )

    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.cancelled_at is not None and Receipt.objects.count() == 1
    # A cancelled receipt stays downloadable, the donation has no valid one any more
    company = signed_in(world.company_member)
    assert company.get(f"/zuwendungsbestaetigungen/{receipt.pk}.pdf").status_code == 200
    assert company.get(f"/spenden/{donation.pk}/zuwendungsbestaetigung.pdf").status_code == 404


def test_an_admin_issues_a_collective_receipt_for_last_year(signed_in, submit, world):
    last_year = timezone.localdate().year - 1
    for day, amount in ((dt.date(last_year, 3, 1), "100.00"), (dt.date(last_year, 9, 1), "50.00")):
        confirm(world, record_money(world, amount=amount, donated_on=day), issue_receipt=False)
    admin = signed_in(world.social_admin)
    url = f"/organisationen/{world.social.pk}/zuwendungsbestaetigungen/?jahr={last_year}"
    page = html_of(admin.get(url))
    assert world.company.name in page and "150,00 €" in page
    assert f'action="/organisationen/{world.social.pk}/sammelbestaetigungen/"' in page
    # A member who is no admin sees the list without the button, and is refused
    member = signed_in(world.social_member)
    assert "sammelbestaetigungen/" not in html_of(member.get(url))
    form = {"donor_key": f"org:{world.company.pk}", "year": str(last_year)}
    collective = f"/organisationen/{world.social.pk}/sammelbestaetigungen/"
    assert submit(member, collective, form).status_code == 403
    assert not Receipt.objects.exists()

    response = submit(admin, collective, form)

    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert (receipt.kind, receipt.period_year) == (ReceiptKind.COLLECTIVE, last_year)
    assert receipt.amount == Decimal("150.00") and receipt.items.count() == 2
    # A second one for the same donor and year is refused with the service's message
    again = submit(admin, collective, form)
    assert again.status_code == 409
    assert "keine bestätigten Geldspenden ohne Zuwendungsbestätigung" in html_of(again)
    bad = submit(admin, collective, {"donor_key": "", "year": "zwei"})
    assert bad.status_code == 400 and Receipt.objects.count() == 1


# --- participation confirmations ---------------------------------------------------------------


def test_a_volunteer_action_with_confirmed_hours_links_its_participation_confirmation(signed_in):
    world = make_booking_world()
    booking = booking_in_state(world, BookingKind.VOLUNTEER, BookingState.HOURS_CONFIRMED)
    open_booking = booking_in_state(world, BookingKind.VOLUNTEER, BookingState.CONFIRMED)
    unconfirmed = booking_in_state(world, BookingKind.VOLUNTEER, BookingState.COMPLETED)
    company = signed_in(world.company_member)
    url = f"/buchungen/{booking.pk}/teilnahmebestaetigung.pdf"

    assert f'href="{url}"' in html_of(company.get(f"/buchungen/{booking.pk}/"))
    assert "teilnahmebestaetigung" not in html_of(company.get(f"/buchungen/{open_booking.pk}/"))
    # Completed, hours not confirmed yet: no confirmation, but the page says when it comes.
    waiting = html_of(company.get(f"/buchungen/{unconfirmed.pk}/"))
    assert "teilnahmebestaetigung.pdf" not in waiting
    assert "Sobald Nachbarschaftshaus am Wassertor e.V. die geleisteten Stunden bestätigt hat." in (
        waiting
    )
    assert company.get(f"/buchungen/{unconfirmed.pk}/teilnahmebestaetigung.pdf").status_code in (
        404,
        409,
    )
    response = company.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Teilnahmebestätigung" in pdf_text(response.content)
    assert signed_in(world.outsider).get(url).status_code == 404
    assert company.get(f"/buchungen/{open_booking.pk}/teilnahmebestaetigung.pdf").status_code in (
        404,
        409,
    )


# --- query counts ------------------------------------------------------------------------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_lists_take_a_bounded_number_of_queries(signed_in, world):
    donation = record_goods(world)
    confirm(world, donation)
    company, social = signed_in(world.company_member), signed_in(world.social_admin)
    paths = [
        (company, f"/organisationen/{world.company.pk}/spenden/"),
        (company, f"/organisationen/{world.company.pk}/zuwendungsbestaetigungen/"),
        (social, f"/organisationen/{world.social.pk}/spenden/"),
        (social, f"/organisationen/{world.social.pk}/zuwendungsbestaetigungen/"),
    ]
    with_one = [_queries(client, path) for client, path in paths]

    for n in range(30):
        donation = record_money(world, amount=f"{300 + n}.00")
        if n % 2:
            confirm(world, donation)
    with_many = [_queries(client, path) for client, path in paths]

    assert with_many == with_one, (with_one, with_many)
    assert max(with_many) <= 10


def test_the_pages_speak_english_on_request(signed_in, world):
    donation = record_money(world)
    client = signed_in(world.social_member)
    client.cookies["django_language"] = "en"

    listed = html_of(client.get(f"/organisationen/{world.social.pk}/spenden/"))
    page = html_of(client.get(f"/spenden/{donation.pk}/"))

    assert "Donations to us" in listed and "Confirm receipt …" in listed
    assert "Issue the donation receipt now" in page and "Reject donation" in page

"""Donations end to end through the API, with the e-mails (and PDFs) each step sends.

Given a company and a social organisation with its tax-exemption data, when a company member
records a donation and a member of the social organisation confirms it through
/api/v1/donations/, then the receipt arrives as a PDF attachment at the right addresses, and
everyone involved can download it.
"""

import pytest
from django.core import mail

from donations.models import Donation, DonationState, Receipt, ReceiptCounter
from notifications.models import Notification

from .support import days_ago, mails_to, pdf_attachments, pdf_text, record_money

pytestmark = pytest.mark.django_db


def _money(world, **extra) -> dict:
    return {
        "kind": "money",
        "recipient": world.social.pk,
        "amount": "1322.00",
        "donated_on": str(days_ago(3)),
        "purpose": "Hausaufgabenhilfe",
        **extra,
    }


def _goods(world, **extra) -> dict:
    return {
        "kind": "goods",
        "recipient": world.social.pk,
        "amount": "480.00",
        "donated_on": str(days_ago(5)),
        "description": "Zehn Klappstühle aus Holz",
        "age": "3 Jahre",
        "condition": "gebraucht, gut",
        "purchase_price": "650.00",
        "origin": "business",
        "valuation_documents": True,
        **extra,
    }


def test_a_money_donation_is_recorded_confirmed_and_its_receipt_arrives_by_email(
    world, client_for, send
):
    company, social = client_for(world.company_member), client_for(world.social_member)

    # Given a company member records a donation
    response = send(company, "post", "/api/v1/donations/", _money(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "recorded"
    assert body["donor_organisation"] == {"id": world.company.pk, "name": world.company.name}
    assert body["donor_name"] == "Kiezbäckerei Wassertor GmbH"
    assert body["donor_address"] == "Oranienstraße 12\n10999 Berlin"
    assert body["amount"] == "1322.00" and body["receipt"] is None
    assert body["receipt_optional"] is False
    # ... the social organisation's members are asked to confirm it, nobody else
    assert {m.to[0] for m in mail.outbox} == {world.social_admin.email, world.social_member.email}
    assert "Kiezbäckerei Wassertor GmbH" in mail.outbox[0].subject
    mail.outbox.clear()

    # When a member of the social organisation confirms receipt
    url = f"/api/v1/donations/{body['id']}/"
    response = send(social, "post", url + "confirm/", {"message": "Danke!"})

    # Then the donation is confirmed with its receipt ...
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "confirmed"
    number = f"{days_ago(0).year}-0001"
    assert body["receipt"]["number"] == number and body["receipt"]["machine_signed"] is True
    assert body["receipt_problem"] == ""
    assert [e["action"] for e in body["events"]] == ["record", "confirm"]
    receipt = Receipt.objects.get()
    # ... and the machine-signed receipt is e-mailed as PDF to the company's admin and the
    # person who recorded it, and to nobody else
    assert {m.to[0] for m in mail.outbox} == {world.company_admin.email, world.company_member.email}
    for message in mail.outbox:
        assert number in message.subject
        [(filename, content)] = pdf_attachments(message)
        assert filename == f"Zuwendungsbestaetigung-{number}.pdf"
        assert content == bytes(receipt.pdf)
        assert "eintausenddreihundertzweiundzwanzig Euro" in pdf_text(content)
        assert "ohne Unterschrift gültig" in message.body
        [(html, _mimetype)] = message.alternatives
        assert "Nachbarschaftshaus am Wassertor e.V." in html

    # And both sides and the coordinator download the same PDF; nobody else sees it
    for person in (world.company_member, world.social_member, world.coordinator):
        download = client_for(person).get(url + "receipt.pdf")
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download.content == bytes(receipt.pdf)
        assert f"Zuwendungsbestaetigung-{number}.pdf" in download["Content-Disposition"]
        assert download["ETag"] == f'"{receipt.sha256}"'
    assert client_for(world.outsider).get(url + "receipt.pdf").status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(None).get(url + "receipt.pdf").status_code == 401
    accept_pdf = client_for(world.company_member).get(
        url + "receipt.pdf", HTTP_ACCEPT="application/pdf"
    )
    assert accept_pdf.status_code == 200 and accept_pdf.content == bytes(receipt.pdf)


def test_without_notice_to_the_tax_office_the_pdf_goes_to_the_admins_to_sign(
    world, client_for, send
):
    world.exemption.machine_receipts_notified = False
    world.exemption.save()
    donation = record_money(world)
    mail.outbox.clear()

    response = send(
        client_for(world.social_member), "post", f"/api/v1/donations/{donation.pk}/confirm/"
    )

    assert response.status_code == 200
    receipt = Receipt.objects.get()
    assert not receipt.machine_signed
    # The social organisation's admin gets the PDF to sign (its plain member does not) ...
    [to_sign] = mails_to(world.social_admin)
    assert "unterschreiben" in to_sign.subject
    [(_name, content)] = pdf_attachments(to_sign)
    assert content == bytes(receipt.pdf)
    assert mails_to(world.social_member) == []
    # ... and the company hears that it is coming, without an attachment.
    for person in (world.company_admin, world.company_member):
        [coming] = mails_to(person)
        assert "unterwegs" in coming.subject and pdf_attachments(coming) == []


def test_goods_are_always_signed_by_hand(world, client_for, send):
    response = send(client_for(world.company_admin), "post", "/api/v1/donations/", _goods(world))
    assert response.status_code == 201, response.content
    mail.outbox.clear()

    send(
        client_for(world.social_admin),
        "post",
        f"/api/v1/donations/{response.json()['id']}/confirm/",
    )

    receipt = Receipt.objects.get()
    assert receipt.kind == "goods" and not receipt.machine_signed
    [to_sign] = mails_to(world.social_admin)
    assert pdf_attachments(to_sign)[0][1] == bytes(receipt.pdf)
    assert "Zehn Klappstühle aus Holz" in pdf_text(receipt.pdf)
    assert [m.subject for m in mails_to(world.company_admin)] == [
        "Ihre Zuwendungsbestätigung von Nachbarschaftshaus am Wassertor e.V. ist unterwegs"
    ]


def test_the_coordinator_records_a_private_donation_whose_receipt_goes_to_the_donor(
    world, client_for, send
):
    data = _money(
        world,
        amount="120.00",
        donor_name="Erika Mustermann",
        donor_address="Skalitzer Straße 7\n10997 Berlin",
        donor_email="Erika@Example.org",
    )
    response = send(client_for(world.coordinator), "post", "/api/v1/donations/", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["donor_organisation"] is None and body["receipt_optional"] is True
    mail.outbox.clear()

    send(client_for(world.social_member), "post", f"/api/v1/donations/{body['id']}/confirm/")

    [message] = mail.outbox
    assert message.to == ["erika@example.org"]
    assert "Erika Mustermann" in pdf_text(pdf_attachments(message)[0][1])
    # The donation is the social organisation's and the coordinator's to see, not the company's.
    assert (
        client_for(world.company_admin).get(f"/api/v1/donations/{body['id']}/").status_code == 404
    )


def test_a_private_donors_receipt_without_an_address_goes_to_the_coordinator(
    world, client_for, send
):
    data = _money(world, donor_name="Max Muster", donor_address="Adalbertstraße 1, 10999 Berlin")
    donation_id = send(client_for(world.coordinator), "post", "/api/v1/donations/", data).json()[
        "id"
    ]
    mail.outbox.clear()

    send(client_for(world.social_member), "post", f"/api/v1/donations/{donation_id}/confirm/")

    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]


def test_a_company_member_cannot_record_for_a_private_donor_or_another_company(world, client_for):
    company = client_for(world.company_member)

    private = company.post(
        "/api/v1/donations/",
        _money(world, donor_name="Jemand Anders", donor_address="Irgendwo 1"),
        format="json",
    )
    other = company.post(
        "/api/v1/donations/", _money(world, donor_organisation=world.outsider.pk), format="json"
    )

    assert private.status_code == 400 and "donor_name" in private.json()
    assert other.status_code == 403
    assert Donation.objects.count() == 0


def test_the_donation_is_rejected_with_a_reason_and_cannot_be_confirmed_afterwards(
    world, client_for, send
):
    donation = record_money(world)
    mail.outbox.clear()
    social = client_for(world.social_admin)
    url = f"/api/v1/donations/{donation.pk}/"

    response = send(social, "post", url + "reject/", {"reason": "Nie angekommen."})

    assert response.status_code == 200
    assert response.json()["state"] == "rejected" and response.json()["reason"] == "Nie angekommen."
    assert {m.to[0] for m in mail.outbox} == {world.company_admin.email, world.company_member.email}
    assert "Nie angekommen." in mail.outbox[0].body
    again = send(social, "post", url + "confirm/")
    assert again.status_code == 409 and again.json()["code"] == "not_recorded"
    assert Receipt.objects.count() == 0


def test_only_the_receiving_organisation_confirms_and_outsiders_see_nothing(world, client_for):
    donation = record_money(world)
    url = f"/api/v1/donations/{donation.pk}/"

    for person in (world.company_admin, world.coordinator):
        response = client_for(person).post(url + "confirm/", {}, format="json")
        assert response.status_code == 403, person
        assert (
            client_for(person).post(url + "reject/", {"reason": "x"}, format="json").status_code
            == 403
        )
    outsider = client_for(world.outsider)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url + "confirm/", {}, format="json").status_code == 404
    assert outsider.post(url + "reject/", {"reason": "x"}, format="json").status_code == 404
    assert outsider.post(url + "receipt/", {}, format="json").status_code == 404
    assert outsider.get(url + "receipt.pdf").status_code == 404
    donation.refresh_from_db()
    assert donation.state == DonationState.RECORDED
    assert Receipt.objects.count() == 0


def test_missing_tax_data_lets_the_confirmation_stand_but_refuses_the_receipt(
    world, client_for, send
):
    world.exemption.delete()
    donation = record_money(world)
    mail.outbox.clear()
    social = client_for(world.social_member)
    url = f"/api/v1/donations/{donation.pk}/"

    # When the donation is confirmed
    response = send(social, "post", url + "confirm/")

    # Then it is confirmed, without a receipt, and says why
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "confirmed" and body["receipt"] is None
    assert "fehlen die Angaben zur Steuerbefreiung" in body["receipt_problem"]
    # ... the admins are told what to fix, the company that its receipt is delayed
    [blocked] = mails_to(world.social_admin)
    assert "noch nicht möglich" in blocked.subject
    assert "fehlen die Angaben zur Steuerbefreiung" in blocked.body
    assert "fehlen" in mails_to(world.company_admin)[0].body
    assert Receipt.objects.count() == 0

    # And issuing it now is refused with a German message, changing nothing
    refused = send(social, "post", url + "receipt/")
    assert refused.status_code == 409
    assert "fehlen die Angaben zur Steuerbefreiung" in refused.json()["detail"]
    assert Receipt.objects.count() == 0 and ReceiptCounter.objects.count() == 0

    # Once the data is there, the receipt is issued
    from tests.factories import TaxExemptionFactory

    TaxExemptionFactory(organisation=world.social, machine_receipts_notified=True)
    mail.outbox.clear()
    issued = send(social, "post", url + "receipt/")
    assert issued.status_code == 201, issued.content
    assert issued.json()["number"] == f"{days_ago(0).year}-0001"
    assert pdf_attachments(mails_to(world.company_admin)[0])


@pytest.mark.parametrize(("kind", "years"), [("freistellung", 5), ("feststellung_60a", 3)])
def test_a_notice_older_than_the_law_allows_blocks_receipts(world, client_for, send, kind, years):
    today = days_ago(0)
    world.exemption.notice_kind = kind
    world.exemption.notice_date = today.replace(year=today.year - years) - __import__(
        "datetime"
    ).timedelta(days=1)
    world.exemption.save()
    donation = record_money(world)
    url = f"/api/v1/donations/{donation.pk}/"

    confirmed = send(client_for(world.social_member), "post", url + "confirm/")
    refused = send(client_for(world.social_member), "post", url + "receipt/")

    assert confirmed.status_code == 200 and confirmed.json()["receipt"] is None
    assert "zu alt" in confirmed.json()["receipt_problem"]
    assert refused.status_code == 409 and "§ 63 Abs. 5 AO" in refused.json()["detail"]
    assert Receipt.objects.count() == 0


def test_below_300_euros_a_receipt_is_optional_but_can_be_issued_later(world, client_for, send):
    donation = record_money(world, "299.99")
    social = client_for(world.social_member)
    url = f"/api/v1/donations/{donation.pk}/"

    confirmed = send(social, "post", url + "confirm/", {"issue_receipt": False})

    assert confirmed.status_code == 200
    assert confirmed.json()["receipt_optional"] is True and confirmed.json()["receipt"] is None
    assert confirmed.json()["receipt_problem"] == ""
    assert client_for(world.company_member).get(url + "receipt.pdf").status_code == 404
    issued = send(social, "post", url + "receipt/")
    assert issued.status_code == 201
    again = send(social, "post", url + "receipt/")
    assert again.status_code == 409 and again.json()["code"] == "receipt_exists"
    assert Receipt.objects.count() == 1
    assert "zweihundertneunundneunzig Euro und neunundneunzig Cent" in pdf_text(
        Receipt.objects.get().pdf
    )


def test_a_receipt_is_issued_only_for_a_confirmed_donation(world, client_for, send):
    donation = record_money(world)

    response = send(
        client_for(world.social_member), "post", f"/api/v1/donations/{donation.pk}/receipt/"
    )

    assert response.status_code == 409 and response.json()["code"] == "not_confirmed"
    assert Receipt.objects.count() == 0


def test_a_repeated_idempotency_key_records_the_donation_once(world, client_for, send):
    company = client_for(world.company_member)

    first = send(company, "post", "/api/v1/donations/", _money(world), HTTP_IDEMPOTENCY_KEY="d-1")
    second = send(company, "post", "/api/v1/donations/", _money(world), HTTP_IDEMPOTENCY_KEY="d-1")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Donation.objects.count() == 1
    assert Notification.objects.filter(kind="donation_recorded").count() == 2

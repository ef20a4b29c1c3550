"""In headless Chromium: a company member records a money donation, the social organisation
confirms its receipt, and the company downloads the Zuwendungsbestätigung and has the e-mail."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from donations.models import Donation, DonationState, Receipt
from tests.donations.support import days_ago, make_world, pdf_text
from tests.factories import PASSWORD, SocialOrganisationFactory

from .conftest import screenshot, sign_in
from .test_browser_organisations import csp_violations  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_company_donates_money_and_downloads_the_receipt(
    browser_page,
    new_page,
    csp_violations,  # noqa: F811 (the fixture imported above)
):
    world = make_world()
    SocialOrganisationFactory(name="Kinderladen Sonnenblume e.V.")  # a second one to choose from
    page = csp_violations(browser_page)

    # Given a company member on her organisation's donations tab
    sign_in(page, world.company_member.email, PASSWORD)
    page.goto("/organisationen/")
    page.get_by_role("link", name=world.company.name).click()
    page.get_by_role("navigation", name="Bereiche der Organisation").get_by_role(
        "link", name="Spenden"
    ).click()

    # When she records a money donation to the Nachbarschaftshaus
    page.get_by_role("link", name="Geldspende erfassen").click()
    page.get_by_label("An welche soziale Organisation?").select_option(label=world.social.name)
    page.get_by_label("Betrag in Euro").fill("1322,00")
    page.get_by_label("Tag der Zuwendung").fill(days_ago(3).isoformat())
    page.get_by_label("Verwendungszweck").fill("Hausaufgabenhilfe")
    page.get_by_label("Nein").check()
    page.get_by_role("button", name="Spende erfassen").click()
    expect(page.get_by_text("Die Spende ist erfasst.")).to_be_visible()
    expect(page.locator(".page-header .badge")).to_have_text(
        "erfasst, Eingang noch nicht bestätigt"
    )

    # ... and a member of the Nachbarschaftshaus confirms that it arrived
    social_page = csp_violations(new_page())
    sign_in(social_page, world.social_member.email, PASSWORD)
    social_page.goto(f"/organisationen/{world.social.pk}/spenden/")
    social_page.get_by_role("link", name="Eingang bestätigen …").click()
    social_page.get_by_label("Nachricht an die spendende Seite").fill("Herzlichen Dank!")
    expect(social_page.get_by_label("Zuwendungsbestätigung gleich ausstellen")).to_be_checked()
    social_page.get_by_role("button", name="Eingang bestätigen").click()
    expect(social_page.get_by_text("ist ausgestellt und an die spendende Seite")).to_be_visible()
    donation = Donation.objects.get()
    assert donation.state == DonationState.CONFIRMED
    receipt = Receipt.objects.get()

    # Then the company sees the receipt in its list and downloads the PDF
    page.goto(f"/organisationen/{world.company.pk}/spenden/")
    row = page.get_by_role("row").filter(has_text=world.social.name)
    expect(row.get_by_text(f"Nr. {receipt.number}")).to_be_visible()
    expect(row.locator(".badge")).to_have_text("Eingang bestätigt")
    screenshot(page, "donations")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="PDF herunterladen").click()
    download = download_info.value
    assert download.suggested_filename == f"Zuwendungsbestaetigung-{receipt.number}.pdf"
    with open(download.path(), "rb") as pdf:
        assert "eintausenddreihundertzweiundzwanzig Euro" in pdf_text(pdf.read())

    # ... has it by e-mail, and every page kept to the Content-Security-Policy
    [message] = [
        m for m in mail.outbox if world.company_member.email in m.to and receipt.number in m.subject
    ]
    assert message.attachments
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # readable on a phone
    assert csp_violations.seen == []

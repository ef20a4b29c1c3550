"""In headless Chromium: the coordinator opens the network report for a funding period, sees the
charts and the network picture, and downloads the PDF; a company admin downloads its
Engagement-Bericht; a visitor on a phone finds who is in the network."""

import pytest
from playwright.sync_api import expect

from marketplace.models import Role
from tests.factories import PASSWORD, CoordinatorFactory, member_of
from tests.reports.scenario import build_network
from tests.reports.test_report_pages import pdf_text

from .conftest import screenshot, sign_in
from .test_browser_organisations import csp_violations  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def loaded_image(page, selector: str) -> bool:
    return page.locator(selector).evaluate("img => img.complete && img.naturalWidth > 0")


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def test_the_coordinator_reports_a_funding_period_and_downloads_the_pdf(
    browser_page,
    csp_violations,  # noqa: F811 (the fixture imported above)
    default_categories,
):
    build_network()
    coordinator = CoordinatorFactory(email="koordination@example.org")
    page = csp_violations(browser_page)

    # Given the coordinator on her page
    sign_in(page, coordinator.email, PASSWORD)
    page.goto("/koordination/")
    page.get_by_role("link", name="Netzwerkbericht für Förderer").click()

    # When she asks for the funding period 01/2023-12/2023
    page.get_by_label("vom Monat").fill("2023-01")
    page.get_by_label("bis einschließlich").fill("2023-12")
    page.get_by_role("button", name="Bericht zeigen").click()

    # Then she sees the figures with their definitions, the chart and the network picture
    expect(page.get_by_text("Zeitraum 01/2023–12/2023")).to_be_visible()
    expect(page.locator("#figure-hours_value .num")).to_have_text("400,00 €")
    expect(page.locator("#figure-pairs .num")).to_have_text("5")
    expect(
        page.get_by_text("Paare, die vor dem Zeitraum noch nie kooperiert hatten.")
    ).to_be_visible()
    page.locator(".report-chart img").first.scroll_into_view_if_needed()
    page.locator(".report-chart img").last.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.report-chart img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert loaded_image(page, "img[src*='monate.png']")
    assert loaded_image(page, "img[src*='netzwerk.png']")
    screenshot(page, "report-network")

    # ... and downloads the PDF, which holds the same figures
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF-Bericht").click()
    download = download_info.value
    assert download.suggested_filename == "netzwerkbericht_2023-01_2023-12.pdf"
    with open(download.path(), "rb") as file:
        text = pdf_text(file.read())
    assert "400,00 €" in text and "Das Netzwerk im Zeitraum" in text
    assert csp_violations.seen == []


def test_a_company_admin_downloads_the_engagement_bericht_on_a_phone(
    new_page,
    csp_violations,  # noqa: F811
    default_categories,
):
    network = build_network()
    admin = member_of(network.alpha, Role.ADMIN, email="mara@alpha.example")
    page = csp_violations(new_page(width=390, height=844))

    sign_in(page, admin.email, PASSWORD)
    page.goto(f"/organisationen/{network.alpha.pk}/")
    page.get_by_role("navigation", name="Bereiche der Organisation").get_by_role(
        "link", name="Bericht"
    ).click()
    page.get_by_label("vom Monat").fill("2023-01")
    page.get_by_label("bis einschließlich").fill("2023-12")
    page.get_by_role("button", name="Bericht zeigen").click()
    expect(page.locator("#figure-hours_confirmed .num")).to_have_text("18,00 h")
    assert no_sideways_scroll(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Engagement-Bericht (PDF)").click()
    with open(download_info.value.path(), "rb") as file:
        text = pdf_text(file.read())
    assert "Engagement-Bericht: Alpha GmbH" in text
    assert "400,00 €" in text
    assert csp_violations.seen == []


def test_a_visitor_on_a_phone_finds_who_is_in_the_network(
    new_page,
    csp_violations,  # noqa: F811
    default_categories,
):
    build_network()
    page = csp_violations(new_page(width=390, height=844))

    page.goto("/")
    page.get_by_role("link", name="Wer im Netzwerk ist").first.click()
    expect(page.get_by_role("heading", name="Wer im Netzwerk ist")).to_be_visible()
    page.get_by_label("Art").select_option(label="Soziale Organisation")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("link", name="Xenia e.V.")).to_be_visible()
    expect(page.get_by_role("link", name="Alpha GmbH")).to_have_count(0)
    assert no_sideways_scroll(page)
    screenshot(page, "directory-phone")

    page.get_by_role("link", name="Xenia e.V.").click()
    expect(
        page.get_by_text("Kontaktdaten sehen angemeldete Mitglieder des Netzwerks.")
    ).to_be_visible()
    assert no_sideways_scroll(page)
    assert csp_violations.seen == []

"""In headless Chromium: a new organisation signs up and is approved; the language switch.

Each test drives real pages on pytest-django's live_server; e-mails arrive in
django.core.mail.outbox (tasks run in-process after each commit)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from marketplace.models import Organisation, OrganisationStatus
from tests.factories import PASSWORD, CoordinatorFactory

from .conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Wassertor-Kiez-2026!"


@pytest.fixture
def csp_violations():
    """Console errors about the Content-Security-Policy on any page watched with watch()."""
    seen: list[str] = []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                seen.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return page

    watch.seen = seen
    return watch


def mail_to(address: str, subject_part: str):
    matching = [m for m in mail.outbox if address in m.to and subject_part in m.subject]
    assert matching, [(m.to, m.subject) for m in mail.outbox]
    return matching[-1]


def test_coordinator_approves_a_new_organisation(browser_page, new_page, csp_violations):
    coordinator = CoordinatorFactory(email="koordination@example.org")
    page = csp_violations(browser_page)

    # Given a social worker signs up ...
    page.goto("/")
    page.get_by_role("link", name="Registrieren", exact=True).click()
    page.get_by_label("Ihr Name").fill("Sophie Keller")
    page.get_by_label("E-Mail-Adresse").fill("sophie@kinderladen.example")
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(NEW_PASSWORD)
    page.get_by_label("Datenschutzerklärung").check()
    screenshot(page, "sign-up")
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_role("heading", name="Fast geschafft!")).to_be_visible()

    # ... confirms the address with the link from the e-mail and signs in
    message = mail_to("sophie@kinderladen.example", "")
    verify_path = re.search(r"/konto/bestaetigen/[^\s]+/", message.body).group(0)
    page.goto(verify_path)
    page.get_by_role("button", name="E-Mail-Adresse bestätigen").click()
    expect(page.get_by_text("Ihre E-Mail-Adresse ist bestätigt")).to_be_visible()
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value("sophie@kinderladen.example")
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    # ... is welcomed with the way into an organisation, and registers hers
    expect(page.get_by_role("heading", name="Willkommen bei Kiezmarkt, Sophie!")).to_be_visible()
    page.get_by_role("link", name="Organisation anmelden").click()
    page.get_by_label("Soziale Organisation").check()
    page.get_by_label("Name", exact=True).fill("Kinderladen Sonnenblume e.V.")
    page.get_by_label("Beschreibung").fill("Kita mit 20 Plätzen am Wassertorplatz.")
    page.get_by_label("Straße und Hausnummer").fill("Wassertorplatz 3")
    page.get_by_label("Postleitzahl").fill("10969")
    page.get_by_label("Bezirk / Kiez").fill("Wassertorkiez")
    screenshot(page, "organisation-apply")
    page.get_by_role("button", name="Anmeldung absenden").click()
    expect(page.get_by_text("wartet auf die Freigabe")).to_be_visible()
    organisation = Organisation.objects.get(name="Kinderladen Sonnenblume e.V.")
    assert organisation.status == OrganisationStatus.PENDING

    # When the coordinator approves it on the coordination page
    coordination = csp_violations(new_page())
    sign_in(coordination, coordinator.email, PASSWORD)
    coordination.get_by_role("link", name="Koordination").click()
    card = coordination.locator(f"#organisation-{organisation.pk}")
    expect(card).to_contain_text("Sophie Keller")
    screenshot(coordination, "coordination")
    card.get_by_role("button", name=re.compile("^Freigeben")).click()

    # Then the organisation is approved, its admin is told by e-mail and sees it
    expect(
        coordination.get_by_text("„Kinderladen Sonnenblume e.V.“ ist freigegeben.")
    ).to_be_visible()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert mail_to("sophie@kinderladen.example", "freigegeben")
    page.reload()
    expect(page.locator(".page-header .badge")).to_have_text("freigegeben")
    screenshot(page, "organisation")

    # And she can invite a colleague now
    page.get_by_role("link", name="Mitglieder").click()
    page.get_by_label("E-Mail-Adresse").fill("kollegin@kinderladen.example")
    page.get_by_role("button", name="Einladung schicken").click()
    expect(
        page.get_by_text("Die Einladung an kollegin@kinderladen.example ist verschickt.")
    ).to_be_visible()
    assert mail_to("kollegin@kinderladen.example", "")
    screenshot(page, "members")
    assert csp_violations.seen == []


def test_language_switch(browser_page, csp_violations):
    page = csp_violations(browser_page)

    # Given the start page in German
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hilfe aus dem Kiez, für den Kiez")
    screenshot(page, "home")

    # When the visitor switches to English with the keyboard
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    english = page.get_by_role("button", name="English")
    english.focus()
    page.keyboard.press("Enter")

    # Then the page and the next ones are English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Help from the neighbourhood, for the neighbourhood"
    )
    screenshot(page, "home-english")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Sign in"
    ).click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#id_email_error")).to_be_visible()  # errors next to the fields

    # And back to German
    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    assert csp_violations.seen == []


def test_pages_fit_a_phone_screen(new_page):
    page = new_page(width=390, height=844)

    page.goto("/")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "home-phone")
    page.goto("/registrieren/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

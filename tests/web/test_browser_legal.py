"""In headless Chromium on a phone-sized screen: the footer's links to the privacy notice and the
imprint can be reached and open readable pages; sign-up's consent box links the notice."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_footer_links_open_the_privacy_notice_and_imprint_on_a_phone(new_page):
    page = new_page(**PHONE)
    page.goto("/")

    footer = page.locator("footer.site-footer")
    privacy_link = footer.get_by_role("link", name="Datenschutz")
    privacy_link.scroll_into_view_if_needed()
    expect(privacy_link).to_be_visible()
    privacy_link.click()

    expect(page).to_have_url(re.compile(r"/datenschutz/$"))
    expect(page.get_by_role("heading", level=1, name="Datenschutzerklärung")).to_be_visible()
    expect(page.get_by_role("heading", name="Ihre Rechte")).to_be_visible()
    # The text fits the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.locator("footer.site-footer").get_by_role("link", name="Impressum").click()
    expect(page.get_by_role("heading", level=1, name="Impressum")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_sign_up_consent_box_links_the_notice_on_a_phone(new_page):
    page = new_page(**PHONE)
    page.goto("/registrieren/")

    consent = page.get_by_label("Datenschutzerklärung")
    expect(consent).not_to_be_checked()
    consent.check()
    expect(consent).to_be_checked()
    link = page.locator("label[for=id_privacy_notice_accepted] a")
    expect(link).to_have_attribute("href", "/datenschutz/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

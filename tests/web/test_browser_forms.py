"""In headless Chromium: after a failed submit the page opens at the problem. The error summary
lists every error with a link to its field, and the first field with an error has the focus
(no JavaScript: `autofocus` and #anchors)."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.models import Role
from tests.factories import PASSWORD, CompanyFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import EquipmentFactory

from .conftest import screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]


def test_a_failed_request_focuses_the_first_error_and_links_every_one(new_page):
    item = EquipmentFactory(organisation=CompanyFactory(), title="Beamer", quantity=1)
    worker = member_of(SocialOrganisationFactory(), Role.MEMBER)
    page = new_page(width=390, height=844)
    sign_in(page, worker.email, PASSWORD)
    page.goto(f"/angebote/{item.pk}/")

    # When the request is sent without any dates or purpose
    page.get_by_role("button", name="Anfrage schicken").click()
    page.wait_for_load_state()

    # Then the first field with an error has the focus and is on the screen. Chromium moves
    # the focus to an `autofocus` field at its next rendering step, which may come after the
    # load event: the assertion waits for it (up to Playwright's 5 s) instead of reading once.
    summary = page.locator(".error-summary")
    links = summary.get_by_role("link")
    first_target = links.first.get_attribute("href").lstrip("#")
    expect(page.locator(f"#{first_target}")).to_be_focused()
    box = page.locator(f"#{first_target}").bounding_box()
    assert 0 <= box["y"] <= 844
    # And every error is listed at once, each link leading to its field
    assert links.count() >= 3
    links.nth(links.count() - 1).click()
    last_target = links.nth(links.count() - 1).get_attribute("href")
    expect(page).to_have_url(re.compile(re.escape(last_target) + "$"))
    screenshot(page, "booking-errors-phone", full_page=False)

"""A request for several items on a phone (390 px), in headless Chromium: a social worker
puts two items of one company in the basket from their pages, sends one request, and the
company confirms one and declines the other on the group's page. No JavaScript of ours is
needed (the forms post), the pages fit the screen and axe finds nothing serious, in German and
in English."""

import re

import pytest
from playwright.sync_api import expect

from bookings.models import BookingGroup, BookingState
from marketplace.models import Role
from tests.bookings.support import in_days
from tests.factories import PASSWORD, CompanyFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import EquipmentFactory

from .conftest import screenshot, sign_in
from .test_browser_accessibility import axe_findings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]

PHONE = {"width": 390, "height": 844}


def _fits(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


@pytest.mark.parametrize("language", ["de", "en"])
def test_two_items_in_one_request_and_a_partial_answer_on_a_phone(new_page, language):
    company = CompanyFactory(name="Spreewerk Design GmbH")
    lender = member_of(company, Role.ADMIN, full_name="Mara Sommer")
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    worker = member_of(social, Role.MEMBER, full_name="Klaus Richter")
    beamer = EquipmentFactory(organisation=company, title="Beamer", quantity=2)
    boards = EquipmentFactory(organisation=company, title="Stellwände", quantity=6)
    english = language == "en"

    page = new_page(**PHONE)
    sign_in(page, worker.email, PASSWORD)
    if english:
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    add = "Add to combined request" if english else "Zur Sammelanfrage hinzufügen"
    for item in (beamer, boards):
        page.goto(f"/angebote/{item.pk}/")
        page.get_by_role("button", name=add).click()
        page.wait_for_load_state()
    expect(page).to_have_url(re.compile("/buchungen/sammelanfrage/$"))
    assert _fits(page)
    assert axe_findings(page) == []
    screenshot(page, f"basket-phone-{language}")

    page.get_by_label("Units: Stellwände" if english else "Stückzahl: Stellwände").fill("4")
    page.get_by_label("Pick-up on" if english else "Abholung am").fill(str(in_days(3)))
    page.get_by_label("Return on" if english else "Rückgabe am").fill(str(in_days(4)))
    page.get_by_label("What for?" if english else "Wofür?").fill("Ausstellung im Hof")
    page.get_by_role("button", name="Send request" if english else "Anfrage senden").click()
    page.wait_for_load_state()

    group = BookingGroup.objects.get()
    expect(page).to_have_url(re.compile(re.escape(group.path) + "$"))
    assert _fits(page)
    assert axe_findings(page) == []

    company_page = new_page(**PHONE)
    sign_in(company_page, lender.email, PASSWORD)
    company_page.goto(group.path)
    assert axe_findings(company_page) == []
    company_page.get_by_label("4 × Stellwände").uncheck()
    company_page.get_by_role("button", name="Antwort senden").click()
    company_page.wait_for_load_state()
    screenshot(company_page, f"group-answered-phone-{language}")

    states = {b.listing.title: b.state for b in group.bookings.select_related("listing")}
    assert states == {"Beamer": BookingState.CONFIRMED, "Stellwände": BookingState.DECLINED}
    assert _fits(company_page)
    assert axe_findings(company_page) == []

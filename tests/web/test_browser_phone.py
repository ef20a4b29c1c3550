"""At a phone's width (390 px), in headless Chromium: a compact header, result cards without a
stand-in picture, an availability calendar whose dates do not run together, and tables that
become stacked cards keeping their column headers."""

import pytest

from marketplace.models import Role
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    member_of,
)
from tests.listings.factories import EquipmentFactory, JobOfferFactory, VolunteerActionFactory

from .conftest import screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]

PHONE = {"width": 390, "height": 844}


def test_the_header_is_compact_on_a_phone(new_page):
    member = member_of(SocialOrganisationFactory(), Role.MEMBER, full_name="Klaus Richter")
    visitor = new_page(**PHONE)
    signed = new_page(**PHONE)
    sign_in(signed, member.email, PASSWORD)

    for page in (visitor, signed):
        page.goto("/")
        height = page.locator(".site-header").bounding_box()["height"]

        # The header leaves the screen to the content (it took about 260 px before)
        screenshot(page, "home-phone-header", full_page=False)
        assert height <= 130, height


def test_result_cards_without_a_photo_show_no_stand_in_picture(new_page):
    company = CompanyFactory()
    EquipmentFactory(organisation=company, title="Biertischgarnitur")
    VolunteerActionFactory(organisation=company, title="Gartentag")
    JobOfferFactory(organisation=company, title="Ausbildung Druck")
    member = member_of(SocialOrganisationFactory(), Role.MEMBER)
    page = new_page(**PHONE)
    sign_in(page, member.email, PASSWORD)

    page.goto("/?q=")

    cards = page.locator(".offer-card")
    assert cards.count() == 3
    assert page.locator(".offer-card img").count() == 0
    # The first result's title is on the first screen
    title = page.locator(".offer-card .card__title").first.bounding_box()
    assert title["y"] + title["height"] <= PHONE["height"]


def test_the_availability_calendar_is_readable_on_a_phone(new_page):
    item = EquipmentFactory(title="Beamer", quantity=2)
    member = member_of(SocialOrganisationFactory(), Role.MEMBER)
    page = new_page(**PHONE)
    sign_in(page, member.email, PASSWORD)

    page.goto(f"/angebote/{item.pk}/")

    # No day's date is wider than its cell, and the calendar needs no sideways scrolling
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.cal-day')]
              .filter(cell => cell.scrollWidth > cell.clientWidth + 1).length"""
    )
    assert overflowing == 0
    wrap = page.locator(".calendar-wrap")
    assert wrap.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth + 1")
    # Day and month are apart, not "10.12.11.12.12.12"
    first = page.locator(".cal-day__date").first
    box, month = first.bounding_box(), first.locator(".cal-day__month").bounding_box()
    assert month["y"] > box["y"]
    screenshot(page, "offer-calendar-phone")


def test_the_coordinators_table_keeps_its_column_headers_as_labels(new_page):
    coordinator = CoordinatorFactory()
    SocialOrganisationFactory(name="Kinderladen Sonnenblume e.V.")
    page = new_page(**PHONE)
    sign_in(page, coordinator.email, PASSWORD)

    page.goto("/koordination/")

    row = page.locator("tr", has_text="Kinderladen Sonnenblume e.V.")
    labels = row.locator("td").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert labels[:4] == ['"Name"', '"Art"', '"Status"', '"Mitglieder"']
    # A stacked card: the cells are one above the other
    cells = row.locator("td")
    assert cells.nth(1).bounding_box()["y"] > cells.nth(0).bounding_box()["y"]
    screenshot(page, "coordination-phone")

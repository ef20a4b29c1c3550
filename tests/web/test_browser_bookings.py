"""In headless Chromium: a social worker finds a projector for next week and books it, the
company member confirms it, and the social worker sees the confirmation and has the e-mail."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking, BookingState
from listings import services as listing_services
from listings.models import Category
from marketplace.models import Role
from tests.factories import PASSWORD, CompanyFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import EquipmentFactory, VolunteerActionFactory

from .conftest import screenshot, sign_in
from .test_browser_listings import projector_photo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]


def next_week() -> tuple[dt.date, dt.date]:
    """Monday and Wednesday of next week (pick-up and return day)."""
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return monday, monday + dt.timedelta(days=2)


def test_social_worker_books_a_projector_and_the_company_confirms(browser_page, new_page):
    company = CompanyFactory(name="Kanalblick IT")
    company_member = member_of(
        company, Role.MEMBER, full_name="Lena Brandt", email="lena@kanalblick.example"
    )
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    worker = member_of(
        social, Role.MEMBER, full_name="Klaus Richter", email="klaus@nachbarschaftshaus.example"
    )
    projector = EquipmentFactory(
        organisation=company,
        title="Beamer Epson EB-W06",
        description="Heller Beamer (3.200 Lumen) mit HDMI-Kabel und Leinwand.",
        category=Category.objects.get(slug="veranstaltungstechnik"),
        quantity=1,
        pickup_street="Skalitzer Straße 12",
        pickup_postcode="10999",
        handover_weekdays=[1, 2, 3, 4, 5],
        handover_opens_at=dt.time(10),
        handover_closes_at=dt.time(16),
        contact_name="Lena Brandt",
        contact_phone="030 6112233",
    )
    listing_services.equipment_photo_add(
        item=projector, by=company_member, upload=projector_photo()
    )
    VolunteerActionFactory(organisation=company, title="Gartentag im Kinderladen")
    monday, wednesday = next_week()
    page = browser_page

    # Given the social worker searches for a projector free next week
    sign_in(page, worker.email, PASSWORD)
    page.goto("/")
    page.get_by_role("searchbox").fill("Beamer")
    page.get_by_text("Weitere Filter").click()
    page.get_by_label("Ausleihe ab").fill(monday.isoformat())
    page.get_by_label("Rückgabe am").fill(wednesday.isoformat())
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator(".offer-card")).to_have_count(1)
    page.get_by_role("link", name="Beamer Epson EB-W06").click()

    # When she asks for it for Monday to Wednesday
    box = page.locator(".booking-box")
    box.get_by_label("Abholung am").fill(monday.isoformat())
    box.get_by_label("Rückgabe am").fill(wednesday.isoformat())
    box.get_by_label("Wofür?").fill("Filmabend für die Nachbarschaft im Hof")
    screenshot(page, "offer-booking-form")
    box.get_by_role("button", name="Anfrage schicken").click()
    expect(page.get_by_text("Ihre Anfrage ist verschickt.")).to_be_visible()
    expect(page.locator(".page-header .badge")).to_have_text("angefragt")
    booking = Booking.objects.get()
    assert (booking.pickup_on, booking.return_on) == (monday, wednesday)

    # ... and the company member confirms it on the booking's page
    company_page = new_page()
    sign_in(company_page, company_member.email, PASSWORD)
    company_page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Buchungen"
    ).click()
    company_page.get_by_role("link", name="Beamer Epson EB-W06").click()
    company_page.get_by_label("Nachricht zur Bestätigung").fill(
        "Gern! Abholung ab 10 Uhr am Empfang."
    )
    screenshot(company_page, "booking-provider")
    company_page.get_by_role("button", name="Bestätigen").click()
    expect(company_page.get_by_text("Die Anfrage ist bestätigt.")).to_be_visible()

    # Then the social worker sees the confirmation ...
    page.reload()
    expect(page.locator(".page-header .badge")).to_have_text("bestätigt")
    expect(page.get_by_text("Gern! Abholung ab 10 Uhr am Empfang.")).to_be_visible()
    # ... with what she needs to fetch it: where, on which days and hours, whom to call
    details = page.locator(".carry-out")
    expect(details.locator(".pickup-address")).to_have_text("Skalitzer Straße 12, 10999 Berlin")
    expect(details.locator(".handover-days")).to_have_text("Mo, Di, Mi, Do, Fr, 10:00–16:00")
    expect(details.locator(".provider-contact")).to_contain_text("Lena Brandt")
    screenshot(page, "booking-confirmed")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # readable on a phone
    screenshot(page, "booking-phone")
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "search-phone")
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED

    # ... and has the e-mail, with a link to this page
    [confirmation] = [
        message
        for message in mail.outbox
        if worker.email in message.to and message.subject.startswith("Bestätigt")
    ]
    assert "Beamer Epson EB-W06" in confirmation.subject
    link = re.search(r"https?://\S+/buchungen/\d+/", confirmation.body).group(0)
    assert link.endswith(f"/buchungen/{booking.pk}/")

"""In headless Chromium: a company member posts a volunteer action with two slots, and a social
worker finds it on the start page."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from listings import services as listing_services
from listings.models import Category, ListingStatus, VolunteerAction
from marketplace.models import Role
from tests.factories import PASSWORD, CompanyFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import EquipmentFactory, JobOfferFactory

from .conftest import screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]


def at(days: int, hour: int) -> str:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def projector_photo() -> SimpleUploadedFile:
    """A drawn projector on a table: enough of a photo for the cards."""
    image = Image.new("RGB", (960, 540), "#f3e3c8")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 960, 540), fill="#9c6b3f")
    draw.rounded_rectangle((300, 220, 660, 390), radius=28, fill="#3b3f46")
    draw.ellipse((360, 250, 470, 360), fill="#c9d6e3")
    draw.ellipse((385, 275, 445, 335), fill="#2b5c8a")
    draw.polygon([(470, 300), (940, 120), (940, 480)], fill="#fff6c9")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile("beamer.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_company_member_posts_a_volunteer_action_with_two_slots(browser_page, new_page):
    company = CompanyFactory(name="Kanalblick IT", district="Kreuzberg")
    member = member_of(
        company, Role.MEMBER, full_name="Lena Brandt", email="lena@kanalblick.example"
    )
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    social_worker = member_of(social, Role.MEMBER, email="klaus@nachbarschaftshaus.example")
    # Other offers, so the start page looks like a real one.
    item = EquipmentFactory(
        organisation=company,
        title="Beamer Epson EB-W06",
        category=Category.objects.get(slug="veranstaltungstechnik"),
        quantity=1,
        handover_weekdays=[1, 2, 3, 4, 5],
        handover_opens_at=dt.time(10),
        handover_closes_at=dt.time(16),
    )
    listing_services.equipment_photo_add(item=item, by=member, upload=projector_photo())
    JobOfferFactory(
        organisation=CompanyFactory(name="Görlitzer Druckhaus"),
        title="Ausbildung Medientechnologie Druck",
        category=Category.objects.get(slug="handel"),
    )
    page = browser_page

    # Given the company member is signed in and opens the company's offers
    sign_in(page, member.email, PASSWORD)
    page.get_by_role("link", name="Meine Organisationen").click()
    page.get_by_role("link", name="Kanalblick IT").click()
    page.get_by_role("navigation", name="Bereiche der Organisation").get_by_role(
        "link", name="Angebote"
    ).click()
    page.get_by_role("link", name="Freiwilligenaktion").click()

    # When she fills in the action and two slots
    page.get_by_label("Titel").fill("Streichaktion im Jugendclub")
    page.get_by_label("Beschreibung").fill(
        "Sechs von uns streichen einen Tag lang Wände und Türen. Farbe bringen wir mit."
    )
    page.get_by_label("Kategorie").select_option(label="Renovieren & Reparieren")
    page.get_by_label("Fähigkeiten").fill("Streichen, Abkleben")
    first = page.get_by_role("group", name="Termin 1")
    first.get_by_label("Beginn").fill(at(8, 9))
    first.get_by_label("Ende").fill(at(8, 15))
    first.get_by_label("Plätze").fill("6")
    second = page.get_by_role("group", name="Termin 2")
    second.get_by_label("Beginn").fill(at(15, 10))
    second.get_by_label("Ende").fill(at(15, 16))
    second.get_by_label("Plätze").fill("4")
    screenshot(page, "offer-form")
    page.get_by_role("button", name="Als Entwurf speichern").click()

    # ... and publishes the draft
    expect(page.get_by_text("als Entwurf gespeichert")).to_be_visible()
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_text("Das Angebot ist veröffentlicht.")).to_be_visible()

    # Then the action is published with both slots
    action = VolunteerAction.objects.get(title="Streichaktion im Jugendclub")
    assert action.status == ListingStatus.PUBLISHED
    slots = list(action.slots.order_by("start"))
    assert [slot.volunteers_available for slot in slots] == [6, 4]
    assert timezone.localtime(slots[0].start).strftime("%Y-%m-%dT%H:%M") == at(8, 9)

    # And a social worker finds it on the start page, with its next free date
    worker = new_page()
    sign_in(worker, social_worker.email, PASSWORD)
    worker.goto("/")
    card = worker.locator(".offer-card", has_text="Streichaktion im Jugendclub")
    expect(card).to_contain_text("Kanalblick IT")
    expect(card).to_contain_text(at(8, 9)[:10].split("-")[2])  # the day of the first slot
    screenshot(worker, "search")
    worker.get_by_role("searchbox").fill("Streichen")
    worker.get_by_role("button", name="Suchen").click()
    expect(worker.locator(".offer-card")).to_have_count(1)
    worker.get_by_role("link", name="Streichaktion im Jugendclub").click()
    expect(worker.locator(".slot")).to_have_count(2)
    expect(worker.get_by_text("6 Plätze frei")).to_be_visible()
    screenshot(worker, "offer-volunteer-action")
    worker.goto(f"/angebote/{item.pk}/")
    expect(worker.locator("table.calendar")).to_be_visible()
    # Saturdays and Sundays are marked: no pick-up or return on them
    expect(worker.locator("table.calendar td.cal-day--closed").first).to_contain_text("geschlossen")
    screenshot(worker, "offer-equipment")

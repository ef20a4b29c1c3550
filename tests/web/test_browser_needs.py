"""In headless Chromium on a phone (390 px): a social worker posts a need in under ten taps from
the start page; a company member finds it among the "Passende Gesuche" on the start page and
answers it with the company's projector; the social worker sees the proposal. axe finds nothing
critical or serious on the form and the need's page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from listings.models import Category
from marketplace.models import Role
from needs import services
from needs.models import Need, Proposal
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


class Taps:
    """Counts what a person does on the screen: each tap, each field typed into, each choice."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, text: str):
        self.count += 1  # tapping the field; typing is not a tap
        locator.fill(text)

    def choose(self, locator, value: str):
        self.count += 2  # open the list, pick the entry
        locator.select_option(value)


def test_a_social_worker_posts_a_need_on_a_phone_and_a_company_answers_it(new_page):
    school = SocialOrganisationFactory(name="Grundschule am Wassertorplatz (Förderverein e.V.)")
    worker = member_of(school, Role.MEMBER, full_name="Tobias Hartmann")
    company = CompanyFactory(name="Spreewerk Design GmbH")
    lender = member_of(company, Role.MEMBER, full_name="Jonas Albrecht")
    projector = EquipmentFactory(
        organisation=company,
        title="Beamer mit Leinwand",
        quantity=1,
        category=Category.objects.get(slug="veranstaltungstechnik"),
    )
    party = timezone.localdate() + dt.timedelta(days=14)

    page = new_page(**PHONE)
    sign_in(page, worker.email, PASSWORD)
    page.goto("/")
    taps = Taps(page)
    taps.click(
        page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Gesuche")
    )
    taps.click(page.get_by_role("link", name="Gesuch stellen"))
    assert axe_findings(page) == []
    taps.fill(page.get_by_label("Was brauchen Sie?"), "Beamer für unser Sommerfest")
    taps.click(page.get_by_label("Ausstattung / Ausleihe"))
    taps.choose(page.get_by_label("Kategorie"), "veranstaltungstechnik")
    taps.fill(page.get_by_label("Wann?"), party.isoformat())
    taps.click(page.get_by_role("button", name="Veröffentlichen"))

    assert taps.count < 10, taps.count
    need = Need.objects.get()
    assert (need.status, need.date_from, need.organisation) == ("published", party, school)
    page.get_by_text("Ihr Gesuch ist veröffentlicht").wait_for()
    screenshot(page, "need-posted-phone")

    company_page = new_page(**PHONE)
    sign_in(company_page, lender.email, PASSWORD)
    company_page.goto("/")
    fitting = company_page.locator(".fitting-needs")
    fitting.get_by_role("link", name="Beamer für unser Sommerfest").click()
    company_page.get_by_label("Ihre Nachricht").fill("Unser Beamer ist an dem Tag frei.")
    company_page.get_by_label("Eines Ihrer Angebote").select_option(f"item:{projector.pk}")
    company_page.get_by_role("button", name="Vorschlag schicken").click()
    company_page.get_by_text("Ihr Vorschlag ist verschickt").wait_for()
    assert axe_findings(company_page) == []

    proposal = Proposal.objects.get()
    assert (proposal.item_id, proposal.units, proposal.pickup_on) == (projector.pk, 1, party)

    page.reload()
    expect(page.get_by_role("button", name="Annehmen")).to_be_visible()
    assert axe_findings(page) == []
    screenshot(page, "need-proposal-phone")


def test_a_company_member_answers_a_need_with_a_new_offer_made_from_it(new_page):
    school = SocialOrganisationFactory(name="Galilei-Grundschule e.V.")
    worker = member_of(school, Role.MEMBER, full_name="Tanja Lehrerin")
    company = CompanyFactory(name="Spreewerk Design GmbH")
    helper = member_of(company, Role.MEMBER, full_name="Jonas Albrecht")
    day = timezone.localdate() + dt.timedelta(days=14)

    need = services.need_create(
        by=worker,
        organisation=school,
        publish=True,
        title="Helfende für den Schulgarten",
        description="Beete anlegen und Wege mulchen.",
        category="garten",
        help_kind="volunteers",
        quantity=4,
        date_from=day,
        place="Schulhof",
    )

    page = new_page(**PHONE)
    sign_in(page, helper.email, PASSWORD)
    page.goto(need.path)
    page.get_by_role("link", name="Neues Angebot aus diesem Gesuch anlegen").click()
    assert page.get_by_label("Titel").input_value() == "Helfende für den Schulgarten"
    assert axe_findings(page) == []
    screenshot(page, "need-new-offer-form-phone")
    page.get_by_label("Fähigkeiten").fill("Gartenarbeit")
    page.get_by_role("button", name="Veröffentlichen und zum Gesuch").click()
    page.get_by_text("Das Angebot ist veröffentlicht").wait_for()
    assert axe_findings(page) == []

    page.get_by_label("Ihre Nachricht").fill("Wir kommen zu viert.")
    page.get_by_role("button", name="Vorschlag schicken").click()
    page.get_by_text("Ihr Vorschlag ist verschickt").wait_for()

    proposal = Proposal.objects.get()
    assert proposal.slot.action.title == "Helfende für den Schulgarten"
    assert (proposal.volunteers, proposal.slot.action.status) == (4, "published")

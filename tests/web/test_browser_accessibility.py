"""axe-core over the main pages, at a desktop and a phone's width, in German and English: no
critical or serious finding.

axe is put into the page by evaluating its source (from the `axe-playwright-python` package),
which the DevTools protocol does outside the page's Content-Security-Policy: the policy stays as
strict as in production, and nothing of axe is served by Kiezmarkt itself."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings import services as booking_services
from marketplace.models import Role
from network.models import Event, EventKind
from network.services.events import (
    EventDetails,
    StationDetails,
    event_create,
    event_publish,
    station_create,
)
from network.services.registrations import registration_create
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    member_of,
)
from tests.listings.factories import EquipmentFactory, VolunteerActionFactory
from tests.network.support import in_days

from .conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING = {"critical", "serious"}


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_findings(page) -> list[str]:
    """The critical and serious axe findings on the page, one readable line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.fixture
def network():
    """A company with a loan and a volunteer action, a social organisation that booked the
    action, and the coordinator with an organisation waiting for approval."""
    company = CompanyFactory(name="Kanalblick IT")
    lender = member_of(company, Role.ADMIN, email="deniz@kanalblick.example")
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    worker = member_of(social, Role.ADMIN, email="ayse@wassertor.example")
    item = EquipmentFactory(organisation=company, title="Beamer Epson EB-W06", quantity=2)
    start = (timezone.localtime() + dt.timedelta(days=9)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    action = VolunteerActionFactory(
        organisation=company,
        title="Streichaktion im Jugendclub",
        slots=[{"start": start, "end": start + dt.timedelta(hours=5)}],
    )
    booking = booking_services.booking_request_volunteers(
        by=worker,
        organisation=social,
        slot=action.slots.get().pk,
        volunteers=2,
        task="Flur streichen",
        place="Wassertorstraße 48",
        contact_name="Ayşe Demir",
        contact_phone="030 1234567",
    )
    SocialOrganisationFactory(name="Kinderladen Sonnenblume e.V.", status="pending")
    coordinator = CoordinatorFactory(email="koordination@kiezmarkt.example")
    open_day, lunch = _events(lender, company, worker, social)
    return {
        "open_day": open_day,
        "lunch": lunch,
        "lender": lender,
        "worker": worker,
        "social": social,
        "item": item,
        "action": action,
        "booking": booking,
        "coordinator": coordinator,
    }


def _events(host, company, worker, social) -> tuple[Event, Event]:
    """A public open day with a station, and a Lunch that began an hour ago with the social
    worker registered (its attendance form)."""

    def event(**fields) -> Event:
        values = {
            "description": "Treffen im Kiez.",
            "place": "Wassertorstraße 48",
            "online": False,
            "online_link": "",
            "capacity": 20,
            "hosts": [company],
            **fields,
        }
        created = event_create(by=host, details=EventDetails(**values))
        event_publish(event=created, by=host, invite=False)
        return created

    open_day = event(
        kind=EventKind.OPEN_DAY,
        title="Tag der offenen Gewerbehöfe",
        starts_at=in_days(12, 11),
        ends_at=in_days(12, 17),
        visibility="public",
    )
    station_create(
        event=open_day,
        by=host,
        details=StationDetails(
            title="Offene Werkstatt",
            host=company,
            starts_at=in_days(12, 14),
            ends_at=in_days(12, 16),
            place="Hof 2",
            capacity=8,
        ),
    )
    lunch = event(
        kind=EventKind.LUNCH,
        title="Kieznetzwerk Lunch",
        starts_at=in_days(3, 12),
        ends_at=in_days(3, 14),
        visibility="members",
    )
    registration_create(event=lunch, by=worker, organisation_id=social.pk, note="vegetarisch")
    began = timezone.now() - dt.timedelta(hours=1)
    Event.objects.filter(pk=lunch.pk).update(starts_at=began, ends_at=began + dt.timedelta(hours=2))
    return open_day, lunch


def _set_language(page, language: str) -> None:
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()


def _check(page, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response.status < 400, path
        findings = axe_findings(page)
        if findings:
            found[path] = findings
    return found


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_main_pages_have_no_serious_accessibility_findings(new_page, network, viewport, language):
    item, action, booking = network["item"], network["action"], network["booking"]
    social = network["social"]

    # Given someone who is not signed in, then the social worker, then the coordinator
    visitor = new_page(**viewport)
    _set_language(visitor, language)
    found = _check(
        visitor,
        ["/", "/?q=Beamer", f"/angebote/{item.pk}/", f"/angebote/{action.pk}/", "/anmelden/"],
    )
    open_day, lunch = network["open_day"], network["lunch"]
    found |= _check(visitor, ["/termine/", f"/termine/{open_day.pk}/"])

    worker = new_page(**viewport)
    sign_in(worker, network["worker"].email, PASSWORD)
    _set_language(worker, language)
    found |= _check(
        worker,
        [
            f"/angebote/{action.pk}/",  # with the booking forms, for members
            f"/angebote/{item.pk}/",
            f"/buchungen/{booking.pk}/",
            "/buchungen/",
            f"/organisationen/{social.pk}/",
            "/termine/",
            "/termine/meine/",
            "/termine/monat/",
            f"/termine/{open_day.pk}/",  # with the registration forms
            f"/termine/{lunch.pk}/",  # registered
        ],
    )

    lender = new_page(**viewport)
    sign_in(lender, network["lender"].email, PASSWORD)
    _set_language(lender, language)
    company = network["item"].organisation_id
    found |= _check(
        lender,
        [
            f"/organisationen/{company}/angebote/",
            f"/organisationen/{company}/angebote/neu/freiwilligenaktion/",
            f"/organisationen/{company}/mitglieder/",
            "/termine/neu/",
            f"/termine/{open_day.pk}/bearbeiten/",
            f"/termine/{open_day.pk}/programm/",
            f"/termine/{lunch.pk}/",  # the hosts' box
            f"/termine/{lunch.pk}/anmeldungen/",  # taking attendance
        ],
    )
    # The event form sent with errors
    lender.goto("/termine/neu/")
    lender.locator("form.event-form button[type=submit]").click()
    lender.wait_for_load_state()
    expect(lender.locator(".error-summary")).to_be_visible()
    if findings := axe_findings(lender):
        found["event form with errors"] = findings
    # A form sent with errors: the summary, the marked fields and the focus
    lender.goto(f"/organisationen/{company}/angebote/neu/ausleihe/")
    lender.locator("form.offer-form button[type=submit]").last.click()
    lender.wait_for_load_state()
    expect(lender.locator(".error-summary")).to_be_visible()
    if findings := axe_findings(lender):
        found["offer form with errors"] = findings

    coordinator = new_page(**viewport)
    sign_in(coordinator, network["coordinator"].email, PASSWORD)
    _set_language(coordinator, language)
    found |= _check(coordinator, ["/koordination/"])

    # Then axe finds nothing critical or serious on any of them
    assert found == {}

"""In headless Chromium: on a 390 px phone a member finds the next Kieznetzwerk Lunch under
"Termine" and registers for her organisation; a host takes attendance after the start."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.models import Role
from network.models import Event, EventKind, Registration, RegistrationState
from network.services.events import EventDetails, event_create, event_publish
from network.services.registrations import registration_create
from tests.factories import PASSWORD, CompanyFactory, SocialOrganisationFactory, member_of
from tests.network.support import in_days

from .conftest import screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]

PHONE = {"width": 390, "height": 844}


def lunch(host, company, *, days: int, title: str = "Kieznetzwerk Lunch", **fields) -> Event:
    event = event_create(
        by=host,
        details=EventDetails(
            kind=EventKind.LUNCH,
            title=title,
            description="Mittagessen und Austausch im Kiez.",
            starts_at=in_days(days, 12),
            ends_at=in_days(days, 14),
            place="Café Wassertor, Wassertorstraße 48",
            online=False,
            online_link="",
            capacity=12,
            visibility="members",
            hosts=[company],
            **fields,
        ),
    )
    event_publish(event=event, by=host, invite=False)
    return event


def test_a_member_finds_the_next_lunch_under_termine_and_registers_on_a_phone(new_page):
    company = CompanyFactory(name="Kanalblick IT")
    host = member_of(company, Role.ADMIN, full_name="Deniz Kaya")
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    member = member_of(social, Role.MEMBER, full_name="Ayşe Demir", email="ayse@wassertor.example")
    lunch(host, company, days=30, title="Kieznetzwerk Lunch im Januar")
    next_lunch = lunch(host, company, days=5)
    page = new_page(**PHONE)

    # Given the member on her phone, signed in
    sign_in(page, member.email, PASSWORD)

    # When she opens "Termine" from the main navigation and picks the next Lunch
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Termine"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Termine")
    first = page.locator(".event-card").first
    expect(first).to_contain_text("Kieznetzwerk Lunch")
    expect(first).not_to_contain_text("Januar")
    first.get_by_role("link", name="Kieznetzwerk Lunch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kieznetzwerk Lunch")

    # And registers with one colleague and a note for the hosts
    box = page.locator(".registration-box")
    box.get_by_label("Begleitpersonen").fill("1")
    box.get_by_label("Hinweis für die Gastgeber").fill("eine Person isst vegetarisch")
    screenshot(page, "event-register-phone", full_page=False)
    box.get_by_role("button", name="Anmelden").click()

    # Then the page says she is registered, without sideways scrolling
    expect(page.locator(".message")).to_contain_text("Sie sind angemeldet.")
    expect(box).to_contain_text("Sie sind angemeldet.")
    expect(box).to_contain_text("mit 1 Begleitperson")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    registration = Registration.objects.get(person=member)
    assert (registration.event_id, registration.state, registration.companions) == (
        next_lunch.pk,
        RegistrationState.REGISTERED,
        1,
    )
    # and finds it under "Meine Anmeldungen"
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Termine"
    ).click()
    page.get_by_role("link", name="Meine Anmeldungen").click()
    expect(page.locator(".event-card")).to_contain_text("Kieznetzwerk Lunch")


def test_a_host_takes_attendance(new_page):
    company = CompanyFactory(name="Kanalblick IT")
    host = member_of(company, Role.ADMIN, full_name="Deniz Kaya", email="deniz@kanalblick.example")
    people = []
    for name in ("Ayşe Demir", "Jonas Weber", "Klaus Richter"):
        organisation = SocialOrganisationFactory()
        people.append((member_of(organisation, Role.MEMBER, full_name=name), organisation))
    event = lunch(host, company, days=1)
    for person, organisation in people:
        registration_create(event=event, by=person, organisation_id=organisation.pk)
    # The Lunch began half an hour ago
    began = timezone.now() - dt.timedelta(minutes=30)
    Event.objects.filter(pk=event.pk).update(starts_at=began, ends_at=began + dt.timedelta(hours=2))
    page = new_page(**PHONE)

    # Given the host on the event's page
    sign_in(page, host.email, PASSWORD)
    page.goto(f"/termine/{event.pk}/")
    page.get_by_role("link", name="Anmeldungen und Anwesenheit").click()

    # When she marks who came and who did not
    expect(page.get_by_role("heading", name="Wer war da?")).to_be_visible()
    page.get_by_role("group", name="Ayşe Demir").get_by_label("war da").check()
    page.get_by_role("group", name="Jonas Weber").get_by_label("nicht da").check()
    screenshot(page, "event-attendance-phone", full_page=False)
    page.get_by_role("button", name="Anwesenheit speichern").click()

    # Then it is saved, and the page counts who came
    expect(page.locator(".message")).to_contain_text("Die Anwesenheit ist gespeichert.")
    expect(page.locator(".registration-summary")).to_contain_text("1 Person war da")
    attended = dict(
        Registration.objects.filter(event=event).values_list("person__full_name", "attended")
    )
    assert attended == {"Ayşe Demir": True, "Jonas Weber": False, "Klaus Richter": None}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

"""In headless Chromium on a phone: a social worker finds the volunteer slot booked out, joins its
waiting list from the offer's page, sees her place on /warteliste/ and leaves it again; axe finds
nothing critical or serious on either page."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import WaitlistEntry, WaitlistState
from marketplace.models import Role
from tests.bookings.support import make_world, request_volunteers
from tests.factories import PASSWORD, SocialOrganisationFactory, member_of
from tests.listings.factories import VolunteerActionFactory

from .conftest import sign_in
from .test_browser_accessibility import PHONE, axe_findings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]


def test_a_social_worker_joins_and_leaves_the_waiting_list_on_a_phone(new_page):
    world = make_world()
    start = (timezone.localtime() + dt.timedelta(days=6)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    action = VolunteerActionFactory(
        organisation=world.company,
        title="Gartentag im Wassertorkiez",
        slots=[{"start": start, "end": start + dt.timedelta(hours=4), "volunteers_available": 2}],
    )
    other = SocialOrganisationFactory(name="Kinderladen Sonnenblume e.V.")
    request_volunteers(
        world, action.slots.get(), 2, by=member_of(other, Role.ADMIN), organisation=other
    )
    page = new_page(**PHONE)

    # Given the slot is booked out, when the social worker opens the offer on her phone
    sign_in(page, world.social_member.email, PASSWORD)
    page.goto(f"/angebote/{action.pk}/")
    box = page.locator(".waitlist-box")
    box.get_by_text("Termin ausgebucht? Auf die Warteliste").click()
    assert axe_findings(page) == []

    # and joins the waiting list with what the request needs
    box.get_by_label("Wie viele Freiwillige?").fill("1")
    box.get_by_label("Was ist zu tun?").fill("Beete umgraben")
    box.get_by_label("Wo?").fill("Hof, Wassertorstraße 48")
    box.get_by_role("radio").first.check()
    box.get_by_role("button", name="Auf die Warteliste").click()

    # then she sees her place in line, and can leave again
    expect(page.get_by_text("Platz 1 auf der Warteliste")).to_be_visible()
    expect(page).to_have_url(re.compile("/warteliste/$"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_findings(page) == []
    page.get_by_role("button", name="Warteliste verlassen").click()
    expect(page.get_by_text("Sie haben die Warteliste verlassen.")).to_be_visible()
    assert WaitlistEntry.objects.get().state == WaitlistState.LEFT

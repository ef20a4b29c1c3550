"""The working-group and minutes pages in Chromium at a phone's width (390 px), German and
English: a member joins a group and the lead writes minutes with a decision; axe-core finds
nothing critical or serious on the pages (list, group, minutes writing and reading)."""

import pytest

from network.models import (
    EventKind,
    EventVisibility,
    GroupMembership,
    GroupMembershipState,
    MeetingsVisibility,
    Minutes,
    Project,
)
from tests.factories import PASSWORD
from tests.network.groups_support import add_member, make_group
from tests.network.support import person_in_new_organisation, published_event

from .conftest import sign_in
from .test_browser_accessibility import PHONE, axe_findings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_categories"),
]


@pytest.fixture
def ag():
    lead_pair = person_in_new_organisation(full_name="Ayşe Demir", email="ayse@wassertor.example")
    group, lead, _ = make_group(
        name="AG Moritzplatz", meetings_visibility=MeetingsVisibility.MEMBERS, lead=lead_pair
    )
    member, member_org = person_in_new_organisation(full_name="Mara Sommer")
    add_member(group, member, member_org)
    Project.objects.create(
        group=group, title="Bänke am Moritzplatz", next_step="Antrag", next_step_owner=member
    )
    meeting = published_event(
        days=-1,
        kind=EventKind.AG_TREFFEN,
        title="AG Moritzplatz im März",
        group=group,
        visibility=EventVisibility.MEMBERS,
    )
    newcomer, _ = person_in_new_organisation(full_name="Nils Neu", email="nils@kanalblick.example")
    return {
        "group": group,
        "lead": lead,
        "member": member,
        "meeting": meeting,
        "newcomer": newcomer,
    }


def _english(page) -> None:
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["de", "en"])
def test_joining_and_writing_minutes_on_a_phone_with_no_serious_findings(new_page, ag, language):
    meeting = ag["meeting"]
    found = {}

    # A newcomer finds "Arbeitsgruppen" in the navigation and joins the group.
    newcomer = new_page(**PHONE)
    sign_in(newcomer, ag["newcomer"].email, PASSWORD)
    if language == "en":
        _english(newcomer)
    newcomer.goto("/arbeitsgruppen/")
    if findings := axe_findings(newcomer):
        found["list"] = findings
    newcomer.get_by_role("link", name="AG Moritzplatz").first.click()
    newcomer.wait_for_load_state()
    if findings := axe_findings(newcomer):
        found["group"] = findings
    newcomer.get_by_role("button", name="Beitreten" if language == "de" else "Join").click()
    newcomer.wait_for_load_state()
    assert GroupMembership.objects.get(person=ag["newcomer"]).state == GroupMembershipState.ACTIVE

    # The lead writes the minutes with a decision and publishes them.
    lead = new_page(**PHONE)
    sign_in(lead, ag["lead"].email, PASSWORD)
    if language == "en":
        _english(lead)
    lead.goto(f"/protokolle/{meeting.pk}/schreiben/")
    if findings := axe_findings(lead):
        found["write"] = findings
    lead.locator("#id_text").fill("Bänke beantragt, Licht folgt.")
    lead.locator("#id_decisions-0-text").fill("Antrag schreiben")
    lead.locator("#id_decisions-0-owner").select_option(label="Mara Sommer")
    lead.locator("form[action$='/schreiben/'] button[type=submit]").click()
    lead.wait_for_load_state()
    lead.locator("form[action$='/veroeffentlichen/'] button").click()
    lead.wait_for_load_state()
    assert Minutes.objects.get().published_at is not None
    if findings := axe_findings(lead):
        found["minutes"] = findings
    assert "Antrag schreiben" in lead.content()
    assert lead.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    assert found == {}

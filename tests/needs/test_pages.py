"""The needs pages: a social worker posts a need from the short form, a company member sees it
among the fitting needs and proposes an item, the school accepts it and lands on the confirmed
booking; the public profile shows published needs only; English pages show no German."""

import pytest
from django.test import Client

from bookings.models import Booking
from needs.models import Need, Proposal
from tests.listings.factories import EquipmentFactory

from .support import category, in_days, need_of

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_post_a_need_propose_an_item_and_accept_it(world):
    item = EquipmentFactory(
        organisation=world.lender, title="Beamer mit Leinwand", quantity=1, category=category()
    )
    school = _client(world.teacher)
    form = school.get("/gesuche/neu/")
    assert form.status_code == 200
    day = in_days(12)

    posted = school.post(
        "/gesuche/neu/",
        {
            "organisation": world.school.pk,
            "title": "Beamer für das Sommerfest",
            "help_kind": "equipment",
            "category": "veranstaltungstechnik",
            "date_from": day.isoformat(),
            "publish": "",
        },
    )

    need = Need.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/gesuche/{need.pk}/"
    assert need.status == "published"

    company = _client(world.lender_member)
    start = company.get("/")
    assert "Beamer für das Sommerfest" in start.content.decode()  # "Passende Gesuche"
    fitting = company.get("/gesuche/passend/")
    assert "Beamer für das Sommerfest" in fitting.content.decode()
    page = company.get(f"/gesuche/{need.pk}/")
    assert f'value="item:{item.pk}"' in page.content.decode()

    proposed = company.post(
        f"/gesuche/{need.pk}/vorschlaege/",
        {
            "organisation": world.lender.pk,
            "message": "Unser Beamer steht bereit.",
            "offer": f"item:{item.pk}",
            "units": "1",
            "pickup_on": day.isoformat(),
            "return_on": day.isoformat(),
        },
    )
    assert proposed.status_code == 302, proposed.content.decode()[:2000]
    proposal = Proposal.objects.get()

    own_page = school.get(f"/gesuche/{need.pk}/").content.decode()
    assert "Annehmen" in own_page and world.lender.name in own_page
    assert "Vorschlag gemacht" in own_page  # the history, for the need's organisation
    assert "Vorschlag gemacht" not in company.get(f"/gesuche/{need.pk}/").content.decode()
    accepted = school.post(f"/gesuche/{need.pk}/vorschlaege/{proposal.pk}/accept/", {})
    booking = Booking.objects.get()
    assert accepted["Location"] == f"/buchungen/{booking.pk}/"
    assert booking.state == "confirmed"


def test_a_bad_proposal_shows_the_reason_and_stores_nothing(world):
    need = need_of(world)
    item = EquipmentFactory(organisation=world.lender, quantity=1, category=category())
    response = _client(world.lender_member).post(
        f"/gesuche/{need.pk}/vorschlaege/",
        {
            "organisation": world.lender.pk,
            "message": "Hallo",
            "offer": f"item:{item.pk}",
            "units": "5",
            "pickup_on": in_days(10).isoformat(),
        },
    )
    assert response.status_code == 409
    assert "frei" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_the_list_search_and_the_profile_show_published_needs_only(world):
    need_of(world, title="Beamer für das Sommerfest")
    need_of(world, title="Geheimer Entwurf", publish=False)
    anonymous = Client()

    listed = anonymous.get("/gesuche/", {"q": "Beamer"}).content.decode()
    profile = anonymous.get(f"/netzwerk/{world.school.pk}/").content.decode()
    search = anonymous.get("/", {"kind": "need"}).content.decode()

    for page in (listed, profile, search):
        assert "Beamer für das Sommerfest" in page
        assert "Geheimer Entwurf" not in page
    assert anonymous.get("/gesuche/", {"category": "x y"}).status_code == 400


def test_a_draft_of_another_organisation_is_a_404_page(world):
    draft = need_of(world, publish=False)
    assert _client(world.lender_member).get(f"/gesuche/{draft.pk}/").status_code == 404
    assert _client(world.teacher).get(f"/gesuche/{draft.pk}/").status_code == 200


@pytest.mark.parametrize("path", ["/gesuche/", "/gesuche/neu/", "/gesuche/passend/", "need"])
def test_english_pages_show_no_german(world, path):
    need = need_of(world)
    client = _client(world.teacher)
    client.cookies["django_language"] = "en"
    url = f"/gesuche/{need.pk}/" if path == "need" else path
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for german in ("Gesuch stellen", "Was brauchen Sie", "Passende Gesuche", "Offen bis", "Wann"):
        assert german not in page, (url, german)


def test_the_organisation_edits_a_draft_and_publishes_it(world):
    draft = need_of(world, publish=False)
    school = _client(world.teacher)
    assert _client(world.lender_member).get(f"/gesuche/{draft.pk}/bearbeiten/").status_code == 404
    assert school.get(f"/gesuche/{draft.pk}/bearbeiten/").status_code == 200

    bad = school.post(
        f"/gesuche/{draft.pk}/bearbeiten/",
        {
            "title": "Beamer und Leinwand",
            "help_kind": "equipment",
            "category": "veranstaltungstechnik",
            "date_from": in_days(5).isoformat(),
            "date_until": in_days(4).isoformat(),
            "publish": "",
        },
    )
    assert bad.status_code == 400
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Beamer für unser Sommerfest", "draft")

    saved = school.post(
        f"/gesuche/{draft.pk}/bearbeiten/",
        {
            "title": "Beamer und Leinwand",
            "help_kind": "equipment",
            "category": "veranstaltungstechnik",
            "date_from": in_days(5).isoformat(),
            "quantity": "2",
            "publish": "",
        },
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.quantity, draft.status) == ("Beamer und Leinwand", 2, "published")

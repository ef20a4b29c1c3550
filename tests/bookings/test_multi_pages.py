"""The pages of a request for several items: "Zur Sammelanfrage hinzufügen" on an item's page,
the basket, "Anfrage senden", and the group's page with the company's answer, hand-over and
return of all or some items, and the requester's cancellation. No JavaScript: forms only."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from bookings.models import BookingGroup, BookingState
from tests.factories import CompanyFactory
from tests.listings.factories import EquipmentFactory

from .multi_support import held_units, items_of, request_group
from .support import in_days, request_equipment

pytestmark = pytest.mark.django_db
S = BookingState


@pytest.fixture(autouse=True)
def _german_afterwards():
    # A page in English leaves English active in the test's thread; later tests read German.
    yield
    translation.activate("de")


@pytest.fixture
def signed_in():
    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def send(client, path, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return send


def _basket_body(items, *, units=1, start=3, days=2, **extra) -> dict:
    body = {f"units_{item.pk}": str(units) for item in items}
    body.update(
        pickup_on=str(in_days(start)),
        return_on=str(in_days(start + days - 1)),
        purpose="Sommerfest im Hof",
        message="Wir holen alles zusammen ab.",
    )
    body.update(extra)
    return body


def _states(group) -> dict[str, str]:
    return {b.listing.title: b.state for b in group.bookings.select_related("listing")}


def test_an_item_page_offers_the_basket_and_the_basket_sends_one_request(world, signed_in, submit):
    beamer, tables = items_of(world, 2)
    client = signed_in(world.social_member)

    page = client.get(f"/angebote/{beamer.pk}/").content.decode()
    assert f'action="/buchungen/sammelanfrage/hinzufuegen/{beamer.pk}/"' in page
    assert "Zur Sammelanfrage hinzufügen" in page
    for item in (beamer, tables):
        response = client.post(f"/buchungen/sammelanfrage/hinzufuegen/{item.pk}/")
        assert response.status_code == 302
    basket = client.get("/buchungen/sammelanfrage/").content.decode()
    assert "Beamer" in basket and "Biertischgarnitur" in basket
    assert f'name="units_{beamer.pk}"' in basket

    mail.outbox.clear()
    response = submit(client, "/buchungen/sammelanfrage/", _basket_body([beamer, tables], units=2))

    group = BookingGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == group.path
    assert set(_states(group).values()) == {S.REQUESTED}
    assert held_units(beamer) == held_units(tables) == 2
    # One e-mail per person of the company, listing both items.
    to_company = [m for m in mail.outbox if world.company_admin.email in m.to]
    assert len(to_company) == 1
    assert "Beamer" in to_company[0].body and "Biertischgarnitur" in to_company[0].body
    # The basket is empty again.
    assert "Anfrage senden" not in client.get("/buchungen/sammelanfrage/").content.decode()


def test_items_of_another_company_stay_out_of_the_basket(world, signed_in):
    [beamer] = items_of(world, 1)
    other = EquipmentFactory(organisation=CompanyFactory(name="Andere GmbH"), title="Zelt")
    client = signed_in(world.social_member)
    client.post(f"/buchungen/sammelanfrage/hinzufuegen/{beamer.pk}/")

    response = client.post(f"/buchungen/sammelanfrage/hinzufuegen/{other.pk}/", follow=True)

    page = response.content.decode()
    assert "einer anderen Organisation" in page
    assert "Zelt" not in page


def test_one_item_alone_cannot_be_sent_as_a_basket(world, signed_in):
    [beamer] = items_of(world, 1)
    client = signed_in(world.social_member)
    client.post(f"/buchungen/sammelanfrage/hinzufuegen/{beamer.pk}/")

    response = client.post("/buchungen/sammelanfrage/", _basket_body([beamer]))

    assert response.status_code == 400
    assert "mindestens zwei" in response.content.decode()
    assert BookingGroup.objects.count() == 0


def test_an_item_not_free_is_named_on_the_basket_page_and_nothing_is_held(world, signed_in):
    beamer, tables = items_of(world, 2)
    request_equipment(world, tables, units=3, start=3, days=2)
    client = signed_in(world.social_member)
    for item in (beamer, tables):
        client.post(f"/buchungen/sammelanfrage/hinzufuegen/{item.pk}/")

    response = client.post("/buchungen/sammelanfrage/", _basket_body([beamer, tables]))

    assert response.status_code == 409
    assert "„Biertischgarnitur“ ist vom" in response.content.decode()
    assert held_units(beamer) == 0
    assert BookingGroup.objects.count() == 0


def test_bad_basket_input_is_a_400_and_changes_nothing(world, signed_in):
    beamer, tables = items_of(world, 2)
    client = signed_in(world.social_member)
    for item in (beamer, tables):
        client.post(f"/buchungen/sammelanfrage/hinzufuegen/{item.pk}/")

    for body in (
        _basket_body([beamer, tables], units=0),
        _basket_body([beamer, tables], purpose=""),
        {**_basket_body([beamer, tables]), "return_on": str(in_days(1))},
    ):
        assert client.post("/buchungen/sammelanfrage/", body).status_code == 400
    assert BookingGroup.objects.count() == 0


def test_the_company_confirms_some_and_declines_the_rest_on_the_group_page(
    world, signed_in, submit
):
    beamer, tables, sound = items_of(world, 3)
    group = request_group(world, [beamer, tables, sound])
    ids = {b.listing_id: b.pk for b in group.bookings.all()}
    company = signed_in(world.company_member)

    page = company.get(group.path).content.decode()
    assert 'name="answer-confirm"' in page
    assert page.count('type="checkbox"') >= 3
    mail.outbox.clear()
    response = submit(
        company,
        f"{group.path}answer/",
        {"answer-confirm": [ids[beamer.pk], ids[sound.pk]], "answer-message": "Tische sind weg"},
    )

    assert response.status_code == 302
    assert _states(group) == {
        "Beamer": S.CONFIRMED,
        "Biertischgarnitur": S.DECLINED,
        "Musikanlage": S.CONFIRMED,
    }
    to_requester = [m for m in mail.outbox if world.social_member.email in m.to]
    assert len(to_requester) == 1
    assert "Tische sind weg" in to_requester[0].body
    names = [part.get_filename() for part in to_requester[0].attachments]
    assert names == ["sammelanfrage.ics"]
    # The requester's page shows the state of each item and offers no answer.
    requester_page = signed_in(world.social_member).get(group.path).content.decode()
    assert "answer-confirm" not in requester_page
    assert re.search(r"Biertischgarnitur.*?abgelehnt", requester_page, re.S)


def test_hand_over_and_return_all_at_once_or_item_by_item_on_the_pages(world, signed_in):
    beamer, tables = items_of(world, 2)
    group = request_group(world, [beamer, tables], start=0, days=2)
    ids = {b.listing_id: b.pk for b in group.bookings.all()}
    company = signed_in(world.company_admin)
    company.post(f"{group.path}answer/", {"answer-confirm": list(ids.values())})

    company.post(f"{group.path}hand_over/", {"hand_over-bookings": [ids[beamer.pk]]})
    assert _states(group) == {"Beamer": S.HANDED_OVER, "Biertischgarnitur": S.CONFIRMED}
    # The other item on its own page, with the single booking's action.
    company.post(f"/buchungen/{ids[tables.pk]}/aktion/hand_over/", {})
    assert set(_states(group).values()) == {S.HANDED_OVER}
    response = company.post(
        f"{group.path}return/", {"return-bookings": list(ids.values()), "return-note": "ok"}
    )
    assert response.status_code == 302
    assert set(_states(group).values()) == {S.RETURNED}


def test_nothing_ticked_for_the_hand_over_is_told_and_changes_nothing(world, signed_in):
    group = request_group(world, items_of(world, 2), start=0, days=1)
    company = signed_in(world.company_admin)
    company.post(f"{group.path}answer/", {"answer-confirm": [b.pk for b in group.bookings.all()]})

    response = company.post(f"{group.path}hand_over/", {})

    assert response.status_code == 400
    assert "mindestens einen" in response.content.decode()
    assert set(_states(group).values()) == {S.CONFIRMED}


def test_the_requester_cancels_on_the_group_page(world, signed_in, submit):
    items = items_of(world, 2)
    group = request_group(world, items)
    client = signed_in(world.social_admin)

    assert client.post(f"{group.path}cancel/", {"cancel-reason": ""}).status_code == 400
    response = submit(client, f"{group.path}cancel/", {"cancel-reason": "Das Fest fällt aus"})

    assert response.status_code == 302
    assert set(_states(group).values()) == {S.CANCELLED}
    assert sum(held_units(item) for item in items) == 0


def test_strangers_get_404_and_steps_not_open_to_one_change_nothing(world, signed_in):
    group = request_group(world, items_of(world, 2))

    assert signed_in(world.outsider).get(group.path).status_code == 404
    assert signed_in(world.outsider).post(f"{group.path}answer/", {}).status_code == 404
    requester = signed_in(world.social_member)
    response = requester.post(f"{group.path}answer/", {"answer-confirm": []}, follow=True)
    assert "gerade nicht möglich" in response.content.decode()
    assert requester.post(f"{group.path}unknown/", {}).status_code == 404
    coordinator_page = signed_in(world.coordinator).get(group.path)
    assert coordinator_page.status_code == 200
    assert "als Koordination" in coordinator_page.content.decode()
    assert set(_states(group).values()) == {S.REQUESTED}


def test_the_pages_read_in_english(world, signed_in):
    beamer, tables = items_of(world, 2)
    client = signed_in(world.social_member)
    client.post("/sprache/", {"language": "en", "next": "/"})
    for item in (beamer, tables):
        client.post(f"/buchungen/sammelanfrage/hinzufuegen/{item.pk}/")
    basket = client.get("/buchungen/sammelanfrage/").content.decode()
    group = request_group(world, [beamer, tables], start=8)
    page = client.get(group.path).content.decode()

    for html in (basket, page):
        for german in ("Sammelanfrage", "Gegenstände", "Anfrage senden", "Stückzahl"):
            assert german not in html, german
    assert "Send request" in basket

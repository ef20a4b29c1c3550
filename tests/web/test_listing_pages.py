"""Offer pages: the search on the start page, an offer's page, and posting and editing offers."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listings.models import (
    AllocationKind,
    Category,
    Equipment,
    JobOffer,
    Listing,
    ListingStatus,
    VolunteerAction,
    VolunteerSlot,
)
from marketplace.models import OrganisationStatus, Role
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    UserFactory,
    member_of,
)
from tests.listings.factories import (
    EquipmentAllocationFactory,
    EquipmentFactory,
    JobOfferFactory,
    VolunteerActionFactory,
)
from tests.marketplace.organisations_support import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory(name="Kanalblick IT")


@pytest.fixture
def company_member(company):
    return member_of(company, Role.MEMBER, full_name="Lena Brandt")


@pytest.fixture
def social_worker():
    organisation = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    return member_of(organisation, Role.MEMBER, full_name="Klaus Richter")


def local(days: int, hour: int) -> dt.datetime:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def state():
    return (
        list(Listing.objects.order_by("pk").values()),
        list(VolunteerSlot.objects.order_by("pk").values()),
    )


# --- search ---------------------------------------------------------------------------------


def test_anonymous_visitors_see_the_welcome_page():
    response = Client().get("/")

    assert response.status_code == 200
    assert "Hilfe aus dem Kiez" in response.content.decode()


def test_search_shows_cards_with_kind_organisation_and_next_free_date(
    signed_in, social_worker, company
):
    action = VolunteerActionFactory(
        organisation=company, title="Streichaktion im Jugendclub", slots=[{"start": local(3, 9)}]
    )
    item = EquipmentFactory(organisation=company, title="Beamer Epson")
    JobOfferFactory(organisation=company, title="Ausbildung Fachinformatik")
    VolunteerActionFactory(organisation=company, title="Entwurf", status=ListingStatus.DRAFT)

    response = signed_in(social_worker).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Streichaktion im Jugendclub", "Beamer Epson", "Ausbildung Fachinformatik"):
        assert title in html
    assert "Entwurf" not in html
    assert "Kanalblick IT" in html
    assert f'href="/angebote/{action.pk}/"' in html
    assert local(3, 9).strftime("%d.%m.%Y") in html
    assert f'href="/angebote/{item.pk}/"' in html
    assert "Frei ab:" in html


def test_search_filters_like_the_api(signed_in, social_worker, company):
    EquipmentFactory(organisation=company, title="Beamer Epson", quantity=1)
    busy = EquipmentFactory(organisation=company, title="Beamer Sony", quantity=1)
    start = timezone.localdate() + dt.timedelta(days=7)
    EquipmentAllocationFactory(item=busy, start=start, end=start + dt.timedelta(days=2))
    VolunteerActionFactory(organisation=company, title="Beamer aufbauen")

    response = signed_in(social_worker).get(
        "/",
        {
            "q": "Beamer",
            "kind": "equipment",
            "available_from": start.isoformat(),
            "available_until": (start + dt.timedelta(days=1)).isoformat(),
            "quantity": "1",
        },
    )

    html = response.content.decode()
    assert "Beamer Epson" in html
    assert "Beamer Sony" not in html
    assert "Beamer aufbauen" not in html


def test_search_paginates_with_a_next_link(signed_in, social_worker, company):
    for n in range(14):
        JobOfferFactory(organisation=company, title=f"Stelle {n:02d}")
    client = signed_in(social_worker)

    first = client.get("/").content.decode()
    next_link = re.search(r'href="(\?cursor=[^"]+)"', first).group(1)
    second = client.get("/" + next_link.replace("&amp;", "&")).content.decode()

    assert len(re.findall(r'class="card offer-card', first)) == 12
    assert len(re.findall(r'class="card offer-card', second)) == 2


@pytest.mark.parametrize(
    "params, field",
    [
        ({"available_from": "2030-01-05"}, "available_until"),
        ({"available_from": "2030-01-05", "available_until": "2030-01-01"}, "available_until"),
        ({"date_from": "2030-01-05", "date_to": "2030-01-01"}, "date_to"),
        ({"date_from": "kein Datum"}, "date_from"),
        ({"kind": "boat"}, "kind"),
        ({"quantity": "99999999999999999999"}, "quantity"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_bad_search_input_is_shown_at_the_field(signed_in, social_worker, params, field):
    response = signed_in(social_worker).get("/", params)

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()


def test_a_bad_cursor_is_a_400_not_a_500(signed_in, social_worker):
    response = signed_in(social_worker).get("/", {"cursor": "###"})

    assert response.status_code == 400


def test_search_takes_a_bounded_number_of_queries(
    signed_in, social_worker, company, django_assert_max_num_queries
):
    for n in range(6):
        VolunteerActionFactory(organisation=company, title=f"Aktion {n}")
        JobOfferFactory(organisation=company, title=f"Stelle {n}")
    client = signed_in(social_worker)

    with django_assert_max_num_queries(12):
        client.get("/")


def test_search_takes_as_many_queries_for_twelve_equipment_cards_as_for_one(
    signed_in, social_worker, company, django_assert_max_num_queries
):
    def booked_item(n: int) -> Equipment:
        # Every item has loans and a blocked period, so its free date has to be worked out.
        item = EquipmentFactory(organisation=company, title=f"Beamer {n}", quantity=2)
        today = timezone.localdate()
        for unit in (1, 2):
            EquipmentAllocationFactory(
                item=item, unit_number=unit, start=today, end=today + dt.timedelta(days=n + 1)
            )
        EquipmentAllocationFactory(
            item=item,
            unit_number=1,
            start=today + dt.timedelta(days=20),
            end=today + dt.timedelta(days=22),
            kind=AllocationKind.BLOCKED,
        )
        return item

    def page_queries(client) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/", {"kind": "equipment"})
        assert response.status_code == 200
        return len(captured), response.content.decode()

    client = signed_in(social_worker)
    booked_item(0)
    with django_assert_max_num_queries(12):
        one, html = page_queries(client)
    assert len(re.findall(r'class="card offer-card', html)) == 1

    for n in range(1, 14):
        booked_item(n)
    with django_assert_max_num_queries(12):
        twelve, html = page_queries(client)
    assert len(re.findall(r'class="card offer-card', html)) == 12
    assert html.count("Frei ab:") == 12

    assert twelve == one


# --- an offer's page ------------------------------------------------------------------------


def test_volunteer_action_page_shows_slots_with_free_places(signed_in, social_worker, company):
    action = VolunteerActionFactory(
        organisation=company,
        title="Gartentag",
        slots=[{"start": local(5, 9), "volunteers_available": 4}],
    )

    response = signed_in(social_worker).get(f"/angebote/{action.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Gartentag" in html
    assert "4 Plätze frei" in html
    assert "Bearbeiten" not in html


def test_equipment_page_shows_an_availability_calendar(signed_in, social_worker, company):
    item = EquipmentFactory(organisation=company, title="Beamer", quantity=1)
    start = timezone.localdate() + dt.timedelta(days=2)
    EquipmentAllocationFactory(item=item, start=start, end=start + dt.timedelta(days=1))

    html = signed_in(social_worker).get(f"/angebote/{item.pk}/").content.decode()

    assert 'class="calendar"' in html
    assert "cal-day--none" in html
    assert "cal-day--all" in html


def test_job_page_shows_the_details(signed_in, social_worker, company):
    job = JobOfferFactory(organisation=company, title="Ausbildung Fachinformatik")

    html = signed_in(social_worker).get(f"/angebote/{job.pk}/").content.decode()

    assert "Ausbildung Fachinformatik" in html
    assert "Bewerbungsfrist" in html


def test_drafts_are_hidden_from_others_and_unknown_offers_are_404(
    signed_in, social_worker, company
):
    draft = VolunteerActionFactory(organisation=company, status=ListingStatus.DRAFT)

    assert signed_in(social_worker).get(f"/angebote/{draft.pk}/").status_code == 404
    assert signed_in(social_worker).get("/angebote/999999/").status_code == 404
    # offers are public since issue 13, drafts are not
    assert Client().get(f"/angebote/{draft.pk}/").status_code == 404


# --- posting offers -------------------------------------------------------------------------


def action_data(**overrides):
    category = Category.objects.get(slug="renovieren")
    data = {
        "title": "Streichaktion",
        "description": "Wir streichen Ihre Räume.",
        "category": category.pk,
        "location_kind": "at_organisation",
        "skills": "Streichen, Tragen",
        "languages": ["de", "en"],
        "slots-TOTAL_FORMS": "2",
        "slots-INITIAL_FORMS": "0",
        "slots-0-start": local(8, 9).strftime("%Y-%m-%dT%H:%M"),
        "slots-0-end": local(8, 15).strftime("%Y-%m-%dT%H:%M"),
        "slots-0-volunteers_available": "6",
        "slots-1-start": local(9, 9).strftime("%Y-%m-%dT%H:%M"),
        "slots-1-end": local(9, 15).strftime("%Y-%m-%dT%H:%M"),
        "slots-1-volunteers_available": "4",
    }
    data.update(overrides)
    return data


def test_a_company_member_posts_a_volunteer_action_with_two_slots_and_publishes_it(
    signed_in, company, company_member
):
    client = signed_in(company_member)
    assert (
        client.get(f"/organisationen/{company.pk}/angebote/neu/freiwilligenaktion/").status_code
        == 200
    )

    response = client.post(
        f"/organisationen/{company.pk}/angebote/neu/freiwilligenaktion/", action_data()
    )

    action = VolunteerAction.objects.get(title="Streichaktion")
    assert response.status_code == 302
    assert response["Location"] == f"/angebote/{action.pk}/"
    assert action.status == ListingStatus.DRAFT
    assert action.skills == ["Streichen", "Tragen"]
    assert action.languages == ["de", "en"]
    assert [s.volunteers_available for s in action.slots.order_by("start")] == [6, 4]
    assert timezone.localtime(action.slots.order_by("start").first().start).hour == 9

    client.post(f"/angebote/{action.pk}/status/veroeffentlichen/")
    action.refresh_from_db()
    assert action.status == ListingStatus.PUBLISHED


def test_more_rows_adds_blank_slot_rows_without_saving(signed_in, company, company_member):
    response = signed_in(company_member).post(
        f"/organisationen/{company.pk}/angebote/neu/freiwilligenaktion/",
        {**action_data(), "more_rows": "1"},
    )

    assert response.status_code == 200
    assert 'name="slots-TOTAL_FORMS" value="4"' in response.content.decode()
    assert not VolunteerAction.objects.exists()


def test_slot_errors_are_shown_and_nothing_is_saved(signed_in, company, company_member):
    before = state()

    response = signed_in(company_member).post(
        f"/organisationen/{company.pk}/angebote/neu/freiwilligenaktion/",
        action_data(**{"slots-1-end": local(9, 8).strftime("%Y-%m-%dT%H:%M")}),
    )

    assert response.status_code == 400
    assert "Das Ende eines Termins muss nach dem Beginn liegen." in response.content.decode()
    assert state() == before


def test_offer_form_shows_field_errors(signed_in, company, company_member):
    before = state()

    response = signed_in(company_member).post(
        f"/organisationen/{company.pk}/angebote/neu/freiwilligenaktion/",
        action_data(
            title="",
            location_kind="meeting_point",
            languages="de, klingonisch",
            min_volunteers_per_booking="5",
            max_volunteers_per_booking="2",
            **{"slots-0-volunteers_available": "0"},
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    for field in ("title", "meeting_street", "languages", "slots-0-volunteers_available"):
        assert f'id="id_{field}_error"' in html, field
    assert state() == before


def test_posting_equipment_with_unavailable_dates_and_a_photo(signed_in, company, company_member):
    client = signed_in(company_member)
    today = timezone.localdate()
    response = client.post(
        f"/organisationen/{company.pk}/angebote/neu/ausleihe/",
        {
            "title": "Beamer Epson EB-W06",
            "description": "Heller Beamer mit HDMI-Kabel.",
            "category": Category.objects.get(slug="veranstaltungstechnik").pk,
            "quantity": "1",
            "condition": "good",
            "pickup_street": "Skalitzer Straße 12",
            "pickup_postcode": "10999",
            "pickup_city": "Berlin",
            "handover_weekdays": ["1", "2", "3", "4", "5"],
            "handover_opens_at": "10:00",
            "handover_closes_at": "16:00",
            "max_loan_days": "7",
            "deposit": "50",
            "buffer_days": "1",
            "unavailable-TOTAL_FORMS": "1",
            "unavailable-INITIAL_FORMS": "0",
            "unavailable-0-first_day": (today + dt.timedelta(days=20)).isoformat(),
            "unavailable-0-last_day": (today + dt.timedelta(days=22)).isoformat(),
        },
    )
    item = Equipment.objects.get(title="Beamer Epson EB-W06")
    assert response.status_code == 302
    assert item.allocations.filter(kind="blocked").count() == 1

    photo = client.post(
        f"/angebote/{item.pk}/fotos/", {"image": upload("beamer.png", image_bytes(size=(800, 600)))}
    )

    assert photo.status_code == 302
    assert item.photos.count() == 1
    item.refresh_from_db()
    assert item.thumbnail
    served = client.get(f"/media/{item.thumbnail}")
    assert served.status_code == 200


def test_posting_a_job_offer_and_editing_it(signed_in, company, company_member):
    client = signed_in(company_member)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    data = {
        "title": "Ausbildung Fachinformatik",
        "description": "Drei Jahre, mit Berufsschule.",
        "category": Category.objects.get(slug="it").pk,
        "employment_type": "ausbildung",
        "hours_per_week": "39",
        "place": "Skalitzer Straße 12, Berlin",
        "positions": "2",
        "application_deadline": deadline.isoformat(),
        "contact_name": "Deniz Aydin",
    }
    client.post(f"/organisationen/{company.pk}/angebote/neu/stellenangebot/", data)
    job = JobOffer.objects.get()

    response = client.post(f"/angebote/{job.pk}/bearbeiten/", {**data, "positions": "3"})

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.positions == 3


def test_editing_slots_keeps_existing_ones_by_id(signed_in, company, company_member):
    action = VolunteerActionFactory(
        organisation=company, slots=[{"start": local(4, 9), "volunteers_available": 5}]
    )
    slot = action.slots.get()
    client = signed_in(company_member)
    page = client.get(f"/angebote/{action.pk}/bearbeiten/")
    assert page.status_code == 200

    response = client.post(
        f"/angebote/{action.pk}/bearbeiten/",
        action_data(
            title=action.title,
            **{
                "slots-TOTAL_FORMS": "1",
                "slots-INITIAL_FORMS": "1",
                "slots-0-id": str(slot.pk),
                "slots-0-start": local(4, 9).strftime("%Y-%m-%dT%H:%M"),
                "slots-0-end": local(4, 15).strftime("%Y-%m-%dT%H:%M"),
                "slots-0-volunteers_available": "8",
            },
        ),
    )

    assert response.status_code == 302
    assert list(action.slots.values_list("pk", "volunteers_available")) == [(slot.pk, 8)]


@pytest.mark.parametrize("who", ["social", "outsider-company", "pending-company"])
def test_only_members_of_an_approved_company_may_post(signed_in, who):
    if who == "social":
        organisation = SocialOrganisationFactory()
    elif who == "pending-company":
        organisation = CompanyFactory(status=OrganisationStatus.PENDING)
    else:
        organisation = CompanyFactory()
    user = member_of(organisation, Role.ADMIN) if who != "outsider-company" else UserFactory()
    before = state()

    response = signed_in(user).post(
        f"/organisationen/{organisation.pk}/angebote/neu/freiwilligenaktion/", action_data()
    )

    assert response.status_code in (403, 404)
    assert state() == before


def test_others_may_not_edit_or_delete(signed_in, social_worker, company):
    action = VolunteerActionFactory(organisation=company)
    client = signed_in(social_worker)
    before = state()

    assert client.get(f"/angebote/{action.pk}/bearbeiten/").status_code == 403
    assert client.post(f"/angebote/{action.pk}/loeschen/").status_code == 403
    client.post(f"/angebote/{action.pk}/status/schliessen/")
    assert state() == before


def test_the_coordinator_may_pause_an_offer(signed_in, company):
    action = VolunteerActionFactory(organisation=company)

    signed_in(CoordinatorFactory()).post(
        f"/angebote/{action.pk}/status/pausieren/", {"reason": "Bitte Text prüfen"}
    )

    action.refresh_from_db()
    assert action.status == ListingStatus.PAUSED


def test_our_offers_lists_every_status(signed_in, company, company_member):
    VolunteerActionFactory(organisation=company, title="Veröffentlicht")
    VolunteerActionFactory(organisation=company, title="Noch ein Entwurf", status="draft")

    html = signed_in(company_member).get(f"/organisationen/{company.pk}/angebote/").content.decode()

    assert "Veröffentlicht" in html
    assert "Noch ein Entwurf" in html


def test_deleting_an_offer_without_bookings(signed_in, company, company_member):
    action = VolunteerActionFactory(organisation=company)

    response = signed_in(company_member).post(f"/angebote/{action.pk}/loeschen/")

    assert response.status_code == 302
    assert not Listing.objects.filter(pk=action.pk).exists()

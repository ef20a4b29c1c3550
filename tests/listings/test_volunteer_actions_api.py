"""A company posts, edits, publishes, pauses, closes and deletes a volunteer action."""

import datetime as dt

import pytest
from django.utils import timezone

from listings.models import ListingStatus, VolunteerAction, VolunteerSlot
from tests.factories import CompanyFactory, MembershipFactory
from tests.listings.factories import VolunteerActionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/volunteer-actions/"


def at(days: int, hour: int) -> str:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def slot(days=7, start=9, end=15, volunteers=5, **extra):
    return {
        "start": at(days, start),
        "end": at(days, end),
        "volunteers_available": volunteers,
        **extra,
    }


def new_action(category_, **overrides):
    return {
        "title": "Hochbeete bauen im Kinderhaus",
        "description": "Unser Team baut mit Ihnen drei Hochbeete aus Lärchenholz.",
        "category": category_.slug,
        "skills": ["Handwerk", "Gartenarbeit"],
        "languages": ["de", "en", "tr"],
        "location_kind": "meeting_point",
        "meeting_street": "Wassertorplatz 1",
        "meeting_postcode": "10969",
        "meeting_city": "Berlin",
        "min_volunteers_per_booking": 2,
        "max_volunteers_per_booking": 6,
        "notes": "Keine Arbeit mit Kindern.",
        "slots": [slot(7), slot(14, volunteers=8)],
        **overrides,
    }


def search_ids(client, **params):
    response = client.get("/api/v1/listings/", params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_a_member_posts_a_draft_that_only_the_company_sees(
    client_for, member, company, category, social_member
):
    response = client_for(member).post(URL, new_action(category), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["organisation"] == company.pk
    assert body["organisation_name"] == "Kiezdruckerei GmbH"
    assert body["category_name"] == "Möbel"
    assert body["notes"] == "Keine Arbeit mit Kindern."
    assert [s["volunteers_available"] for s in body["slots"]] == [5, 8]
    assert all(s["volunteers_free"] == s["volunteers_available"] for s in body["slots"])
    action = VolunteerAction.objects.get(pk=body["id"])
    assert action.created_by == member
    assert action.slots.count() == 2
    assert client_for(social_member).get(f"{URL}{action.pk}/").status_code == 404
    assert search_ids(client_for(social_member)) == []


def test_published_it_is_found_by_everyone_signed_in(client_for, member, category, social_member):
    action_id = client_for(member).post(URL, new_action(category), format="json").json()["id"]

    response = client_for(member).post(f"{URL}{action_id}/publish/")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published"
    assert response.json()["published_at"]
    reader = client_for(social_member)
    assert reader.get(f"{URL}{action_id}/").status_code == 200
    assert search_ids(reader) == [action_id]
    assert search_ids(reader, q="Hochbeet") == [action_id]


def test_an_action_without_future_slots_cannot_be_published(client_for, member, category):
    action_id = (
        client_for(member).post(URL, new_action(category, slots=[]), format="json").json()["id"]
    )

    response = client_for(member).post(f"{URL}{action_id}/publish/")

    assert response.status_code == 400
    assert "Termin" in response.json()["detail"]
    assert VolunteerAction.objects.get(pk=action_id).status == ListingStatus.DRAFT


def test_editing_changes_fields_and_replaces_the_slots(client_for, member, company):
    action = VolunteerActionFactory(organisation=company, slots=[{}, {"volunteers_available": 3}])
    keep, drop = action.slots.order_by("pk")

    response = client_for(member).patch(
        f"{URL}{action.pk}/",
        {
            "title": "Herbstputz im Hof",
            "slots": [
                {"id": keep.pk, **slot(3, volunteers=10)},
                slot(21, start=10, end=12, volunteers=2),
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Herbstputz im Hof"
    slots = list(action.slots.order_by("start"))
    assert [s.volunteers_available for s in slots] == [10, 2]
    assert slots[0].pk == keep.pk
    assert not VolunteerSlot.objects.filter(pk=drop.pk).exists()
    action.refresh_from_db()
    assert action.next_date == timezone.localdate(slots[0].start)
    assert action.search_text.startswith("herbstputz im hof")


def test_slots_with_promised_places_keep_their_time_and_places(client_for, member, company):
    action = VolunteerActionFactory(organisation=company, slots=[{"volunteers_available": 5}])
    held = action.slots.get()
    VolunteerSlot.objects.filter(pk=held.pk).update(volunteers_held=3)
    client = client_for(member)

    removed = client.patch(f"{URL}{action.pk}/", {"slots": [slot(9)]}, format="json")
    moved = client.patch(
        f"{URL}{action.pk}/", {"slots": [{"id": held.pk, **slot(9)}]}, format="json"
    )
    shrunk = client.patch(
        f"{URL}{action.pk}/",
        {
            "slots": [
                {
                    "id": held.pk,
                    "start": held.start.isoformat(),
                    "end": held.end.isoformat(),
                    "volunteers_available": 2,
                }
            ]
        },
        format="json",
    )
    grown = client.patch(
        f"{URL}{action.pk}/",
        {
            "slots": [
                {
                    "id": held.pk,
                    "start": held.start.isoformat(),
                    "end": held.end.isoformat(),
                    "volunteers_available": 9,
                }
            ]
        },
        format="json",
    )

    assert removed.status_code == 409, removed.json()
    assert "Zusagen" in removed.json()["detail"]
    assert moved.status_code == 409
    assert shrunk.status_code == 409
    assert "3 Plätze zugesagt" in shrunk.json()["detail"]
    assert grown.status_code == 200
    held.refresh_from_db()
    assert (held.volunteers_available, held.volunteers_held) == (9, 3)
    assert action.slots.count() == 1


def test_pausing_takes_it_out_of_the_search_and_publishing_brings_it_back(
    client_for, member, company, social_member
):
    action = VolunteerActionFactory(organisation=company)
    reader = client_for(social_member)

    paused = client_for(member).post(f"{URL}{action.pk}/pause/", {"reason": "Urlaub"})
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert search_ids(reader) == []
    assert reader.get(f"{URL}{action.pk}/").status_code == 404
    assert client_for(member).get(f"{URL}{action.pk}/").json()["status"] == "paused"

    again = client_for(member).post(f"{URL}{action.pk}/publish/")
    assert again.json()["status"] == "published"
    assert search_ids(reader) == [action.pk]
    changes = list(action.status_changes.values_list("from_status", "to_status", "reason"))
    assert changes == [("published", "paused", "Urlaub"), ("paused", "published", "")]


def test_closing_ends_it_and_a_second_close_is_a_conflict(client_for, member, company):
    action = VolunteerActionFactory(organisation=company)

    closed = client_for(member).post(f"{URL}{action.pk}/close/")
    twice = client_for(member).post(f"{URL}{action.pk}/close/")
    pause_closed = client_for(member).post(f"{URL}{action.pk}/pause/")

    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_reason"] == "manual"
    assert twice.status_code == 409
    assert pause_closed.status_code == 409
    action.refresh_from_db()
    assert action.status == ListingStatus.CLOSED


def test_deleting_removes_it_unless_places_are_promised(client_for, member, company):
    free = VolunteerActionFactory(organisation=company)
    promised = VolunteerActionFactory(organisation=company)
    VolunteerSlot.objects.filter(action=promised).update(volunteers_held=1)

    deleted = client_for(member).delete(f"{URL}{free.pk}/")
    refused = client_for(member).delete(f"{URL}{promised.pk}/")

    assert deleted.status_code == 204
    assert not VolunteerAction.objects.filter(pk=free.pk).exists()
    assert refused.status_code == 409
    assert "schließen statt löschen" in refused.json()["detail"]
    assert VolunteerAction.objects.filter(pk=promised.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"meeting_street": ""}, "meeting_street"),
        ({"min_volunteers_per_booking": 7, "max_volunteers_per_booking": 3}, None),
        ({"slots": [slot(7, start=15, end=9)]}, "slots"),
        ({"slots": [slot(-3)]}, "slots"),
        ({"slots": [slot(7, volunteers=0)]}, "slots"),
        ({"languages": ["klingonisch"]}, "languages"),
        ({"skills": ["x" * 61]}, "skills"),
        ({"category": "gibt-es-nicht"}, "category"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_actions_are_refused_with_a_message_and_nothing_is_stored(
    client_for, member, category, overrides, field
):
    response = client_for(member).post(URL, new_action(category, **overrides), format="json")

    assert response.status_code == 400, response.json()
    body = response.json()
    if field:
        assert field in body
    else:
        assert "Mindestzahl" in str(body)
    assert not VolunteerAction.objects.exists()
    assert not VolunteerSlot.objects.exists()


def test_the_company_is_taken_from_a_single_membership_or_must_be_named(
    client_for, member, company, category
):
    alone = client_for(member).post(URL, new_action(category), format="json")
    second = CompanyFactory()
    MembershipFactory(user=member, organisation=second)
    ambiguous = client_for(member).post(URL, new_action(category), format="json")
    named = client_for(member).post(
        URL, new_action(category, organisation=second.pk), format="json"
    )

    assert alone.status_code == 201
    assert alone.json()["organisation"] == company.pk
    assert ambiguous.status_code == 400
    assert "organisation" in ambiguous.json()
    assert named.status_code == 201
    assert named.json()["organisation"] == second.pk

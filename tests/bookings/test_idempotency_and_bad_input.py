"""POST /api/v1/bookings/ with an Idempotency-Key, and bad input of every kind.

Given a client that repeats a request (a lost response, a double click), when it sends the same
Idempotency-Key again, then it gets the first response and there is still one booking; the
same key with another body is refused. Bad input gets a 4xx JSON answer and changes nothing.
"""

import pytest

from bookings.models import Booking, BookingEvent, BookingMessage
from listings.models import VolunteerSlot
from marketplace.models import IdempotencyKey

from .support import in_days, item_of, request_volunteers, slot_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(world):
    return {
        "kind": "volunteer",
        "slot": slot_of(world, places=5).pk,
        "volunteers": 2,
        "task": "Laub fegen",
        "place": "Hof",
        "contact_name": "Frau Berg",
    }


def test_a_repeated_key_replays_the_first_response(world, client_for, body):
    client = client_for(world.social_member)

    first = client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1
    assert VolunteerSlot.objects.get(pk=body["slot"]).volunteers_held == 2


def test_the_same_key_with_another_body_is_refused(world, client_for, body):
    client = client_for(world.social_member)
    client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    other = client.post(
        "/api/v1/bookings/", {**body, "volunteers": 3}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )

    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]
    assert Booking.objects.count() == 1


def test_keys_belong_to_one_person(world, client_for, body):
    first = client_for(world.social_member).post(
        "/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    second = client_for(world.social_admin).post(
        "/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert IdempotencyKey.objects.count() == 2


def test_a_refused_request_stores_no_key_so_a_retry_runs_again(world, client_for, body):
    client = client_for(world.social_member)
    VolunteerSlot.objects.filter(pk=body["slot"]).update(volunteers_held=5)
    full = client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    VolunteerSlot.objects.filter(pk=body["slot"]).update(volunteers_held=0)

    retry = client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    assert full.status_code == 409
    assert retry.status_code == 201
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("key", ["", "a" * 256, "mit leerzeichen", "nul\x00byte", "ümlaut"])
def test_malformed_keys_are_refused(world, client_for, body, key):
    response = client_for(world.social_member).post(
        "/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == 400
    assert not Booking.objects.exists()


BAD_CREATE = [
    pytest.param({"kind": "volunteer", "volunteers": 2**70}, "volunteers", id="huge-number"),
    pytest.param({"kind": "volunteer", "volunteers": "zwei"}, "volunteers", id="wrong-type"),
    pytest.param({"kind": "volunteer", "volunteers": 0}, "volunteers", id="zero"),
    pytest.param({"kind": "volunteer", "slot": 2**70}, "slot", id="huge-id"),
    pytest.param({"kind": "volunteer", "slot": [1]}, "slot", id="list-id"),
    pytest.param({"kind": "volunteer", "task": "a\x00b"}, "task", id="nul-byte"),
    pytest.param({"kind": "volunteer", "task": "x" * 2001}, "task", id="too-long"),
    pytest.param({"kind": "volunteer", "task": None}, "task", id="null"),
    pytest.param({"kind": "volunteer", "admin": True}, "admin", id="unknown-field"),
    pytest.param({"kind": "volunteer", "organisation": "abc"}, "organisation", id="org-type"),
    pytest.param({"kind": "pony"}, "kind", id="unknown-kind"),
    pytest.param({"kind": None}, "kind", id="no-kind"),
    pytest.param({"kind": "equipment", "pickup_on": "morgen"}, "pickup_on", id="bad-date"),
    pytest.param(
        {"kind": "equipment", "return_on": "2026-02-30"}, "return_on", id="impossible-date"
    ),
    pytest.param({"kind": "equipment", "units": 1.5}, "units", id="fraction"),
    pytest.param(
        {"kind": "equipment", "pickup_on": "9999-12-30", "return_on": "9999-12-31"},
        "pickup_on",
        id="year-9999",
    ),
    pytest.param({"kind": "job", "consent": "vielleicht"}, "consent", id="bad-boolean"),
    pytest.param({"kind": "job", "candidate_name": "\x00"}, "candidate_name", id="job-nul"),
]


@pytest.mark.parametrize(("override", "field"), BAD_CREATE)
def test_bad_input_to_create_is_a_400_naming_the_field(world, client_for, override, field):
    base = {
        "volunteer": {
            "slot": slot_of(world).pk,
            "volunteers": 1,
            "task": "a",
            "place": "b",
            "contact_name": "c",
        },
        "equipment": {
            "item": item_of(world).pk,
            "units": 1,
            "pickup_on": str(in_days(2)),
            "return_on": str(in_days(2)),
            "purpose": "Fest",
        },
        "job": {
            "job": 1,
            "candidate_name": "A",
            "candidate_contact": "a@b.de",
            "consent": True,
            "consent_date": str(in_days(0)),
        },
    }.get(override["kind"], {})

    response = client_for(world.social_member).post(
        "/api/v1/bookings/", {**base, **override}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Booking.objects.exists()


def test_malformed_json_and_non_objects_are_400(world, client_for):
    client = client_for(world.social_member)

    broken = client.post("/api/v1/bookings/", "{kind: volunteer", content_type="application/json")
    array = client.post("/api/v1/bookings/", "[1, 2]", content_type="application/json")

    assert broken.status_code == 400 and "detail" in broken.json()
    assert array.status_code == 400
    assert not Booking.objects.exists()


BAD_ACTIONS = [
    pytest.param("cancel", {"reason": "a\x00b"}, id="cancel-nul"),
    pytest.param("cancel", {"reason": 12}, id="cancel-number"),
    pytest.param("cancel", {"reason": "x" * 5001}, id="cancel-too-long"),
    pytest.param("confirm", {"extra": 1}, id="confirm-unknown-field"),
    pytest.param("complete", {"volunteers_given": 2**70, "hours_given": "1"}, id="complete-huge"),
    pytest.param("complete", {"volunteers_given": 1, "hours_given": "1e9"}, id="hours-huge"),
    pytest.param("complete", {"volunteers_given": 1, "hours_given": "-1"}, id="hours-negative"),
    pytest.param("complete", {"volunteers_given": "viele", "hours_given": "1"}, id="wrong-type"),
]


@pytest.mark.parametrize(("action", "data"), BAD_ACTIONS)
def test_bad_input_to_actions_changes_nothing(world, client_for, action, data):
    booking = request_volunteers(world, slot_of(world, started=True))
    events = BookingEvent.objects.count()

    response = client_for(world.social_member).post(
        f"/api/v1/bookings/{booking.pk}/{action}/", data, format="json"
    )

    assert response.status_code == 400, response.content
    booking.refresh_from_db()
    assert booking.state == "requested"
    assert BookingEvent.objects.count() == events


def test_bad_message_bodies_and_ids(world, client_for):
    booking = request_volunteers(world, slot_of(world))
    client = client_for(world.social_member)
    url = f"/api/v1/bookings/{booking.pk}/messages/"

    for data in ({"body": "a\x00"}, {"body": ["x"]}, {"body": "x" * 5001}, {"text": "hi"}, {}):
        assert client.post(url, data, format="json").status_code == 400
    assert client.get(f"/api/v1/bookings/{2**70}/").status_code == 404
    assert client.post(f"/api/v1/bookings/{2**70}/confirm/", {}, format="json").status_code == 404
    assert client.get("/api/v1/bookings/999999/messages/").status_code == 404
    # Page sizes are bounded (1-100) like every other number in a query (issue 11, section 6).
    assert client.get("/api/v1/bookings/", {"page_size": 2**70}).status_code == 400
    assert BookingMessage.objects.count() == 0

"""The three flows end to end through the API, with the e-mails each step sends.

Given a company's published offer and a social organisation's members, when they request,
answer and finish a booking through /api/v1/bookings/, then the states, the events listed with
the booking, the capacity the search reads and the e-mails in django.core.mail.outbox are what
the people involved expect.
"""

import zoneinfo

import pytest
from django.core import mail
from django.db import transaction

from bookings.models import Booking
from listings.capacity import block_period_locked, lock_equipment
from listings.models import JobOffer, VolunteerSlot
from notifications.models import NotificationOptOut

from .support import in_days, item_of, job_of, slot_of

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Runs an API call and the e-mails it queues (after commit, as in production)."""

    def run(client, method, url, data=None, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, data, format="json", **headers)

    return run


def _to(address_holders) -> set[str]:
    return {person.email for person in address_holders}


def _mails_to(email: str) -> list:
    return [message for message in mail.outbox if email in message.to]


def test_volunteer_slot_from_request_to_confirmed_hours(world, client_for, send):
    slot = slot_of(world, started=True, title="Gartentag im Wassertorkiez", places=6)
    social, company = client_for(world.social_member), client_for(world.company_member)

    response = send(
        social,
        "post",
        "/api/v1/bookings/",
        {
            "kind": "volunteer",
            "slot": slot.pk,
            "volunteers": 4,
            "task": "Beete umgraben",
            "place": "Hof, Wassertorstraße 48",
            "contact_name": "Ayşe Yılmaz",
            "contact_phone": "030 1234567",
        },
    )

    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["state"] == "requested"
    assert booking["my_sides"] == ["requester"]
    assert booking["allowed_actions"] == ["cancel"]
    assert booking["volunteer"]["volunteers"] == 4
    slot.refresh_from_db()
    assert slot.volunteers_held == 4
    # The company hears of it, every member; the requester does not.
    assert {m.to[0] for m in mail.outbox} == _to([world.company_admin, world.company_member])
    request_mail = _mails_to(world.company_member.email)[0]
    assert "Gartentag im Wassertorkiez" in request_mail.subject
    assert world.social.name in request_mail.body and world.company.name in request_mail.body
    assert f"/buchungen/{booking['id']}/" in request_mail.body
    assert f"{slot.start.astimezone(BERLIN):%d.%m.%Y, %H:%M}" in request_mail.body
    html = request_mail.alternatives[0][0]
    assert world.social.name in html and "Gartentag im Wassertorkiez" in html

    mail.outbox.clear()
    url = f"/api/v1/bookings/{booking['id']}/"
    response = send(company, "post", url + "confirm/", {"message": "Wir kommen gern!"})
    assert response.status_code == 200
    assert response.json()["state"] == "confirmed"
    assert {m.to[0] for m in mail.outbox} == _to(
        [world.social_admin, world.social_member, world.company_admin, world.company_member]
    )
    assert "Wir kommen gern!" in _mails_to(world.social_member.email)[0].body

    mail.outbox.clear()
    response = send(
        company, "post", url + "complete/", {"volunteers_given": 3, "hours_given": "16.5"}
    )
    assert response.status_code == 200
    assert response.json()["volunteer"]["hours_given"] == "16.50"
    assert {m.to[0] for m in mail.outbox} == _to([world.social_admin, world.social_member])
    # In the e-mail's language: German writes a decimal comma and no trailing zero (issue 18).
    assert "zusammen 16,5 Std." in mail.outbox[0].body

    response = send(social, "post", url + "confirm-hours/", {})
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "hours_confirmed"
    assert [(e["action"], e["from_state"], e["to_state"]) for e in data["events"]] == [
        ("request", "", "requested"),
        ("confirm", "requested", "confirmed"),
        ("complete", "confirmed", "completed"),
        ("confirm_hours", "completed", "hours_confirmed"),
    ]
    assert data["events"][1]["message"] == "Wir kommen gern!"
    assert data["events"][1]["by"]["name"] == world.company_member.full_name
    assert data["volunteer"]["hours_confirmed_at"]
    # The places stay given: the action took place.
    slot.refresh_from_db()
    assert slot.volunteers_held == 4


def test_a_declined_request_frees_the_places_and_tells_the_requester(world, client_for, send):
    slot = slot_of(world, places=3)
    response = send(
        client_for(world.social_member),
        "post",
        "/api/v1/bookings/",
        {
            "kind": "volunteer",
            "slot": slot.pk,
            "volunteers": 3,
            "task": "Umzug",
            "place": "Kita",
            "contact_name": "Frau Berg",
        },
    )
    booking_id = response.json()["id"]
    mail.outbox.clear()

    response = send(
        client_for(world.company_admin),
        "post",
        f"/api/v1/bookings/{booking_id}/decline/",
        {"message": "An dem Tag sind wir leider ausgebucht."},
    )

    assert response.status_code == 200
    assert response.json()["state"] == "declined"
    slot.refresh_from_db()
    assert slot.volunteers_held == 0
    assert {m.to[0] for m in mail.outbox} == _to([world.social_admin, world.social_member])
    assert "ausgebucht" in mail.outbox[0].body


def test_a_cancellation_needs_a_reason_and_tells_the_other_side(world, client_for, send):
    slot = slot_of(world)
    social = client_for(world.social_member)
    booking_id = send(
        social,
        "post",
        "/api/v1/bookings/",
        {
            "kind": "volunteer",
            "slot": slot.pk,
            "volunteers": 2,
            "task": "Streichen",
            "place": "Hof",
            "contact_name": "Herr Kaya",
        },
    ).json()["id"]
    send(client_for(world.company_member), "post", f"/api/v1/bookings/{booking_id}/confirm/", {})
    mail.outbox.clear()

    without_reason = send(social, "post", f"/api/v1/bookings/{booking_id}/cancel/", {})
    assert without_reason.status_code == 400
    assert "reason" in without_reason.json()

    response = send(
        social, "post", f"/api/v1/bookings/{booking_id}/cancel/", {"reason": "Hof gesperrt"}
    )

    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    slot.refresh_from_db()
    assert slot.volunteers_held == 0
    # Everyone who got the invitation gets the cancellation: both sides (issue 18).
    assert {m.to[0] for m in mail.outbox} == _to(
        [world.company_admin, world.company_member, world.social_admin, world.social_member]
    )
    assert "Hof gesperrt" in mail.outbox[0].body


def test_equipment_loan_request_hand_over_return_and_availability(world, client_for, send):
    item = item_of(world, quantity=2, buffer_days=1, title="Biertischgarnitur")
    social, company = client_for(world.social_member), client_for(world.company_member)
    # Picked up today (a loan is handed over on its pickup day at the earliest), back tomorrow.
    pickup_on, return_on = in_days(0), in_days(1)
    availability = f"/api/v1/equipment/{item.pk}/availability/?from={in_days(-1)}&to={in_days(3)}"

    response = send(
        social,
        "post",
        "/api/v1/bookings/",
        {
            "kind": "equipment",
            "item": item.pk,
            "units": 2,
            "pickup_on": str(pickup_on),
            "return_on": str(return_on),
            "purpose": "Hoffest",
        },
    )

    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["equipment"] == {
        "item": item.pk,
        "units": 2,
        "pickup_on": str(pickup_on),
        "return_on": str(return_on),
        "purpose": "Hoffest",
        "handed_over_at": None,
        "handover_note": "",
        "returned_at": None,
        "return_note": "",
        "damaged": False,
        "deposit": None,
        "deposit_received": None,
        "deposit_paid_back": None,
        "deposit_kept_reason": "",
    }
    days = client_for(world.outsider).get(availability).json()["days"]
    # Yesterday free; today and tomorrow lent; the day after is the buffer day; then free.
    assert [d["free_units"] for d in days] == [2, 0, 0, 0, 2]
    search = client_for(world.outsider).get(
        "/api/v1/listings/",
        {
            "kind": "equipment",
            "available_from": str(pickup_on),
            "available_until": str(return_on),
            "quantity": 1,
        },
    )
    assert item.pk not in [r["id"] for r in search.json()["results"]]
    request_mail = _mails_to(world.company_member.email)[0]
    assert f"Abholung am: {pickup_on:%d.%m.%Y}" in request_mail.body
    assert f"Rückgabe am: {return_on:%d.%m.%Y}" in request_mail.body

    url = f"/api/v1/bookings/{booking['id']}/"
    assert send(company, "post", url + "confirm/", {}).status_code == 200
    response = send(company, "post", url + "hand-over/", {"note": "Bank 2 mit Kratzer"})
    assert response.json()["state"] == "handed_over"
    assert response.json()["equipment"]["handover_note"] == "Bank 2 mit Kratzer"
    assert send(social, "post", url + "return/", {}).status_code == 403

    response = send(company, "post", url + "return/", {"note": "Tisch wackelt", "damaged": True})

    assert response.status_code == 200
    equipment = response.json()["equipment"]
    assert response.json()["state"] == "returned"
    assert equipment["damaged"] is True and equipment["return_note"] == "Tisch wackelt"
    days = client_for(world.outsider).get(availability).json()["days"]
    # Back early, today: today is its buffer day, and the units are free from tomorrow.
    assert [d["free_units"] for d in days] == [2, 0, 2, 2, 2]
    search = client_for(world.outsider).get(
        "/api/v1/listings/",
        {
            "kind": "equipment",
            "available_from": str(return_on),
            "available_until": str(return_on),
            "quantity": 2,
        },
    )
    assert item.pk in [r["id"] for r in search.json()["results"]]


def test_loans_respect_unavailable_dates_buffers_and_longest_loan(world, client_for):
    item = item_of(world, quantity=1, buffer_days=2, max_loan_days=3)
    social = client_for(world.social_member)

    def ask(start, days):
        return social.post(
            "/api/v1/bookings/",
            {
                "kind": "equipment",
                "item": item.pk,
                "units": 1,
                "pickup_on": str(in_days(start)),
                "return_on": str(in_days(start + days - 1)),
                "purpose": "Flohmarkt",
            },
            format="json",
        )

    too_long = ask(3, 4)
    assert too_long.status_code == 400
    assert "3 Tage" in too_long.json()["detail"]
    assert ask(3, 2).status_code == 201
    # Days 3-4 lent, 5-6 buffer: a loan from day 6 collides, one from day 7 does not.
    clash = ask(6, 1)
    assert clash.status_code == 409
    assert "frei" in clash.json()["detail"]
    assert ask(7, 1).status_code == 201
    with transaction.atomic():
        block_period_locked(lock_equipment(item.pk), start=in_days(20), end=in_days(22))
    assert ask(21, 1).status_code == 409
    assert Booking.objects.filter(listing=item).count() == 2


def test_job_referral_through_interview_to_hire(world, client_for, send):
    job = job_of(world, positions=1, title="Verkäufer*in im Kiezladen")
    social, company = client_for(world.social_member), client_for(world.company_member)

    response = send(
        social,
        "post",
        "/api/v1/bookings/",
        {
            "kind": "job",
            "job": job.pk,
            "candidate_name": "Jonas Beispiel",
            "candidate_contact": "0151 2345678",
            "note": "Hat bei uns ausgeholfen.",
            "consent": True,
            "consent_date": str(in_days(-2)),
        },
    )

    assert response.status_code == 201, response.content
    referral = response.json()
    assert referral["state"] == "submitted"
    assert referral["job"]["candidate_name"] == "Jonas Beispiel"
    assert {m.to[0] for m in mail.outbox} == _to([world.company_admin, world.company_member])
    assert "Verkäufer*in im Kiezladen" in mail.outbox[0].subject
    # The e-mail does not carry the candidate's data; the booking page does.
    assert "Jonas" not in mail.outbox[0].body

    url = f"/api/v1/bookings/{referral['id']}/"
    mail.outbox.clear()
    assert send(company, "post", url + "hire/", {}).status_code == 409
    assert send(company, "post", url + "interview/", {}).json()["state"] == "interviewing"
    assert {m.to[0] for m in mail.outbox} == _to([world.social_admin, world.social_member])
    assert "Gespräch" in mail.outbox[0].subject

    mail.outbox.clear()
    response = send(company, "post", url + "hire/", {"message": "Start am 1. des Monats"})

    assert response.json()["state"] == "hired"
    assert "Eingestellt" in mail.outbox[0].subject
    job = JobOffer.objects.get(pk=job.pk)
    assert job.positions_filled == 1
    assert job.status == "closed"
    # The only position is filled: a second candidate cannot be hired.
    second = send(
        social,
        "post",
        "/api/v1/bookings/",
        {
            "kind": "job",
            "job": job.pk,
            "candidate_name": "Mia",
            "candidate_contact": "mia@x.de",
            "consent": True,
            "consent_date": str(in_days(0)),
        },
    )
    assert second.status_code == 409  # the job closed itself


def test_a_withdrawn_referral_tells_the_company(world, client_for, send):
    job = job_of(world)
    referral_id = send(
        client_for(world.social_member),
        "post",
        "/api/v1/bookings/",
        {
            "kind": "job",
            "job": job.pk,
            "candidate_name": "Jonas",
            "candidate_contact": "j@x.de",
            "consent": True,
            "consent_date": str(in_days(0)),
        },
    ).json()["id"]
    mail.outbox.clear()

    response = send(
        client_for(world.social_admin),
        "post",
        f"/api/v1/bookings/{referral_id}/withdraw/",
        {"message": "Hat eine andere Stelle gefunden."},
    )

    assert response.json()["state"] == "withdrawn"
    assert {m.to[0] for m in mail.outbox} == _to([world.company_admin, world.company_member])
    assert "zurückgezogen" in mail.outbox[0].subject


def test_a_referral_needs_the_candidates_consent(world, client_for):
    job = job_of(world)
    body = {
        "kind": "job",
        "job": job.pk,
        "candidate_name": "Jonas",
        "candidate_contact": "j@x.de",
        "consent": False,
        "consent_date": str(in_days(0)),
    }

    refused = client_for(world.social_member).post("/api/v1/bookings/", body, format="json")
    future = client_for(world.social_member).post(
        "/api/v1/bookings/",
        {**body, "consent": True, "consent_date": str(in_days(1))},
        format="json",
    )

    assert refused.status_code == 400 and "consent" in refused.json()
    assert future.status_code == 400 and "consent_date" in future.json()
    assert not Booking.objects.exists()


def test_members_who_switched_requests_off_are_skipped_but_admins_are_not(world, client_for, send):
    NotificationOptOut.objects.create(user=world.company_member, kind="booking_requested")
    NotificationOptOut.objects.create(user=world.company_admin, kind="booking_requested")

    send(
        client_for(world.social_member),
        "post",
        "/api/v1/bookings/",
        {
            "kind": "volunteer",
            "slot": slot_of(world).pk,
            "volunteers": 1,
            "task": "Helfen",
            "place": "Hof",
            "contact_name": "Frau Berg",
        },
    )

    assert {m.to[0] for m in mail.outbox} == {world.company_admin.email}


def test_the_slot_is_full_for_everyone_once_its_places_are_requested(world, client_for):
    slot = slot_of(world, places=2)
    social = client_for(world.social_member)
    body = {
        "kind": "volunteer",
        "slot": slot.pk,
        "task": "Helfen",
        "place": "Hof",
        "contact_name": "Frau Berg",
    }
    search = {"kind": "volunteer_action", "date_from": str(in_days(6)), "date_to": str(in_days(8))}
    assert slot.action_id in [
        r["id"]
        for r in client_for(world.outsider).get("/api/v1/listings/", search).json()["results"]
    ]

    assert (
        social.post("/api/v1/bookings/", {**body, "volunteers": 2}, format="json").status_code
        == 201
    )
    refused = social.post("/api/v1/bookings/", {**body, "volunteers": 1}, format="json")

    assert refused.status_code == 409
    assert "0 Plätze" in refused.json()["detail"]
    assert VolunteerSlot.objects.get(pk=slot.pk).volunteers_held == 2
    assert slot.action_id not in [
        r["id"]
        for r in client_for(world.outsider).get("/api/v1/listings/", search).json()["results"]
    ]

"""Who sees which booking, the list's filters and its constant number of queries, the rules
about who may book, and the message thread.

Given bookings between a company and a social organisation, members of the two see them,
the coordinator sees them without the candidate's data, and everyone else gets 404.
"""

import pytest
from django.core import mail

from bookings.models import Booking, BookingKind, BookingMessage
from listings.models import ListingStatus
from marketplace.models import OrganisationStatus
from tests.factories import CompanyFactory, member_of

from .support import (
    booking_in_state,
    in_days,
    item_of,
    job_of,
    refer,
    request_equipment,
    request_volunteers,
    slot_of,
)

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_booking_is_visible_to_both_organisations_and_the_coordinator_only(world, client_for):
    booking = request_volunteers(world, slot_of(world))
    url = f"/api/v1/bookings/{booking.pk}/"

    for person in (world.social_member, world.company_admin, world.coordinator):
        assert client_for(person).get(url).status_code == 200
        assert booking.pk in _ids(client_for(person).get("/api/v1/bookings/"))
    stranger = client_for(world.outsider)
    assert stranger.get(url).status_code == 404
    assert stranger.get(url + "messages/").status_code == 404
    assert stranger.post(url + "cancel/", {"reason": "x"}, format="json").status_code == 404
    assert _ids(stranger.get("/api/v1/bookings/")) == []
    assert client_for(None).get(url).status_code == 401


def test_the_coordinator_does_not_see_the_candidates_data(world, client_for):
    referral = refer(world, job_of(world))
    url = f"/api/v1/bookings/{referral.pk}/"

    as_coordinator = client_for(world.coordinator).get(url).json()["job"]
    as_company = client_for(world.company_member).get(url).json()["job"]

    assert "candidate_name" not in as_coordinator and "candidate_contact" not in as_coordinator
    assert as_coordinator["consent"] is True
    assert as_company["candidate_name"] == "Jonas Beispiel"
    assert as_company["candidate_contact"] == "jonas@example.org"


def test_the_list_filters_by_role_state_kind_and_dates(world, client_for):
    requested = request_volunteers(world, slot_of(world))
    loan = booking_in_state(world, BookingKind.EQUIPMENT, "confirmed")
    referral = refer(world, job_of(world))
    # The world's company books as requester elsewhere? No: companies cannot book. A second
    # social organisation books the outsider's... the company member sees all three as provider.
    member = client_for(world.company_member)

    assert set(_ids(member.get("/api/v1/bookings/", {"role": "provider"}))) == {
        requested.pk,
        loan.pk,
        referral.pk,
    }
    assert _ids(member.get("/api/v1/bookings/", {"role": "requester"})) == []
    assert _ids(member.get("/api/v1/bookings/", {"state": "confirmed"})) == [loan.pk]
    assert _ids(member.get("/api/v1/bookings/", {"kind": "job"})) == [referral.pk]
    # The slot is a week ahead, the loan starts in three days, the referral today.
    assert set(_ids(member.get("/api/v1/bookings/", {"date_from": str(in_days(5))}))) == {
        requested.pk
    }
    assert set(_ids(member.get("/api/v1/bookings/", {"date_to": str(in_days(0))}))) == {referral.pk}
    bad = member.get("/api/v1/bookings/", {"state": "nonsense", "date_from": "gestern"})
    assert bad.status_code == 400
    assert set(bad.json()) >= {"state", "date_from"}


@pytest.mark.parametrize("page_size", [1, 100])
def test_the_list_takes_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries, page_size
):
    for _ in range(3):
        request_volunteers(world, slot_of(world))
        request_equipment(world, item_of(world))
        booking_in_state(world, BookingKind.JOB, "interviewing")
    client = client_for(world.company_member)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/bookings/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 9)


def test_nobody_books_their_own_offer(world, client_for):
    # A person in both organisations books the company's offer for the company itself.
    slot = slot_of(world)
    response = client_for(world.company_admin).post(
        "/api/v1/bookings/",
        {
            "kind": "volunteer",
            "slot": slot.pk,
            "volunteers": 1,
            "task": "x",
            "place": "y",
            "contact_name": "z",
            "organisation": world.company.pk,
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["detail"]
    assert not Booking.objects.exists()


def test_unpublished_offers_and_unapproved_organisations_cannot_be_booked(world, client_for):
    paused = item_of(world, status=ListingStatus.PAUSED)
    body = {
        "kind": "equipment",
        "units": 1,
        "pickup_on": str(in_days(2)),
        "return_on": str(in_days(2)),
        "purpose": "Fest",
    }
    client = client_for(world.social_member)

    unpublished = client.post("/api/v1/bookings/", {**body, "item": paused.pk}, format="json")
    world.social.status = OrganisationStatus.SUSPENDED
    world.social.save(update_fields=["status"])
    unapproved = client.post(
        "/api/v1/bookings/", {**body, "item": item_of(world).pk}, format="json"
    )

    assert unpublished.status_code == 409
    assert "nicht veröffentlicht" in unpublished.json()["detail"]
    assert unapproved.status_code == 409
    assert "freigegeben" in unapproved.json()["detail"]
    assert not Booking.objects.exists()


def test_a_company_cannot_book_and_nobody_books_for_a_foreign_organisation(world, client_for):
    other_company = CompanyFactory()
    person = member_of(other_company)
    body = {
        "kind": "volunteer",
        "slot": slot_of(world).pk,
        "volunteers": 1,
        "task": "x",
        "place": "y",
        "contact_name": "z",
    }

    as_company = client_for(person).post(
        "/api/v1/bookings/", {**body, "organisation": other_company.pk}, format="json"
    )
    foreign = client_for(person).post(
        "/api/v1/bookings/", {**body, "organisation": world.social.pk}, format="json"
    )
    unknown_slot = client_for(world.social_member).post(
        "/api/v1/bookings/", {**body, "slot": 999_999}, format="json"
    )

    assert as_company.status_code == 409
    assert foreign.status_code == 403
    assert unknown_slot.status_code == 400 and "slot" in unknown_slot.json()
    assert not Booking.objects.exists()


def test_the_message_thread_between_the_two_organisations(
    world, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    booking = request_equipment(world, item_of(world))
    url = f"/api/v1/bookings/{booking.pk}/messages/"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        posted = client_for(world.social_member).post(
            url, {"body": "Können wir die Tische schon um 8 Uhr abholen?"}, format="json"
        )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.company_member).post(url, {"body": "Ja, gern."}, format="json")

    assert posted.status_code == 201
    assert posted.json()["organisation"]["id"] == world.social.pk
    to_company = [m for m in mail.outbox if m.to[0] == world.company_admin.email]
    assert len(to_company) == 1 and "8 Uhr" in to_company[0].body
    to_social = {m.to[0] for m in mail.outbox} - {
        world.company_admin.email,
        world.company_member.email,
    }
    assert to_social == {world.social_admin.email, world.social_member.email}
    coordinator = client_for(world.coordinator)
    with django_assert_max_num_queries(6):
        thread = coordinator.get(url)
    assert [m["body"] for m in thread.json()["results"]] == [
        "Können wir die Tische schon um 8 Uhr abholen?",
        "Ja, gern.",
    ]
    assert (
        client_for(world.coordinator).post(url, {"body": "Hallo"}, format="json").status_code == 403
    )
    empty = client_for(world.social_member).post(url, {"body": "   "}, format="json")
    assert empty.status_code == 400
    assert BookingMessage.objects.count() == 2


@pytest.mark.parametrize("page_size", [1, 100])
def test_the_thread_takes_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries, page_size
):
    booking = request_equipment(world, item_of(world))
    for n in range(5):
        BookingMessage.objects.create(
            booking=booking,
            author=world.social_member if n % 2 else world.company_member,
            organisation=world.social if n % 2 else world.company,
            body=f"Nachricht {n}",
        )
    client = client_for(world.company_member)

    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/bookings/{booking.pk}/messages/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 5)

"""Booking pages: the request forms on an offer's page, a booking's page with its actions,
history and messages, and the lists. Every flow of the bookings issue, through the pages."""

import pytest
from django.core import mail
from django.test import Client

from bookings.models import Booking, BookingMessage, BookingState
from tests.bookings.support import (
    booking_in_state,
    in_days,
    item_of,
    job_of,
    make_world,
    request_equipment,
    request_volunteers,
    slot_of,
)

pytestmark = pytest.mark.django_db

S = BookingState


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def send(client, path, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {}, **extra)

    return send


def snapshot():
    return (
        list(Booking.objects.order_by("pk").values("pk", "state")),
        BookingMessage.objects.count(),
    )


def act(submit, client, booking, action, data=None, **extra):
    return submit(client, f"/buchungen/{booking.pk}/aktion/{action}/", data, **extra)


# --- requesting -----------------------------------------------------------------------------


def test_the_offer_page_shows_the_request_form_to_social_organisations(signed_in, world):
    slot = slot_of(world)

    html = signed_in(world.social_member).get(f"/angebote/{slot.action_id}/").content.decode()

    assert f'action="/angebote/{slot.action_id}/buchen/"' in html
    assert 'name="slot"' in html


def test_the_provider_and_others_see_why_they_cannot_book(signed_in, world):
    slot = slot_of(world)
    company_page = signed_in(world.company_member).get(f"/angebote/{slot.action_id}/")

    assert "Angebot Ihrer Organisation" in company_page.content.decode()
    assert "buchen/" not in company_page.content.decode()


def test_requesting_volunteers_tells_the_company(signed_in, submit, world):
    slot = slot_of(world, places=5)

    response = submit(
        signed_in(world.social_member),
        f"/angebote/{slot.action_id}/buchen/",
        {
            "organisation": world.social.pk,
            "slot": slot.pk,
            "volunteers": "3",
            "task": "Zwei Räume streichen",
            "place": "Wassertorstraße 48",
            "contact_name": "Samir",
            "contact_phone": "",
            "contact_email": "",
            "message": "Wir freuen uns!",
        },
    )

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/buchungen/{booking.pk}/"
    assert (booking.state, booking.volunteers) == (S.REQUESTED, 3)
    slot.refresh_from_db()
    assert slot.volunteers_held == 3
    recipients = {address for message in mail.outbox for address in message.to}
    assert world.company_admin.email in recipients


def test_asking_for_more_places_than_free_is_refused_with_the_reason(signed_in, submit, world):
    slot = slot_of(world, places=2)
    before = snapshot()

    response = submit(
        signed_in(world.social_member),
        f"/angebote/{slot.action_id}/buchen/",
        {
            "slot": slot.pk,
            "volunteers": "5",
            "task": "Streichen",
            "place": "Hof",
            "contact_name": "Samir",
        },
    )

    assert response.status_code == 409
    assert "nur noch 2 Plätze frei" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "language, text",
    [
        ("de", "Für diesen Termin ist nur noch 1 Platz frei."),
        ("en", "Only 1 place is left on this date."),
    ],
)
def test_one_free_place_is_said_in_the_singular(signed_in, submit, world, language, text):
    slot = slot_of(world, places=1)
    client = signed_in(world.social_member)
    client.post("/sprache/", {"language": language, "next": "/"})

    response = submit(
        client,
        f"/angebote/{slot.action_id}/buchen/",
        {
            "slot": slot.pk,
            "volunteers": "2",
            "task": "Streichen",
            "place": "Hof",
            "contact_name": "S",
        },
    )

    assert response.status_code == 409
    assert text in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"slot": "abc", "volunteers": "1", "task": "x", "place": "y", "contact_name": "z"},
        {"slot": "1", "volunteers": "-1", "task": "x", "place": "y", "contact_name": "z"},
        {"slot": "1", "volunteers": "1", "task": "a\x00b", "place": "y", "contact_name": "z"},
        {"slot": "1", "volunteers": "9" * 30, "task": "x", "place": "y", "contact_name": "z"},
        {"unknown": "field"},
    ],
    ids=["wrong-type", "negative", "nul", "huge", "unknown-field"],
)
def test_bad_request_input_is_a_400_and_changes_nothing(signed_in, submit, world, data):
    slot = slot_of(world)
    before = snapshot()

    response = submit(signed_in(world.social_member), f"/angebote/{slot.action_id}/buchen/", data)

    assert response.status_code == 400
    assert snapshot() == before


def test_requesting_equipment_and_the_whole_loan(signed_in, submit, world):
    item = item_of(world, quantity=1)
    requester, provider = signed_in(world.social_member), signed_in(world.company_member)

    response = submit(
        requester,
        f"/angebote/{item.pk}/buchen/",
        {
            "pickup_on": in_days(0).isoformat(),
            "return_on": in_days(2).isoformat(),
            "units": "1",
            "purpose": "Filmabend im Hof",
        },
    )
    booking = Booking.objects.get()
    assert response.status_code == 302

    for action, data, state in [
        ("confirm", {"confirm-message": "Gern!"}, S.CONFIRMED),
        ("hand_over", {"hand_over-note": "mit Kabel"}, S.HANDED_OVER),
        ("return", {"return-note": "alles gut"}, S.RETURNED),
    ]:
        assert act(submit, provider, booking, action, data).status_code == 302
        booking.refresh_from_db()
        assert booking.state == state
    assert booking.handover_note == "mit Kabel"


def test_the_same_days_cannot_be_booked_twice(signed_in, submit, world):
    item = item_of(world, quantity=1)
    request_equipment(world, item, start=3, days=2)
    before = snapshot()

    response = submit(
        signed_in(world.social_admin),
        f"/angebote/{item.pk}/buchen/",
        {
            "pickup_on": in_days(4).isoformat(),
            "return_on": in_days(6).isoformat(),
            "units": "1",
            "purpose": "x",
        },
    )

    assert response.status_code == 409
    assert snapshot() == before


def test_referring_a_candidate_needs_consent(signed_in, submit, world):
    job = job_of(world)
    data = {
        "candidate_name": "Jonas",
        "candidate_contact": "jonas@example.org",
        "note": "",
        "consent_date": in_days(-1).isoformat(),
    }

    refused = submit(signed_in(world.social_member), f"/angebote/{job.pk}/buchen/", data)
    assert refused.status_code == 400
    assert 'id="id_consent_error"' in refused.content.decode()
    assert not Booking.objects.exists()

    accepted = submit(
        signed_in(world.social_member), f"/angebote/{job.pk}/buchen/", {**data, "consent": "on"}
    )
    assert accepted.status_code == 302
    assert Booking.objects.get().state == S.SUBMITTED


def test_referral_flow_interview_and_hire(signed_in, submit, world):
    booking = booking_in_state(world, "job", S.SUBMITTED)
    provider = signed_in(world.company_admin)

    act(submit, provider, booking, "interview")
    act(submit, provider, booking, "hire", {"hire-message": "Willkommen!"})

    booking.refresh_from_db()
    assert booking.state == S.HIRED


def test_volunteer_flow_complete_and_confirm_hours(signed_in, submit, world):
    booking = booking_in_state(world, "volunteer", S.CONFIRMED)

    response = act(
        submit,
        signed_in(world.company_member),
        booking,
        "complete",
        {"complete-volunteers_given": "2", "complete-hours_given": "11.5"},
    )
    assert response.status_code == 302
    act(submit, signed_in(world.social_member), booking, "confirm_hours")

    booking.refresh_from_db()
    assert booking.state == S.HOURS_CONFIRMED
    assert str(booking.hours_given) == "11.50"


def test_cancelling_needs_a_reason_at_the_field(signed_in, submit, world):
    booking = booking_in_state(world, "volunteer", S.CONFIRMED)
    before = snapshot()

    response = act(submit, signed_in(world.social_member), booking, "cancel", {"cancel-reason": ""})

    assert response.status_code == 400
    assert 'id="id_cancel-reason_error"' in response.content.decode()
    assert snapshot() == before


def test_declining_gives_the_places_back(signed_in, submit, world):
    slot = slot_of(world, places=3)
    booking = request_volunteers(world, slot, volunteers=3)

    act(submit, signed_in(world.company_member), booking, "decline", {"decline-message": "Leider"})

    slot.refresh_from_db()
    booking.refresh_from_db()
    assert (booking.state, slot.volunteers_held) == (S.DECLINED, 0)


# --- who may do what ------------------------------------------------------------------------


def test_the_requester_cannot_confirm_their_own_request(signed_in, submit, world):
    booking = booking_in_state(world, "volunteer", S.REQUESTED)
    before = snapshot()

    response = act(submit, signed_in(world.social_member), booking, "confirm", follow=True)

    assert "Das kann nur die anbietende Organisation." in response.content.decode()
    assert snapshot() == before


def test_an_illegal_transition_is_refused_with_the_message(signed_in, submit, world):
    booking = booking_in_state(world, "volunteer", S.DECLINED)
    before = snapshot()

    response = act(submit, signed_in(world.company_member), booking, "confirm", follow=True)

    assert "nicht möglich" in response.content.decode()
    assert snapshot() == before


def test_strangers_get_404_and_the_coordinator_only_reads(signed_in, submit, world):
    booking = booking_in_state(world, "job", S.SUBMITTED)

    assert signed_in(world.outsider).get(f"/buchungen/{booking.pk}/").status_code == 404
    assert act(submit, signed_in(world.outsider), booking, "withdraw").status_code == 404
    page = signed_in(world.coordinator).get(f"/buchungen/{booking.pk}/").content.decode()
    assert "als Koordination" in page
    assert booking.candidate_name not in page  # the candidate's data is not the coordinator's
    assert Client().get(f"/buchungen/{booking.pk}/").status_code == 302


def test_unknown_action_and_booking_are_404(signed_in, world):
    booking = booking_in_state(world, "volunteer", S.REQUESTED)
    client = signed_in(world.company_member)

    assert client.post(f"/buchungen/{booking.pk}/aktion/explode/").status_code == 404
    assert client.get("/buchungen/999999/").status_code == 404


# --- the booking's page, messages and lists -------------------------------------------------


def test_the_booking_page_shows_history_and_allowed_actions(signed_in, world):
    # Picked up today: its hand-over day has come.
    booking = booking_in_state(world, "equipment", S.CONFIRMED, pickup_in=0)

    provider_page = signed_in(world.company_member).get(f"/buchungen/{booking.pk}/")
    requester_page = signed_in(world.social_member).get(f"/buchungen/{booking.pk}/")

    assert provider_page.status_code == 200
    provider_html = provider_page.content.decode()
    assert "/aktion/hand_over/" in provider_html
    assert "/aktion/cancel/" in provider_html
    assert "bestätigt" in provider_html
    requester_html = requester_page.content.decode()
    assert "/aktion/hand_over/" not in requester_html
    assert "/aktion/cancel/" in requester_html


def test_both_sides_write_messages_and_the_other_side_is_told(signed_in, submit, world):
    booking = booking_in_state(world, "volunteer", S.REQUESTED)
    mail.outbox.clear()

    response = submit(
        signed_in(world.company_member),
        f"/buchungen/{booking.pk}/nachricht/",
        {"body": "Passt 9 Uhr?"},
    )

    assert response.status_code == 302
    assert BookingMessage.objects.get().body == "Passt 9 Uhr?"
    assert any(world.social_member.email in m.to for m in mail.outbox)
    html = signed_in(world.social_member).get(f"/buchungen/{booking.pk}/").content.decode()
    assert "Passt 9 Uhr?" in html


def test_empty_or_nul_messages_are_refused(signed_in, submit, world):
    booking = booking_in_state(world, "volunteer", S.REQUESTED)
    for body in ("", "a\x00b", "x" * 6000):
        response = submit(
            signed_in(world.company_member), f"/buchungen/{booking.pk}/nachricht/", {"body": body}
        )
        assert response.status_code == 400
    assert not BookingMessage.objects.exists()


def test_lists_show_incoming_and_own_bookings(signed_in, world):
    booking = booking_in_state(world, "volunteer", S.REQUESTED)
    done = booking_in_state(world, "equipment", S.DECLINED)

    company_list = signed_in(world.company_member).get(
        f"/organisationen/{world.company.pk}/buchungen/"
    )
    mine = signed_in(world.social_member).get("/buchungen/?zeigen=alle").content.decode()

    assert f"/buchungen/{booking.pk}/" in company_list.content.decode()
    assert f"/buchungen/{done.pk}/" not in company_list.content.decode()  # open ones first
    assert f"/buchungen/{booking.pk}/" in mine and f"/buchungen/{done.pk}/" in mine
    assert (
        signed_in(world.outsider).get(f"/organisationen/{world.company.pk}/buchungen/").status_code
        == 404
    )


def test_booking_lists_take_a_bounded_number_of_queries(
    signed_in, world, django_assert_max_num_queries
):
    for _n in range(5):
        booking_in_state(world, "volunteer", S.REQUESTED)
    client = signed_in(world.social_member)

    with django_assert_max_num_queries(8):
        client.get("/buchungen/")

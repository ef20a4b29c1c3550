"""The deposit of a loan: the hand-over records whether it was received, the return whether it
was paid back or kept (with a reason); both show on the booking, in the API and on its page.

Given an item asking for a 50 € deposit, the loan keeps that amount from its request on (a
later change of the offer does not change it); a hand-over without an answer about it, a kept
deposit without a reason, or an answer about a deposit that was never received is a 400 that
changes nothing. An item without a deposit asks nothing about one.
"""

from decimal import Decimal

import pytest
from django.test import Client

from bookings.models import Booking

from .support import booking_in_state, item_of, request_equipment

pytestmark = pytest.mark.django_db


def _loan_with_deposit(world, client_for, amount="50.00"):
    item = item_of(world, quantity=1, deposit=Decimal(amount))
    booking = request_equipment(world, item, start=0, days=2)
    company = client_for(world.company_member)
    assert company.post(f"/api/v1/bookings/{booking.pk}/confirm/", {}).status_code == 200
    return item, booking, company


def _page(world, booking) -> str:
    client = Client()
    client.force_login(world.social_member, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(f"/buchungen/{booking.pk}/").content.decode()


def test_received_at_hand_over_and_paid_back_at_return(world, client_for):
    item, booking, company = _loan_with_deposit(world, client_for)
    item.deposit = Decimal("80.00")
    item.save(update_fields=["deposit"])
    url = f"/api/v1/bookings/{booking.pk}/"

    unanswered = company.post(url + "hand-over/", {"note": "ok"}, format="json")
    assert unanswered.status_code == 400
    assert unanswered.json()["deposit_received"] == [
        "Bitte angeben, ob die Kaution von 50,00 € erhalten wurde."
    ]
    assert Booking.objects.get(pk=booking.pk).state == "confirmed"

    handed = company.post(url + "hand-over/", {"deposit_received": True}, format="json")
    assert handed.status_code == 200, handed.content
    assert handed.json()["equipment"]["deposit"] == "50.00"
    assert handed.json()["equipment"]["deposit_received"] is True
    assert "50,00 € · bei der Übergabe erhalten" in _page(world, booking)

    unanswered = company.post(url + "return/", {}, format="json")
    assert unanswered.status_code == 400
    assert "deposit_paid_back" in unanswered.json()
    returned = company.post(url + "return/", {"deposit_paid_back": True}, format="json")
    assert returned.status_code == 200, returned.content
    loan = returned.json()["equipment"]
    assert (loan["deposit_received"], loan["deposit_paid_back"]) == (True, True)
    assert "bei der Übergabe erhalten · zurückgezahlt" in _page(world, booking)


def test_a_kept_deposit_needs_a_reason_and_shows_it(world, client_for):
    _item, booking, company = _loan_with_deposit(world, client_for)
    url = f"/api/v1/bookings/{booking.pk}/"
    company.post(url + "hand-over/", {"deposit_received": True}, format="json")

    no_reason = company.post(url + "return/", {"deposit_paid_back": False}, format="json")
    assert no_reason.status_code == 400
    assert "deposit_kept_reason" in no_reason.json()
    assert Booking.objects.get(pk=booking.pk).state == "handed_over"

    kept = company.post(
        url + "return/",
        {"deposit_paid_back": False, "deposit_kept_reason": "Linse zerkratzt", "damaged": True},
        format="json",
    )

    assert kept.status_code == 200, kept.content
    loan = kept.json()["equipment"]
    assert (loan["deposit_paid_back"], loan["deposit_kept_reason"]) == (False, "Linse zerkratzt")
    assert "einbehalten</strong>: Linse zerkratzt" in _page(world, booking)


def test_a_deposit_not_received_is_neither_paid_back_nor_kept(world, client_for):
    _item, booking, company = _loan_with_deposit(world, client_for)
    url = f"/api/v1/bookings/{booking.pk}/"
    company.post(url + "hand-over/", {"deposit_received": False}, format="json")

    refused = company.post(url + "return/", {"deposit_paid_back": True}, format="json")
    assert refused.status_code == 400
    assert refused.json()["deposit_paid_back"] == ["Bei der Übergabe wurde keine Kaution erhalten."]
    returned = company.post(url + "return/", {}, format="json")
    assert returned.status_code == 200
    assert returned.json()["equipment"]["deposit_received"] is False
    assert "bei der Übergabe nicht erhalten" in _page(world, booking)


def test_an_item_without_deposit_asks_nothing_about_one(world, client_for):
    booking = booking_in_state(world, "equipment", "confirmed", pickup_in=0)
    company = client_for(world.company_member)
    url = f"/api/v1/bookings/{booking.pk}/"

    wrong = company.post(url + "hand-over/", {"deposit_received": True}, format="json")
    assert wrong.status_code == 400
    handed = company.post(url + "hand-over/", {}, format="json")
    assert handed.status_code == 200
    assert handed.json()["equipment"]["deposit"] is None
    client = Client()
    client.force_login(world.company_member, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(f"/buchungen/{booking.pk}/").content.decode()
    assert "return-deposit_paid_back" not in html


def test_the_page_asks_about_the_deposit_at_hand_over_and_return(world, client_for):
    _item, booking, _company = _loan_with_deposit(world, client_for, amount="1250.00")
    client = Client()
    client.force_login(world.company_member, backend="django.contrib.auth.backends.ModelBackend")
    page = f"/buchungen/{booking.pk}/"

    assert "Kaution von 1.250,00 € erhalten?" in client.get(page).content.decode()
    refused = client.post(page + "aktion/hand_over/", {"hand_over-note": "ok"})
    assert refused.status_code == 400
    assert "erhalten wurde" in refused.content.decode()
    done = client.post(page + "aktion/hand_over/", {"hand_over-deposit_received": "ja"})
    assert done.status_code == 302
    html = client.get(page).content.decode()
    assert 'name="return-deposit_paid_back"' in html
    kept = client.post(
        page + "aktion/return/",
        {"return-deposit_paid_back": "nein", "return-deposit_kept_reason": "Kabel fehlt"},
    )
    assert kept.status_code == 302
    booking.refresh_from_db()
    assert (booking.deposit_received, booking.deposit_paid_back) == (True, False)
    assert booking.deposit_kept_reason == "Kabel fehlt"

"""An overdue loan keeps its units until it is returned, or until the lender marks the item lost
or out of service.

Given a cargo bike (one unit) lent and not back, when the overdue sweep has run, then the offer
page and the search count it taken tomorrow and any day after, a second organisation's request
for tomorrow is refused with a message that says the bike is overdue; an organisation already
promised it later is at risk and the company hears of it. When the lender marks it lost (with a
reason), the loan ends, its unit is written off it, and the borrower and the later borrower
are told.
"""

import pytest
from django.core import mail
from django.test import Client

from bookings import services
from bookings.models import Booking, BookingState
from marketplace.models import Role
from notifications.models import Notification
from tests.factories import SocialOrganisationFactory, member_of

from .support import in_days, item_of, request_equipment
from .test_loan_holds import free_in_search, free_per_day, lent_out

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(world):
    """A second social organisation that wants the bike too."""
    organisation = SocialOrganisationFactory(name="Kinderladen Regenbogen e.V.")
    return organisation, member_of(organisation, Role.ADMIN, full_name="Rita Regenbogen")


def _offer_page(item) -> str:
    response = Client().get(f"/angebote/{item.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_cargo_bike_not_back_is_taken_tomorrow_and_a_second_request_is_refused(
    world, other, client_for, django_capture_on_commit_callbacks
):
    bike = item_of(world, title="Lastenrad", quantity=1, buffer_days=0)
    lent_out(world, bike, since=-3, until=0)  # due back yesterday
    viewer = client_for(other[1])
    assert "1 frei" in _offer_page(bike)  # what the issue saw: free from the next day

    with django_capture_on_commit_callbacks(execute=True):
        services.loan_mark_overdue()

    assert "1 frei" not in _offer_page(bike)
    assert free_per_day(viewer, bike, 0, 40) == [0] * 40
    assert free_in_search(viewer, bike, 1, 2) == 0
    assert free_in_search(viewer, bike, 30, 31) == 0
    response = viewer.post(
        "/api/v1/bookings/",
        {
            "kind": "equipment",
            "item": bike.pk,
            "units": 1,
            "pickup_on": str(in_days(1)),
            "return_on": str(in_days(1)),
            "purpose": "Einkauf für das Sommerfest",
        },
        format="json",
    )
    assert response.status_code == 409, response.content
    assert "überfällig und noch nicht zurückgegeben" in response.json()["detail"]
    assert Booking.objects.filter(requester=other[0]).count() == 0


def test_marking_the_overdue_bike_lost_ends_the_loan_and_tells_who_is_affected(
    world, other, client_for, django_capture_on_commit_callbacks
):
    bike = item_of(world, title="Lastenrad", quantity=1, buffer_days=0)
    loan = lent_out(world, bike, since=-3, until=0)
    later = request_equipment(
        world, bike, start=3, days=2, by=other[1], organisation=other[0], purpose="Umzug"
    )
    later = services.booking_confirm(booking=later, by=world.company_member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.loan_mark_overdue()
    # The company hears that the later loan is at risk (as before).
    assert any(
        "Achtung: 1 Stück davon (Nr. 1)" in message.body
        and message.to[0] == world.company_admin.email
        for message in mail.outbox
    )
    company = client_for(world.company_member)
    url = f"/api/v1/bookings/{loan.pk}/mark-lost/"
    assert company.post(url, {}, format="json").status_code == 400  # a reason is required
    refused = client_for(world.social_member).post(url, {"reason": "weg"}, format="json")
    assert refused.status_code == 403  # the borrower cannot write it off
    shown = company.get(f"/api/v1/bookings/{loan.pk}/").json()
    assert shown["allowed_actions"] == ["return", "mark-lost"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = company.post(
            url, {"reason": "Seit drei Wochen nicht zurück, Anzeige erstattet"}, format="json"
        )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "lost"
    loan.refresh_from_db()
    assert loan.state == BookingState.LOST and loan.hold_id is None
    assert loan.events.last().message == "Seit drei Wochen nicht zurück, Anzeige erstattet"
    # The unit is written off the loan: only the later loan holds it now.
    assert free_per_day(company, bike, 0, 6) == [1, 1, 1, 0, 0, 1]
    told = {message.to[0]: message for message in mail.outbox}
    assert set(told) == {world.social_admin.email, world.social_member.email, other[1].email}
    assert "als verloren oder außer Betrieb gemeldet" in told[world.social_member.email].body
    assert "Anzeige erstattet" in told[world.social_member.email].body
    affected = told[other[1].email]
    assert affected.subject.startswith("Ihre Ausleihe „Lastenrad“")
    assert later.path in affected.body
    assert Notification.objects.filter(kind="booking_lost").count() == 3
    # Once lost, nothing more happens to it.
    again = company.post(url, {"reason": "nochmal"}, format="json")
    assert again.status_code == 409


def test_the_lender_finds_the_button_on_the_overdue_loans_page(world, client):
    bike = item_of(world, title="Lastenrad", quantity=1, buffer_days=0)
    loan = lent_out(world, bike, since=-3, until=0)
    client.force_login(world.company_member)
    assert "verloren oder außer Betrieb" not in client.get(loan.path).content.decode()
    services.loan_mark_overdue()

    page = client.get(loan.path).content.decode()
    assert "Als verloren oder außer Betrieb melden" in page

    response = client.post(
        f"{loan.path}aktion/mark_lost/", {"mark_lost-reason": "Rahmen gebrochen"}
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.state == BookingState.LOST

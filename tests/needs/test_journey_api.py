"""The journey of the issue through the API.

Given a school and two companies, when the school posts a need for a projector on a date, both
companies propose (one with its own projector), and the school accepts that one and declines
the other, then a confirmed loan exists, the item's availability shows its unit taken, both
sides have their e-mails, and the other company is thanked politely.
"""

import pytest
from django.core import mail

from bookings.models import Booking
from needs.models import NeedEvent
from tests.listings.factories import EquipmentFactory

from .support import category, in_days

pytestmark = pytest.mark.django_db


def _mails_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def test_a_school_gets_a_projector_through_a_need(world, client_for, send):
    projector = EquipmentFactory(
        organisation=world.lender,
        title="Beamer mit Leinwand",
        quantity=1,
        category=category(),
    )
    school, lender, helper = (
        client_for(world.teacher),
        client_for(world.lender_member),
        client_for(world.helper_member),
    )
    party = in_days(10)

    created = send(
        school,
        "post",
        "/api/v1/needs/",
        {
            "title": "Beamer für unser Sommerfest",
            "description": "Wir zeigen Fotos vom Schuljahr.",
            "category": "veranstaltungstechnik",
            "help_kind": "equipment",
            "quantity": 1,
            "date_from": party.isoformat(),
            "place": "Schulhof, Wassertorstraße 1",
            "publish": True,
        },
        HTTP_IDEMPOTENCY_KEY="need-1",
    )
    assert created.status_code == 201, created.content
    need = created.json()
    assert need["status"] == "published"
    assert need["open_until"] == party.isoformat()  # open no longer than it is of use
    assert need["actions"] == ["fulfil", "close"]

    # The need shows in the one search, as a kind of its own.
    found = school.get("/api/v1/listings/", {"kind": "need", "q": "Beamer"})
    assert found.status_code == 200, found.content
    assert [row["id"] for row in found.json()["results"]] == [need["id"]]
    assert found.json()["results"][0]["url"] == f"/api/v1/needs/{need['id']}/"

    with_item = send(
        lender,
        "post",
        f"/api/v1/needs/{need['id']}/proposals/",
        {
            "message": "Unser Beamer steht bereit.",
            "item": projector.pk,
            "units": 1,
            "pickup_on": party.isoformat(),
            "return_on": party.isoformat(),
        },
        HTTP_IDEMPOTENCY_KEY="proposal-1",
    )
    assert with_item.status_code == 201, with_item.content
    message_only = send(
        helper,
        "post",
        f"/api/v1/needs/{need['id']}/proposals/",
        {"message": "Wir könnten einen Beamer kaufen und spenden."},
    )
    assert message_only.status_code == 201, message_only.content
    assert len(_mails_to(world.school_admin)) == 2  # one per proposal

    # The school sees both proposals, each company only its own.
    listed = school.get(f"/api/v1/needs/{need['id']}/proposals/").json()["results"]
    assert {p["organisation"]["name"] for p in listed} == {world.lender.name, world.helper.name}
    assert all(p["actions"] == ["accept", "decline"] for p in listed)
    own = helper.get(f"/api/v1/needs/{need['id']}/proposals/").json()["results"]
    assert [p["id"] for p in own] == [message_only.json()["id"]]
    assert own[0]["actions"] == ["withdraw"]

    mail.outbox.clear()
    accepted = send(
        school,
        "post",
        f"/api/v1/needs/{need['id']}/proposals/{with_item.json()['id']}/accept/",
        {"message": "Danke, wir holen ihn morgens ab."},
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    booking = Booking.objects.get(pk=accepted.json()["booking"])
    assert booking.state == "confirmed"
    assert (booking.requester, booking.provider, booking.units) == (world.school, world.lender, 1)
    assert (booking.pickup_on, booking.return_on) == (party, party)

    availability = school.get(
        f"/api/v1/equipment/{projector.pk}/availability/",
        {"from": party.isoformat(), "to": party.isoformat()},
    )
    assert availability.status_code == 200, availability.content
    assert availability.json()["days"][0]["free_units"] == 0

    # Both sides have their e-mails: the booking's confirmation, and the proposal's acceptance.
    lender_subjects = [m.subject for m in _mails_to(world.lender_member)]
    assert any("Angenommen" in subject for subject in lender_subjects), lender_subjects
    assert _mails_to(world.teacher) or _mails_to(world.school_admin)
    assert any("bestätigt" in m.subject.lower() for m in _mails_to(world.school_admin)), [
        m.subject for m in mail.outbox
    ]

    mail.outbox.clear()
    declined = send(
        school,
        "post",
        f"/api/v1/needs/{need['id']}/proposals/{message_only.json()['id']}/decline/",
        {},
    )
    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == "declined"
    [polite] = _mails_to(world.helper_member)
    assert "Vielen Dank" in polite.body

    fulfilled = send(school, "post", f"/api/v1/needs/{need['id']}/fulfil/", {})
    assert fulfilled.json()["status"] == "fulfilled"
    history = list(NeedEvent.objects.filter(need_id=need["id"]).values_list("action", flat=True))
    assert history == ["create", "publish", "propose", "propose", "accept", "decline", "fulfil"]

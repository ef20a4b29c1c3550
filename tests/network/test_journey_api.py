"""The issue's journey through the API: the coordinator creates and publishes a Netzwerktreffen
with 3 seats; four people of different organisations register — three get seats, one waits;
one cancels and the fourth is promoted with an e-mail whose .ics icalendar reads in
Europe/Berlin; the event moves by an hour and everyone registered gets an update with the same
UID and a higher SEQUENCE; after the event a host records attendance."""

import datetime as dt

import pytest
from django.core import mail

from network.models import Event, EventState, Registration, RegistrationState

from .mail_support import calendars, mails_to, only_event
from .support import BERLIN, CoordinatorFactory, in_days, person_in_new_organisation

pytestmark = pytest.mark.django_db


def test_netzwerktreffen_from_invitation_to_attendance(client_for, send):
    coordinator = CoordinatorFactory()
    people = [person_in_new_organisation(social=i % 2 == 0) for i in range(4)]
    host_admin, host_org = person_in_new_organisation(social=False)
    boss = client_for(coordinator)
    start = in_days(20, 18)

    # Given a Netzwerktreffen with 3 seats, created and published by the coordinator
    response = send(
        boss,
        "post",
        "/api/v1/events/",
        {
            "kind": "netzwerktreffen",
            "title": "Netzwerktreffen Herbst",
            "description": "Rückblick, Vorhaben der AGs, Austausch.",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
            "place": "Mehrgenerationenhaus Wassertor, Wassertorstraße 48",
            "capacity": 3,
            "hosted_by_network": True,
            "hosts": [host_org.pk],
        },
    )
    assert response.status_code == 201, response.json()
    event_id = response.json()["id"]
    assert response.json()["state"] == "draft"
    # a draft is the hosts' only
    assert client_for(people[0][0]).get(f"/api/v1/events/{event_id}/").status_code == 404

    response = send(boss, "post", f"/api/v1/events/{event_id}/publish/", {})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "published"
    invited = {m.to[0] for m in mail.outbox}
    assert {person.email for person, _org in people} <= invited
    mail.outbox.clear()

    # When four people of different organisations register
    registrations = []
    for person, organisation in people:
        response = send(
            client_for(person),
            "post",
            f"/api/v1/events/{event_id}/registrations/",
            {"organisation": organisation.pk, "note": "vegetarisch"},
        )
        assert response.status_code == 201, response.json()
        registrations.append(response.json())
    # Then three get seats and the fourth waits
    assert [r["state"] for r in registrations] == ["registered"] * 3 + ["waiting"]
    event = client_for(people[0][0]).get(f"/api/v1/events/{event_id}/").json()
    assert (event["capacity"], event["seats_taken"], event["seats_free"]) == (3, 3, 0)
    fourth_person = people[3][0]
    [waiting_mail] = mails_to(fourth_person.email)
    assert calendars(waiting_mail) == []
    waiting = client_for(fourth_person).get(f"/api/v1/events/{event_id}/waiting-list/").json()
    assert [(w["person"]["id"], w["position"]) for w in waiting] == [(fourth_person.pk, 1)]
    for person, _organisation in people[:3]:
        [confirmation] = mails_to(person.email)
        [(_content_type, cal)] = calendars(confirmation)
        assert cal["METHOD"] == "REQUEST"
    mail.outbox.clear()

    # When the second person cancels
    second = registrations[1]
    response = send(
        client_for(people[1][0]),
        "post",
        f"/api/v1/events/{event_id}/registrations/{second['id']}/cancel/",
        {},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "cancelled"

    # Then the fourth is promoted and gets an e-mail with an .ics read in Europe/Berlin
    fourth = Registration.objects.get(pk=registrations[3]["id"])
    assert fourth.state == RegistrationState.REGISTERED
    [promotion] = mails_to(fourth_person.email)
    assert "Nachgerückt" in promotion.subject
    [(_content_type, cal)] = calendars(promotion)
    assert cal["METHOD"] == "REQUEST"
    vevent = only_event(cal)
    starts = vevent.decoded("DTSTART")
    assert starts == start
    assert str(starts.tzinfo) == "Europe/Berlin"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    uid, sequence = str(vevent["UID"]), int(vevent["SEQUENCE"])
    assert Event.objects.get(pk=event_id).seats_taken == 3
    mail.outbox.clear()

    # When the event is moved by an hour
    later = start + dt.timedelta(hours=1)
    response = send(
        boss,
        "patch",
        f"/api/v1/events/{event_id}/",
        {"starts_at": later.isoformat(), "ends_at": (later + dt.timedelta(hours=3)).isoformat()},
    )
    assert response.status_code == 200, response.json()

    # Then everyone registered gets an update: the same UID, a higher SEQUENCE, the new time
    told = {people[0][0].email, people[2][0].email, fourth_person.email}
    assert {m.to[0] for m in mail.outbox} == told
    for message in mail.outbox:
        [(_content_type, cal)] = calendars(message)
        update = only_event(cal)
        assert str(update["UID"]) == uid
        assert int(update["SEQUENCE"]) > sequence
        assert update.decoded("DTSTART") == later
        assert update.decoded("DTSTART").astimezone(BERLIN).hour == 19
    mail.outbox.clear()

    # After the event, a host records who came and the counts per organisation
    Event.objects.filter(pk=event_id).update(starts_at=in_days(-1, 18), ends_at=in_days(-1, 21))
    host = client_for(host_admin)
    response = send(host, "post", f"/api/v1/events/{event_id}/close/", {})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == EventState.HELD
    came = [registrations[0]["id"], registrations[3]["id"]]
    response = send(
        host,
        "put",
        f"/api/v1/events/{event_id}/attendance/",
        {
            "registrations": [
                {"registration": came[0], "attended": True},
                {"registration": came[1], "attended": True},
                {"registration": registrations[2]["id"], "attended": False},
            ],
            "organisations": [{"organisation": people[0][1].pk, "count": 2}],
        },
    )
    assert response.status_code == 200, response.json()
    marks = {r["id"]: r["attended"] for r in response.json()["registrations"]}
    assert marks == {came[0]: True, came[1]: True, registrations[2]["id"]: False}
    assert response.json()["organisations"] == [
        {"organisation": {"id": people[0][1].pk, "name": people[0][1].name}, "count": 2}
    ]
    # the hosts' notes are gone after the event
    assert set(Registration.objects.values_list("note", flat=True)) == {""}

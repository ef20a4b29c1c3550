"""What people hear and see: the e-mails of a registration (German and English), the reminder
the day before (once), the one-click cancel link, a station's seats, the Idempotency-Key, and
the private calendar feed with the events a person is registered for."""

import datetime as dt

import icalendar
import pytest
from django.core import mail

from network.links import cancel_token
from network.models import Event, Registration, Station
from network.services.registrations import registrations_remind_tomorrow

from .mail_support import calendars, mails_to
from .support import CoordinatorFactory, person_in_new_organisation, published_event

pytestmark = pytest.mark.django_db


def _register(send, client, event, **body):
    return send(client, "post", f"/api/v1/events/{event.pk}/registrations/", body)


def test_the_registration_emails_speak_the_persons_language(client_for, send):
    event = published_event(capacity=1, title="Kiezfest")
    german, _org = person_in_new_organisation()
    english, _org2 = person_in_new_organisation(language="en")
    _register(send, client_for(german), event, companions=0)
    _register(send, client_for(english), event)

    [confirmed] = mails_to(german.email)
    assert confirmed.subject.startswith("Angemeldet: „Kiezfest“")
    assert "/termine/abmelden/" in confirmed.body
    [waiting] = mails_to(english.email)
    assert waiting.subject.startswith("Waiting list: “Kiezfest”")
    assert "waiting list" in waiting.body
    assert "Wann:" not in waiting.body and "When:" in waiting.body


def test_the_reminder_goes_out_the_day_before_once(
    client_for, send, django_capture_on_commit_callbacks
):
    tomorrow = published_event(capacity=5, days=1, title="Lunch morgen")
    later = published_event(capacity=5, days=3, title="Lunch später")
    person, _org = person_in_new_organisation()
    _register(send, client_for(person), tomorrow)
    _register(send, client_for(person), later)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert registrations_remind_tomorrow() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert registrations_remind_tomorrow() == 0

    [reminder] = mail.outbox
    assert reminder.subject == "Morgen: „Lunch morgen“"
    assert reminder.to == [person.email]


def test_the_one_click_link_cancels_only_on_post_and_promotes_the_next(client, client_for, send):
    event = published_event(capacity=1)
    first, _org = person_in_new_organisation()
    second, _org2 = person_in_new_organisation()
    _register(send, client_for(first), event)
    _register(send, client_for(second), event)
    registration = Registration.objects.get(person=first)
    url = f"/termine/abmelden/{cancel_token(registration.pk)}/"

    page = client.get(url)
    assert page.status_code == 200
    assert "Abmelden" in page.content.decode()
    registration.refresh_from_db()
    assert registration.state == "registered"  # a link preview changes nothing

    response = client.post(url)
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.state == "cancelled"
    assert Registration.objects.get(person=second).state == "registered"
    assert client.get("/termine/abmelden/forged-token/").status_code == 404
    assert client.post(url).status_code == 409  # already cancelled


def test_a_station_has_its_own_seats_and_waiting_list(client_for, send):
    event = published_event(kind="open_day", visibility="public")
    station = Station.objects.create(
        event=event,
        title="Führung durch die Druckerei",
        host=event.hosts.get(),
        starts_at=event.starts_at,
        ends_at=event.starts_at + dt.timedelta(hours=1),
        capacity=2,
    )
    a, _ = person_in_new_organisation()
    b, _ = person_in_new_organisation()
    first = _register(send, client_for(a), event, station=station.pk, companions=1)
    second = _register(send, client_for(b), event, station=station.pk)
    assert (first.json()["state"], second.json()["state"]) == ("registered", "waiting")
    station.refresh_from_db()
    event.refresh_from_db()
    assert (station.seats_taken, event.seats_taken) == (2, 0)
    listing = client_for(a).get(f"/api/v1/events/{event.pk}/stations/").json()
    assert listing[0]["seats_free"] == 0


def test_the_same_idempotency_key_registers_once(client_for, send):
    event = published_event(capacity=5)
    person, _org = person_in_new_organisation()
    client = client_for(person)
    url = f"/api/v1/events/{event.pk}/registrations/"
    first = send(client, "post", url, {"companions": 1}, HTTP_IDEMPOTENCY_KEY="reg-1")
    again = send(client, "post", url, {"companions": 1}, HTTP_IDEMPOTENCY_KEY="reg-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Registration.objects.count() == 1
    assert Event.objects.get(pk=event.pk).seats_taken == 2
    other = send(client, "post", url, {"companions": 2}, HTTP_IDEMPOTENCY_KEY="reg-1")
    assert other.status_code == 409


def test_the_private_feed_lists_the_events_i_hold_a_seat_at(client, client_for, send):
    event = published_event(capacity=1, title="Netzwerktreffen Herbst")
    full = published_event(capacity=1, title="Lunch")
    person, _org = person_in_new_organisation()
    someone, _org2 = person_in_new_organisation()
    _register(send, client_for(someone), full)
    _register(send, client_for(person), full)  # waiting: not in the calendar
    _register(send, client_for(person), event)

    url = client_for(person).get("/api/v1/calendar-feed/").json()["url"]
    response = client.get(url.split("127.0.0.1:8000", 1)[1])
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["Netzwerktreffen Herbst"]


def test_cancelling_the_event_sends_method_cancel_to_everyone_registered(client_for, send):
    coordinator = CoordinatorFactory()
    event = published_event(capacity=1)
    seated, _ = person_in_new_organisation()
    waiting, _ = person_in_new_organisation()
    _register(send, client_for(seated), event)
    _register(send, client_for(waiting), event)
    mail.outbox.clear()

    response = send(
        client_for(coordinator), "post", f"/api/v1/events/{event.pk}/cancel/", {"reason": "Sturm"}
    )
    assert response.status_code == 200
    assert {m.to[0] for m in mail.outbox} == {seated.email, waiting.email}
    for message in mail.outbox:
        [(_type, cal)] = calendars(message)
        assert cal["METHOD"] == "CANCEL"
        [vevent] = cal.walk("VEVENT")
        assert vevent["STATUS"] == "CANCELLED"
        assert int(vevent["SEQUENCE"]) == 1
        assert "Sturm" in message.body


def test_when_the_head_of_the_waiting_list_leaves_the_next_who_fits_moves_up(client_for, send):
    event = published_event(capacity=3)
    seated, _ = person_in_new_organisation()
    big, _ = person_in_new_organisation()
    small, _ = person_in_new_organisation()
    _register(send, client_for(seated), event, companions=1)  # 2 of 3 seats
    assert _register(send, client_for(big), event, companions=2).json()["state"] == "waiting"
    # one seat is free, but the list is served in order: the newcomer waits behind `big`
    assert _register(send, client_for(small), event).json()["state"] == "waiting"

    head = Registration.objects.get(person=big)
    response = send(
        client_for(big), "post", f"/api/v1/events/{event.pk}/registrations/{head.pk}/cancel/", {}
    )
    assert response.status_code == 200
    assert Registration.objects.get(person=small).state == "registered"
    assert Event.objects.get(pk=event.pk).seats_taken == 3

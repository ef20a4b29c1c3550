"""On PostgreSQL: fifty people register at once for the last seat, and twenty cancel at once
while others wait — over HTTP, each request in its own thread with its own connection.

The race is shown first: with the event's row lock switched off, requests that all saw the
free seat collide on the seat counter's CheckConstraint and are turned away (409) instead of
being put on the waiting list. With the lock, exactly one gets the seat, the other 49 wait in
the order they reached the lock, nobody gets a 500; and every seat freed by a cancellation goes
to the next person on the list, once.
"""

import contextlib
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.errors import NotFound
from network.models import Event, Registration, RegistrationState
from network.services import common, events, registrations
from notifications.models import Notification

from .support import person_in_new_organisation, published_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_locks"),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL: the in-memory SQLite test database takes "
        "shared-cache table locks that fail at once instead of waiting",
    ),
]

THREADS = 50


def race(requests: list[tuple[str, str, dict]]) -> list[tuple[int, dict | None]]:
    """POST each (token, url, body) from its own thread at once; (status, JSON) of each."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple] = []
    lock = threading.Lock()

    def run(token, url, body):
        outcome = None
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait(timeout=30)
            response = client.post(url, body, format="json")
            outcome = (response.status_code, response.json())
        except Exception as error:  # a crash in the thread is a failure the test must show
            outcome = (repr(error), None)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


@contextlib.contextmanager
def event_lock_disabled(monkeypatch):
    """The event's row is read without FOR UPDATE, lingering a moment as a busy server would."""

    def read_without_lock(event_id):
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            raise NotFound("gone")
        time.sleep(0.05)
        return event

    with monkeypatch.context() as patch:
        for module in (common, registrations, events):
            patch.setattr(module, "lock_event", read_without_lock)
        yield
    assert registrations.lock_event is common.lock_event


def _people(count: int) -> list[tuple]:
    people = []
    for _ in range(count):
        person, organisation = person_in_new_organisation()
        token = Token.objects.get_or_create(user=person)[0].key
        people.append((person, organisation, token))
    return people


def _last_seat_race(people) -> tuple[Event, list]:
    event = published_event(capacity=3)
    for person, organisation, _token in _people(2):
        Registration.objects.create(
            event=event, person=person, organisation=organisation, state="registered"
        )
    Event.objects.filter(pk=event.pk).update(seats_taken=2)  # one seat left
    url = f"/api/v1/events/{event.pk}/registrations/"
    results = race([(token, url, {"organisation": org.pk}) for _p, org, token in people])
    event.refresh_from_db()
    return event, results


def test_without_the_lock_people_who_saw_the_last_seat_are_turned_away(monkeypatch):
    people = _people(THREADS)
    with event_lock_disabled(monkeypatch):
        event, results = _last_seat_race(people)
    statuses = Counter(status for status, _body in results)
    assert statuses[409] > 0, statuses  # the constraint refused the lost updates
    assert event.seats_taken <= event.capacity  # the constraint, last line of defence


def test_fifty_for_the_last_seat_one_seat_the_rest_waiting_in_order():
    people = _people(THREADS)
    event, results = _last_seat_race(people)

    statuses = Counter(status for status, _body in results)
    assert statuses == {201: THREADS}, (statuses, [b for s, b in results if s != 201])
    states = Counter(body["state"] for _status, body in results)
    assert states == {"registered": 1, "waiting": THREADS - 1}
    assert event.seats_taken == 3

    racers = Registration.objects.filter(person__in=[p for p, _o, _t in people])
    by_arrival = list(racers.order_by("created_at", "id"))
    # the order they came (reached the lock): the seat to the first, then the list in order
    assert [r.pk for r in by_arrival] == sorted(r.pk for r in by_arrival)
    assert by_arrival[0].state == RegistrationState.REGISTERED
    assert {r.state for r in by_arrival[1:]} == {RegistrationState.WAITING}
    assert len({r.person_id for r in by_arrival}) == THREADS


def test_twenty_cancel_at_once_and_each_freed_seat_goes_to_the_next_waiting_once():
    event = published_event(capacity=20)
    seated = _people(20)
    waiting = _people(30)
    for person, organisation, _token in seated:
        Registration.objects.create(
            event=event, person=person, organisation=organisation, state="registered"
        )
    Event.objects.filter(pk=event.pk).update(seats_taken=20)
    for person, organisation, _token in waiting:
        Registration.objects.create(
            event=event, person=person, organisation=organisation, state="waiting"
        )
    mine = {r.person_id: r.pk for r in Registration.objects.filter(event=event, state="registered")}

    results = race(
        [
            (token, f"/api/v1/events/{event.pk}/registrations/{mine[person.pk]}/cancel/", {})
            for person, _organisation, token in seated
        ]
    )

    assert Counter(status for status, _body in results) == {200: 20}
    event.refresh_from_db()
    assert event.seats_taken == 20
    queue = list(
        Registration.objects.filter(person__in=[p for p, _o, _t in waiting]).order_by(
            "created_at", "id"
        )
    )
    assert [r.state for r in queue] == ["registered"] * 20 + ["waiting"] * 10
    promoted_emails = Counter(
        Notification.objects.filter(kind="network_registration_promoted").values_list(
            "recipient_id", flat=True
        )
    )
    assert promoted_emails == Counter({r.person_id: 1 for r in queue[:20]})
    assert Registration.objects.filter(event=event, state="registered").count() == 20

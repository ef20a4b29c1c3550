"""A lock not had in time is one domain error, Busy: 409 with Retry-After at the API and on the
pages, recognised by the database's error code, never by the words of its message (PostgreSQL
speaks German on a German server: "Abbruch des Befehls wegen Zeitüberschreitung einer Sperre").
"""

import json
import sqlite3

import psycopg.errors
import pytest
from django.db import OperationalError, transaction
from django.test import RequestFactory

from marketplace import locking
from marketplace.error_views import server_error
from marketplace.errors import Busy, Conflict
from marketplace.models import Membership, Role
from marketplace.outage import is_database_unavailable
from marketplace.services import organisations as services
from tests.factories import SocialOrganisationFactory, member_of

pytestmark = pytest.mark.django_db

GERMAN_LOCK_TIMEOUT = "Abbruch des Befehls wegen Zeitüberschreitung einer Sperre"


def _database_error(driver_error: Exception) -> OperationalError:
    """What Django raises for a driver's error: its own class, the driver's error as cause."""
    error = OperationalError(*driver_error.args)
    error.__cause__ = driver_error
    return error


def _sqlite_locked_error(tmp_path) -> sqlite3.OperationalError:
    """A real SQLite "database is locked": a second writer that does not wait."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as raised:
            other.execute("BEGIN IMMEDIATE")
        return raised.value
    finally:
        holder.close()
        other.close()


@pytest.fixture
def admin():
    """An admin's membership of an organisation that has a second admin (so may be left)."""
    organisation = SocialOrganisationFactory()
    first = member_of(organisation, Role.ADMIN)
    member_of(organisation, Role.ADMIN)
    return Membership.objects.get(user=first)


def _member_url(membership: Membership) -> str:
    return f"/api/v1/organisations/{membership.organisation_id}/members/{membership.pk}/"


def test_lock_errors_are_told_by_their_code_not_their_words(tmp_path):
    assert locking.is_lock_contention(
        _database_error(psycopg.errors.LockNotAvailable(GERMAN_LOCK_TIMEOUT))
    )
    assert locking.is_lock_contention(_database_error(psycopg.errors.DeadlockDetected("x")))
    assert locking.is_lock_contention(_database_error(_sqlite_locked_error(tmp_path)))
    # The word alone is no lock error: a missing table named "lock_table" is a bug to see.
    assert not locking.is_lock_contention(
        _database_error(psycopg.errors.UndefinedTable('relation "lock_table" does not exist'))
    )
    assert not locking.is_lock_contention(OperationalError("database is locked"))


def test_a_busy_service_answers_409_with_retry_after_at_the_api(admin, client_for, monkeypatch):
    def busy(**kwargs):
        raise Busy("Die Organisation wird gerade geändert.", retry_after=2)

    monkeypatch.setattr(services, "membership_remove", busy)
    response = client_for(admin.user).delete(_member_url(admin))

    assert response.status_code == 409
    assert response["Retry-After"] == "2"
    assert response.json() == {"detail": "Die Organisation wird gerade geändert.", "code": "busy"}


def test_a_lock_error_no_service_caught_is_busy_too_whatever_its_words(
    admin, client_for, monkeypatch
):
    def lock_timeout(**kwargs):
        raise _database_error(psycopg.errors.LockNotAvailable(GERMAN_LOCK_TIMEOUT))

    monkeypatch.setattr(services, "membership_remove", lock_timeout)
    response = client_for(admin.user).delete(_member_url(admin))

    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert response.json()["code"] == "busy"


def test_another_database_error_with_the_word_lock_is_no_busy_answer(
    admin, client_for, monkeypatch
):
    def bug(**kwargs):
        raise _database_error(psycopg.errors.UndefinedTable('relation "lock" does not exist'))

    monkeypatch.setattr(services, "membership_remove", bug)
    with pytest.raises(OperationalError):  # a bug: the 500 page and a traceback, not a 409
        client_for(admin.user).delete(_member_url(admin))


def test_a_page_meeting_a_held_lock_answers_409_with_retry_after(admin, monkeypatch):
    from django.test import Client

    def lock_timeout(**kwargs):
        raise _database_error(psycopg.errors.LockNotAvailable(GERMAN_LOCK_TIMEOUT))

    monkeypatch.setattr(services, "membership_remove", lock_timeout)
    client = Client()
    client.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/organisationen/{admin.organisation_id}/mitglieder/{admin.pk}/entfernen/",
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert "Bitte gleich noch einmal" in response.content.decode()


def test_a_locking_transaction_turns_a_held_lock_into_busy_and_rolls_back(admin):
    with pytest.raises(Busy) as raised, locking.locking_transaction("Gerade belegt."):
        Membership.objects.filter(pk=admin.pk).update(role=Role.MEMBER)
        raise _database_error(psycopg.errors.LockNotAvailable(GERMAN_LOCK_TIMEOUT))

    assert raised.value.message == "Gerade belegt." and raised.value.retry_after == 1
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_a_locked_sqlite_database_is_contention_not_an_outage(tmp_path):
    # Given SQLite's "database is locked" (another writer holds the lock)
    error = _database_error(_sqlite_locked_error(tmp_path))

    # Then both modules agree: a lock not had in time, Busy, and no outage
    assert locking.is_lock_contention(error)
    assert isinstance(locking.busy_from(error), Busy)
    assert not is_database_unavailable(error)


def test_a_lock_error_met_outside_a_view_is_409_busy_not_503(tmp_path):
    # Given a locked SQLite database met by a middleware (the session saved, say)
    error = _database_error(_sqlite_locked_error(tmp_path))
    factory = RequestFactory()
    responses = {}
    for path in ("/api/v1/bookings/", "/buchungen/"):
        try:
            raise error
        except OperationalError:
            # When Django's handler for uncaught errors answers it
            responses[path] = server_error(factory.get(path))

    # Then the API and the pages answer 409 with Retry-After, as they do inside a view
    api, page = responses["/api/v1/bookings/"], responses["/buchungen/"]
    assert (api.status_code, page.status_code) == (409, 409)
    assert api["Retry-After"] and page["Retry-After"]
    assert json.loads(api.content)["code"] == "busy"
    assert "Bitte versuchen Sie es in" in page.content.decode()


def test_a_refusal_after_the_checks_leaves_the_transaction_by_commit_and_is_raised(
    admin, django_capture_on_commit_callbacks
):
    committed = []
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Conflict, match="voll"),
        locking.checked_before_written(),
    ):
        transaction.on_commit(lambda: committed.append(True))
        raise Conflict("Das Angebot ist voll.")

    assert committed == [True]  # committed (with nothing written), then refused


@pytest.mark.parametrize(
    "error",
    [Busy("Gerade belegt."), RuntimeError("kaputt")],
    ids=["busy", "any other error"],
)
def test_busy_and_other_errors_roll_back_as_usual(admin, error):
    with pytest.raises(type(error)), locking.checked_before_written():
        Membership.objects.filter(pk=admin.pk).update(role=Role.MEMBER)
        raise error

    admin.refresh_from_db()
    assert admin.role == Role.ADMIN

"""While the database cannot be reached, the API answers 503 JSON with Retry-After and the web
pages a friendly "gleich wieder da" page (marketplace/outage.py), never Django's HTML 500.

The web process's connection is pointed at a database that is not there: on PostgreSQL a port
nothing listens on, on SQLite a file in a folder that does not exist. Both are real connection
attempts that fail as they would in an outage.
"""

import contextlib
import copy
import logging

import pytest
from django.db import OperationalError, connections
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.error_views import server_error
from marketplace.outage import is_database_unavailable
from tests.factories import PASSWORD, UserFactory
from tests.support.redis_server import unused_tcp_port


@contextlib.contextmanager
def database_away():
    """Within this block the default connection leads to a database that is not there."""
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(unused_tcp_port()))
    else:
        settings_dict["NAME"] = "/nonexistent-kiezmarkt-outage/kiezmarkt.sqlite3"
    unreachable = type(original)(settings_dict, alias="default")
    connections["default"] = unreachable
    try:
        yield
    finally:
        unreachable.close()
        connections["default"] = original


pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(DATABASE_OUTAGE_RETRY_AFTER=20)
def test_the_api_answers_503_json_with_retry_after(caplog, monkeypatch):
    monkeypatch.setattr("marketplace.outage._last_warned", float("-inf"))
    person = UserFactory(email="anna@example.org")
    signed_in = APIClient()
    signed_in.force_authenticate(person)

    # Given the database is away
    with database_away(), caplog.at_level(logging.WARNING, logger="marketplace.outage"):
        # When people sign in, search and ask for their bookings
        answers = [
            APIClient().post(
                reverse("auth-token"), {"email": person.email, "password": PASSWORD}, format="json"
            ),
            signed_in.get("/api/v1/listings/?q=Werkzeug"),
            signed_in.get("/api/v1/bookings/"),
        ]

    # Then each gets a 503 in JSON that says when to try again
    for response in answers:
        assert response.status_code == 503, response.content[:300]
        assert response["Content-Type"] == "application/json"
        assert response["Retry-After"] == "20"
        body = response.json()
        assert body["code"] == "database_unavailable"
        assert "20 Sekunden" in body["detail"]
    # And the log says so once, not with a traceback per request
    warnings = [r for r in caplog.records if r.name == "marketplace.outage"]
    assert len(warnings) == 1
    assert "database unavailable" in warnings[0].getMessage()


def test_the_api_speaks_english_to_who_asks_in_english():
    with database_away():
        response = APIClient().post(
            reverse("auth-token"),
            {"email": "a@example.org", "password": "x"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 503
    assert "database" in response.json()["detail"]


def test_web_pages_show_the_friendly_page():
    person = UserFactory(email="anna@example.org")
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(person)

    with database_away():
        answers = {
            "search": signed_in.get("/?q=Werkzeug"),
            "sign-in": Client(raise_request_exception=False).post(
                "/anmelden/", {"email": person.email, "password": PASSWORD}
            ),
            "signed in": signed_in.get("/buchungen/"),
            # the visitors' start page lists the latest offers, so it needs the database too
            "visitor's start page": Client(raise_request_exception=False).get("/"),
        }

    for name, response in answers.items():
        assert response.status_code == 503, name
        assert int(response["Retry-After"]) > 0
        page = response.content.decode()
        assert "Kiezmarkt ist gleich wieder da." in page, name
        assert "Kiezmarkt will be back in a moment." in page
        assert "Traceback" not in page


def test_health_names_the_database_while_it_is_away():
    with database_away():
        response = Client().get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error:")


def test_the_api_works_again_once_the_database_is_back():
    signed_in = APIClient()
    signed_in.force_authenticate(UserFactory())
    with database_away():
        away = signed_in.get("/api/v1/listings/")

    back = signed_in.get("/api/v1/listings/")

    assert (away.status_code, back.status_code) == (503, 200)


def test_an_outage_met_outside_a_view_is_a_503_too():
    # Given an error the database raised (a middleware saving the session, say)
    request = RequestFactory().get("/api/v1/bookings/")
    with database_away():
        try:
            connections["default"].ensure_connection()
        except OperationalError as error:
            assert is_database_unavailable(error)
            # When Django's handler for uncaught errors answers it
            response = server_error(request)

    # Then it is the 503, not the 500 page
    assert response.status_code == 503
    assert response["Retry-After"]


def test_other_database_errors_stay_errors():
    # A wrong query is a bug to be seen, not an outage to wait out
    with pytest.raises(Exception) as wrong, connections["default"].cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM no_such_table")

    assert not is_database_unavailable(wrong.value)

"""/api/v1/notifications/: my in-app list, marking read, my preferences."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.kinds import KINDS
from notifications.models import Notification, NotificationOptOut
from tests.factories import CompanyFactory, UserFactory

from .factories import NotificationFactory, OptOutFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
READ_ALL = "/api/v1/notifications/read-all/"
PREFERENCES = "/api/v1/notifications/preferences/"


def read_url(notification_id) -> str:
    return f"/api/v1/notifications/{notification_id}/read/"


def _context(**extra):
    return {
        "provider_name": "Kiezfirma",
        "requester_name": "Kita Wassertor",
        "title": "Tische",
        **extra,
    }


@pytest.fixture
def person():
    return UserFactory(language="de")


@pytest.fixture
def client(client_for, person):
    return client_for(person)


def _at(row, *, minutes_ago, read=False):
    now = timezone.now()
    Notification.objects.filter(pk=row.pk).update(
        created_at=now - timedelta(minutes=minutes_ago),
        read_at=now if read else None,
    )
    return row


# --- list -------------------------------------------------------------------------------------


def test_my_list_shows_unread_first_then_newest(test_kinds, client, person):
    kwargs = {"recipient": person, "kind": "test_required", "context": _context()}
    old_unread = _at(NotificationFactory(**kwargs), minutes_ago=30)
    new_read = _at(NotificationFactory(**kwargs), minutes_ago=1, read=True)
    new_unread = _at(NotificationFactory(**kwargs), minutes_ago=5)
    old_read = _at(NotificationFactory(**kwargs), minutes_ago=60, read=True)

    response = client.get(LIST)

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [
        new_unread.pk,
        old_unread.pk,
        new_read.pk,
        old_read.pk,
    ]


def test_an_item_has_its_title_link_and_organisation(test_kinds, client, person):
    company = CompanyFactory(name="Kiezfirma GmbH")
    row = NotificationFactory(
        recipient=person,
        kind="test_required",
        organisation=company,
        context=_context(url="http://127.0.0.1:8000/buchungen/7/"),
    )

    [item] = client.get(LIST).json()["results"]

    assert item == {
        "id": row.pk,
        "kind": "test_required",
        "title": "Kiezfirma an Kita Wassertor: Tische",
        "url": "http://127.0.0.1:8000/buchungen/7/",
        "organisation": {"id": company.pk, "name": "Kiezfirma GmbH"},
        "created_at": item["created_at"],
        "read_at": None,
        "is_read": False,
    }


def test_kinds_without_templates_are_listed_with_their_description(client, person):
    NotificationFactory(recipient=person, kind="organisation_approved")
    # organisation_approved has its templates from the organisations work; pretend it had none.
    from notifications.kinds import KINDS, Kind

    KINDS["test_untemplated"] = Kind("test_untemplated", "Etwas ist passiert", "jemand")
    try:
        NotificationFactory(recipient=person, kind="test_untemplated")
        titles = [item["title"] for item in client.get(LIST).json()["results"]]
    finally:
        del KINDS["test_untemplated"]

    assert "Etwas ist passiert" in titles


def test_account_emails_and_other_peoples_notifications_are_not_listed(test_kinds, client, person):
    mine = NotificationFactory(recipient=person, kind="test_required", context=_context())
    NotificationFactory(recipient=person, kind="account_verify_email")
    NotificationFactory(recipient=person, kind="test_receipt", context=_context())
    NotificationFactory(kind="test_required", context=_context())  # someone else's

    response = client.get(LIST)

    assert [item["id"] for item in response.json()["results"]] == [mine.pk]


@pytest.mark.parametrize("page_size", [1, 100])
def test_the_list_runs_a_constant_number_of_queries(
    test_kinds, client, person, page_size, django_assert_max_num_queries
):
    companies = CompanyFactory.create_batch(3)
    for i in range(120):
        NotificationFactory(
            recipient=person,
            kind="test_required",
            organisation=companies[i % 3],
            context=_context(url=f"http://127.0.0.1:8000/x/{i}/"),
        )

    with django_assert_max_num_queries(6):
        response = client.get(LIST, {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    assert (response.json()["next"] is None) == (page_size >= 120)  # no count: keyset pages


def test_signed_out_people_get_401(api_client):
    assert api_client.get(LIST).status_code == 401
    assert api_client.post(READ_ALL).status_code == 401
    assert api_client.get(PREFERENCES).status_code == 401


# --- marking read ----------------------------------------------------------------------------


def test_marking_one_read_keeps_the_first_read_time(test_kinds, client, person):
    row = NotificationFactory(recipient=person, kind="test_required", context=_context())

    first = client.post(read_url(row.pk))
    second = client.post(read_url(row.pk))

    assert first.status_code == second.status_code == 200
    assert first.json()["is_read"] is True
    assert first.json()["read_at"] is not None
    assert second.json()["read_at"] == first.json()["read_at"]
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize("whose", ["someone else's", "account e-mail", "missing", "huge id"])
def test_notifications_i_may_not_see_are_404_and_unchanged(test_kinds, client, person, whose):
    if whose == "someone else's":
        row = NotificationFactory(kind="test_required", context=_context())
        target = row.pk
    elif whose == "account e-mail":
        row = NotificationFactory(recipient=person, kind="account_verify_email")
        target = row.pk
    else:
        row = None
        target = 987654 if whose == "missing" else 10**30

    response = client.post(read_url(target))

    assert response.status_code == 404
    assert "detail" in response.json()
    if row is not None:
        row.refresh_from_db()
        assert row.read_at is None


@pytest.mark.parametrize(
    "body, content_type",
    [
        ('{"read": true}', "application/json"),
        ('{"read": ', "application/json"),
        ('"\\u0000"', "application/json"),
    ],
)
def test_marking_read_refuses_a_body(test_kinds, client, person, body, content_type):
    row = NotificationFactory(recipient=person, kind="test_required", context=_context())

    response = client.post(read_url(row.pk), body, content_type=content_type)

    assert response.status_code == 400
    row.refresh_from_db()
    assert row.read_at is None


def test_read_all_marks_only_my_unread_in_app_notifications(test_kinds, client, person):
    mine = NotificationFactory.create_batch(
        2, recipient=person, kind="test_required", context=_context()
    )
    already = _at(
        NotificationFactory(recipient=person, kind="test_required", context=_context()),
        minutes_ago=1,
        read=True,
    )
    account_mail = NotificationFactory(recipient=person, kind="account_verify_email")
    someone_elses = NotificationFactory(kind="test_required", context=_context())

    response = client.post(READ_ALL)

    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert all(Notification.objects.get(pk=row.pk).read_at is not None for row in [*mine, already])
    assert Notification.objects.get(pk=account_mail.pk).read_at is None
    assert Notification.objects.get(pk=someone_elses.pk).read_at is None


# --- preferences -------------------------------------------------------------------------------


def _preference(response, kind="test_optional") -> dict:
    [entry] = [item for item in response.json()["kinds"] if item["kind"] == kind]
    return entry


def test_preferences_list_every_optional_kind(test_kinds, client):
    response = client.get(PREFERENCES)

    assert response.status_code == 200
    assert [item["kind"] for item in response.json()["kinds"]] == [
        kind.name for kind in KINDS.values() if kind.optional
    ]
    assert _preference(response) == {
        "kind": "test_optional",
        "description": "Eine Antwort auf eine Anfrage",
        "recipients": "die Mitglieder der anfragenden Organisation",
        "enabled": True,
    }


def test_switching_a_kind_off_and_on_again(test_kinds, client, person):
    off = client.put(
        PREFERENCES, {"kinds": [{"kind": "test_optional", "enabled": False}]}, format="json"
    )

    assert off.status_code == 200
    assert _preference(off)["enabled"] is False
    assert NotificationOptOut.objects.filter(user=person, kind="test_optional").exists()
    assert _preference(client.get(PREFERENCES))["enabled"] is False
    # Kinds not named stay as they were.
    assert all(item["enabled"] for item in off.json()["kinds"] if item["kind"] != "test_optional")

    on = client.put(
        PREFERENCES, {"kinds": [{"kind": "test_optional", "enabled": True}]}, format="json"
    )

    assert _preference(on)["enabled"] is True
    assert not NotificationOptOut.objects.filter(user=person).exists()


def test_an_empty_change_changes_nothing(test_kinds, client, person):
    OptOutFactory(user=person, kind="test_optional")

    response = client.put(PREFERENCES, {"kinds": []}, format="json")

    assert response.status_code == 200
    assert _preference(response)["enabled"] is False


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kinds": [{"kind": "no_such_kind", "enabled": False}]}, "kinds"),
        ({"kinds": [{"kind": "test_required", "enabled": False}]}, "kinds"),
        ({"kinds": [{"kind": "test_optional", "enabled": "no"}]}, "kinds"),
        ({"kinds": [{"kind": "test_optional", "enabled": 0}]}, "kinds"),
        ({"kinds": [{"kind": "test_optional"}]}, "kinds"),
        ({"kinds": [{"kind": "test_optional\x00", "enabled": False}]}, "kinds"),
        ({"kinds": [{"kind": "test_optional", "enabled": False, "mail": True}]}, "kinds"),
        ({"kinds": [{"kind": "x" * 10_000, "enabled": False}]}, "kinds"),
        ({"kinds": [{"kind": 12345678901234567890, "enabled": False}]}, "kinds"),
        (
            {"kinds": [{"kind": "test_optional", "enabled": False}] * 2},
            "kinds",
        ),
        ({"kinds": [{"kind": "test_optional", "enabled": False}] * 201}, "kinds"),
        ({"kinds": {"test_optional": False}}, "kinds"),
        ({"test_optional": False}, "test_optional"),
        ({}, "kinds"),
        ([{"kind": "test_optional", "enabled": False}], "non_field_errors"),
    ],
)
def test_bad_preferences_are_400_and_change_nothing(test_kinds, client, person, body, field):
    response = client.put(PREFERENCES, body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not NotificationOptOut.objects.filter(user=person).exists()


def test_malformed_json_is_400(test_kinds, client, person):
    response = client.put(PREFERENCES, '{"kinds": [', content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not NotificationOptOut.objects.exists()


def test_the_list_pages_unread_first_forward_and_back(test_kinds, client, person):
    rows = [
        NotificationFactory(recipient=person, kind="test_required", context=_context())
        for _ in range(5)
    ]
    for row in rows[:2]:
        Notification.objects.filter(pk=row.pk).update(read_at=timezone.now())
    everything = [item["id"] for item in client.get(LIST, {"page_size": 100}).json()["results"]]

    seen, url, pages = [], f"{LIST}?page_size=2", []
    while url:
        page = client.get(url).json()
        pages.append(page)
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    back = client.get(pages[2]["previous"]).json()

    assert seen == everything and set(everything[3:]) == {rows[0].pk, rows[1].pk}
    assert back["results"] == pages[1]["results"]

"""The one-click unsubscribe link from an e-mail: GET asks, POST switches the kind off."""

import pytest
from django.core import mail

from marketplace.models import Role
from notifications import tokens
from notifications.models import NotificationOptOut
from notifications.services import notify
from tests.factories import SocialOrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def _path(user, kind="test_optional") -> str:
    url = tokens.unsubscribe_url(tokens.unsubscribe_token(user_id=user.pk, kind=kind))
    return url.removeprefix("http://127.0.0.1:8000")


def test_opening_the_link_asks_and_changes_nothing(test_kinds, client):
    person = UserFactory(email="ada@example.org")

    response = client.get(_path(person))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Soll ada@example.org keine E-Mails mehr zu „Eine Antwort auf eine Anfrage“" in page
    assert '<form method="post">' in page
    assert not NotificationOptOut.objects.exists()


def test_the_page_speaks_the_persons_language(test_kinds, client):
    person = UserFactory(email="grace@example.org", language="en")

    page = client.get(_path(person)).content.decode()

    assert '<html lang="en">' in page
    assert "Should grace@example.org stop receiving e-mails" in page


def test_one_click_post_switches_the_kind_off_for_that_person_only(
    test_kinds, django_capture_on_commit_callbacks
):
    from django.test import Client

    organisation = SocialOrganisationFactory()
    leaving, staying = member_of(organisation), member_of(organisation)
    # Mail clients POST without a CSRF token (RFC 8058).
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        _path(leaving),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "Erledigt" in response.content.decode()
    assert list(NotificationOptOut.objects.values_list("user", "kind")) == [
        (leaving.pk, "test_optional")
    ]
    # The next notification of that kind reaches only the other member.
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="test_optional",
            recipients=[leaving, staying],
            organisation=organisation,
            context={"provider_name": "A", "requester_name": "B", "title": "C"},
            event_key="event:2",
        )
    assert [m.to for m in mail.outbox] == [[staying.email]]


def test_unsubscribing_twice_is_harmless(test_kinds, client):
    person = UserFactory()

    responses = [client.post(_path(person)) for _ in range(2)]

    assert [r.status_code for r in responses] == [200, 200]
    assert NotificationOptOut.objects.filter(user=person).count() == 1


def test_an_admin_who_unsubscribes_still_gets_the_organisations_notifications(
    test_kinds, client, django_capture_on_commit_callbacks
):
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    client.post(_path(admin))

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="test_optional",
            recipients=[admin],
            organisation=organisation,
            context={"provider_name": "A", "requester_name": "B", "title": "C"},
            event_key="event:3",
        )

    assert [m.to for m in mail.outbox] == [[admin.email]]


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "eyJ1IjoxLCJrIjoidGVzdF9vcHRpb25hbCJ9:1abc:forged",
        "\x00",
        "x" * 5000,
    ],
)
def test_a_forged_or_broken_link_is_404_and_changes_nothing(test_kinds, client, token):
    UserFactory()

    for method in (client.get, client.post):
        response = method(f"/benachrichtigungen/abbestellen/{token}/")
        assert response.status_code == 404
    assert not NotificationOptOut.objects.exists()


def test_a_link_for_a_deleted_person_is_404(test_kinds, client):
    person = UserFactory()
    path = _path(person)
    person.delete()

    assert client.post(path).status_code == 404


def test_a_link_for_a_kind_that_cannot_be_switched_off_is_400(test_kinds, client):
    person = UserFactory()

    response = client.post(_path(person, kind="test_required"))

    assert response.status_code == 400
    assert "kann nicht abbestellt werden" in response.content.decode()
    assert not NotificationOptOut.objects.exists()


def test_other_methods_are_refused(test_kinds, client):
    assert client.put(_path(UserFactory())).status_code == 405

"""/admin/ and the law: the coordinator deletes no organisations, people, bookings, donations or
receipts; the sign-in lockout records are for superusers only; the legal texts are edited there
as new versions, and consents can be looked up."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.test import Client

from marketplace.coordinators import coordinators_group_sync
from marketplace.models import (
    COORDINATORS_GROUP,
    LegalText,
    LegalTextKind,
    Organisation,
    PrivacyConsent,
    User,
)
from marketplace.selectors import legal_text_current
from tests.factories import CompanyFactory, CoordinatorFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def superuser():
    return User.objects.create_superuser(
        email="chefin@example.org", password="x-Passwort-2026", full_name="Chefin"
    )


PROTECTED = [
    ("marketplace", "organisation"),
    ("marketplace", "user"),
    ("bookings", "booking"),
    ("donations", "donation"),
    ("donations", "receipt"),
]


@pytest.mark.parametrize(("app", "model"), PROTECTED)
def test_the_coordinators_group_has_no_delete_permission_for_records_the_law_keeps(
    coordinator, app, model
):
    coordinators_group_sync()

    assert not coordinator.has_perm(f"{app}.delete_{model}")
    assert coordinator.has_perm(f"{app}.view_{model}")
    assert (
        not Group.objects.get(name=COORDINATORS_GROUP)
        .permissions.filter(content_type__app_label=app, codename=f"delete_{model}")
        .exists()
    )


def test_the_coordinators_group_keeps_its_other_permissions(coordinator):
    coordinators_group_sync()

    assert coordinator.has_perm("marketplace.change_organisation")
    assert coordinator.has_perm("listings.delete_category")
    assert not coordinator.has_perm("axes.view_accessattempt")
    assert not coordinator.has_perm("axes.delete_accessattempt")


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_nobody_deletes_an_organisation_or_a_person_in_the_admin(request, who):
    client = _signed_in(request.getfixturevalue(who))
    organisation = CompanyFactory(name="Kiezfirma Wassertor GmbH")
    person = member_of(organisation, email="ada@example.org")

    pages = {
        "organisation": client.get(f"/admin/marketplace/organisation/{organisation.pk}/delete/"),
        "person": client.get(f"/admin/marketplace/user/{person.pk}/delete/"),
        "organisation (POST)": client.post(
            f"/admin/marketplace/organisation/{organisation.pk}/delete/", {"post": "yes"}
        ),
        "person (POST)": client.post(
            f"/admin/marketplace/user/{person.pk}/delete/", {"post": "yes"}
        ),
    }
    bulk = client.post(
        "/admin/marketplace/organisation/",
        {"action": "delete_selected", "_selected_action": [organisation.pk], "post": "yes"},
    )
    changelist = client.get("/admin/marketplace/organisation/")

    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 403)
    assert bulk.status_code in (200, 302)
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert User.objects.filter(pk=person.pk).exists()
    assert changelist.status_code == 200
    assert 'value="delete_selected"' not in changelist.content.decode()
    assert 'value="approve"' in changelist.content.decode()


@pytest.mark.parametrize(
    "url", ["/admin/bookings/booking/", "/admin/donations/donation/", "/admin/donations/receipt/"]
)
def test_the_coordinator_has_no_delete_action_on_bookings_donations_or_receipts(coordinator, url):
    response = _signed_in(coordinator).get(url)

    assert response.status_code == 200
    assert 'value="delete_selected"' not in response.content.decode()


def test_sign_in_lockouts_are_for_superusers_only(coordinator, superuser):
    attempt = AccessAttempt.objects.create(
        username="ada@example.org",
        ip_address="203.0.113.7",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/anmelden/",
        failures_since_start=5,
    )
    as_coordinator, as_superuser = _signed_in(coordinator), _signed_in(superuser)

    coordinator_index = as_coordinator.get("/admin/").content.decode()
    superuser_index = as_superuser.get("/admin/").content.decode()

    assert "/admin/axes/" not in coordinator_index
    assert "/admin/axes/accessattempt/" in superuser_index
    for path in (
        "/admin/axes/accessattempt/",
        f"/admin/axes/accessattempt/{attempt.pk}/change/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
    ):
        assert as_coordinator.get(path).status_code == 403, path
    assert (
        as_coordinator.post(
            f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    listing = as_superuser.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "203.0.113.7" in listing.content.decode()


def test_even_a_coordinator_given_the_axes_permissions_does_not_see_lockouts(coordinator):
    coordinator.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="axes", codename__startswith="view_")
    )

    assert _signed_in(coordinator).get("/admin/axes/accessattempt/").status_code == 403


def test_the_coordinator_saves_a_new_privacy_notice_version_in_the_admin(coordinator):
    client = _signed_in(coordinator)

    form = client.get("/admin/marketplace/legaltext/add/?kind=privacy")
    saved = client.post(
        "/admin/marketplace/legaltext/add/",
        {"kind": "privacy", "body_de": "## Neu\n\nNeuer Text.", "body_en": ""},
    )

    assert form.status_code == 200
    # The form starts from the text in force.
    assert "Wer ist verantwortlich?" in form.content.decode()
    assert saved.status_code == 302, saved.content.decode()[:2000]
    current = legal_text_current(LegalTextKind.PRIVACY)
    assert (current.version, current.body_de, current.created_by) == (
        2,
        "## Neu\n\nNeuer Text.",
        coordinator,
    )
    assert LegalText.objects.filter(kind=LegalTextKind.PRIVACY, version=1).exists()


def test_a_refused_text_shows_its_error_in_the_admin_form(coordinator):
    response = _signed_in(coordinator).post(
        "/admin/marketplace/legaltext/add/", {"kind": "imprint", "body_de": "Text\x07"}
    )

    assert response.status_code == 200
    assert "Steuerzeichen" in response.content.decode()
    assert legal_text_current(LegalTextKind.IMPRINT).version == 1


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_versions_are_never_changed_or_deleted_in_the_admin(request, who):
    client = _signed_in(request.getfixturevalue(who))
    version = legal_text_current(LegalTextKind.PRIVACY)

    page = client.get(f"/admin/marketplace/legaltext/{version.pk}/change/")
    changed = client.post(
        f"/admin/marketplace/legaltext/{version.pk}/change/",
        {"kind": "privacy", "body_de": "Heimlich geändert."},
    )
    deleted = client.post(f"/admin/marketplace/legaltext/{version.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200  # to read
    assert changed.status_code == 403
    assert deleted.status_code == 403
    version.refresh_from_db()
    assert version.body_de != "Heimlich geändert."


def test_the_coordinator_looks_up_who_accepted_which_version(coordinator):
    person = UserFactory(email="ada@example.org")
    PrivacyConsent.objects.create(user=person, notice=legal_text_current(LegalTextKind.PRIVACY))

    listing = _signed_in(coordinator).get(
        "/admin/marketplace/privacyconsent/", {"q": "ada@example.org"}
    )

    assert listing.status_code == 200
    assert "ada@example.org" in listing.content.decode()
    assert "Fassung 1" in listing.content.decode()

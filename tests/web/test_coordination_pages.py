"""The coordinator's pages: approve or reject waiting organisations, suspend and reinstate."""

import pytest
from django.core import mail

from marketplace.models import OrganisationStatus, Role
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    SocialOrganisationFactory,
    UserFactory,
    member_of,
)
from tests.marketplace.organisations_support import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def send(client, path, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return send


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def waiting():
    organisation = SocialOrganisationFactory(
        name="Kinderladen Sonnenblume e.V.", status=OrganisationStatus.PENDING
    )
    member_of(organisation, Role.ADMIN, email="sophie@example.org")
    return organisation


def test_overview_lists_waiting_organisations_and_the_network(signed_in, coordinator, waiting):
    CompanyFactory(name="Kanalblick IT")

    response = signed_in(coordinator).get("/koordination/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kinderladen Sonnenblume e.V." in html
    assert "Kanalblick IT" in html
    assert f"/koordination/organisationen/{waiting.pk}/freigeben/" in html


def test_coordinator_approves_and_the_admins_are_told(signed_in, submit, coordinator, waiting):
    response = submit(
        signed_in(coordinator), f"/koordination/organisationen/{waiting.pk}/freigeben/"
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == OrganisationStatus.APPROVED
    assert [m.to for m in mail.outbox] == [["sophie@example.org"]]


def test_rejecting_needs_a_reason_shown_at_the_field(signed_in, submit, coordinator, waiting):
    before = snapshot()

    response = submit(
        signed_in(coordinator), f"/koordination/organisationen/{waiting.pk}/ablehnen/", {}
    )

    assert response.status_code == 400
    assert f'id="reject-{waiting.pk}-reason_error"' in response.content.decode()
    assert snapshot() == before


def test_coordinator_rejects_with_a_reason(signed_in, submit, coordinator, waiting):
    response = submit(
        signed_in(coordinator),
        f"/koordination/organisationen/{waiting.pk}/ablehnen/",
        {"reason": "Bitte zuerst die Satzung schicken."},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == OrganisationStatus.REJECTED
    assert waiting.status_reason == "Bitte zuerst die Satzung schicken."
    assert len(mail.outbox) == 1


def test_approving_twice_is_refused_with_the_message(signed_in, submit, coordinator, waiting):
    client = signed_in(coordinator)
    submit(client, f"/koordination/organisationen/{waiting.pk}/freigeben/")

    response = client.post(f"/koordination/organisationen/{waiting.pk}/freigeben/", follow=True)

    assert "kann nicht" in response.content.decode()
    assert len(mail.outbox) == 1


def test_suspend_and_reinstate(signed_in, submit, coordinator):
    company = CompanyFactory()
    client = signed_in(coordinator)

    submit(client, f"/koordination/organisationen/{company.pk}/sperren/", {"reason": "Spam"})
    company.refresh_from_db()
    assert company.status == OrganisationStatus.SUSPENDED

    submit(client, f"/koordination/organisationen/{company.pk}/freigeben/", {"reason": ""})
    company.refresh_from_db()
    assert company.status == OrganisationStatus.APPROVED


def test_bad_reason_input_changes_nothing(signed_in, submit, coordinator, waiting):
    before = snapshot()

    for reason in ("Nein\x00", "x" * 5000):
        response = submit(
            signed_in(coordinator),
            f"/koordination/organisationen/{waiting.pk}/ablehnen/",
            {"reason": reason},
        )
        assert response.status_code == 400

    assert snapshot() == before


@pytest.mark.parametrize("who", ["outsider", "org-admin"])
def test_only_the_coordinator_sees_and_acts(signed_in, submit, waiting, who):
    user = UserFactory() if who == "outsider" else waiting.memberships.get().user
    client = signed_in(user)
    before = snapshot()

    assert client.get("/koordination/").status_code == 404
    response = submit(client, f"/koordination/organisationen/{waiting.pk}/freigeben/")

    assert response.status_code == 404
    assert snapshot() == before


def test_unknown_organisation_is_404(signed_in, coordinator):
    assert (
        signed_in(coordinator).post("/koordination/organisationen/99999/freigeben/").status_code
        == 404
    )

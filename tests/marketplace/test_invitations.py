"""Inviting people by e-mail: the link, who may accept, expiry, revocation and re-inviting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.models import Invitation, Membership, OrganisationStatus, Role
from marketplace.tokens import invitation_token
from notifications.models import Notification
from tests.factories import (
    CoordinatorFactory,
    SocialOrganisationFactory,
    UserFactory,
    member_of,
)

from .organisations_support import API, org_url, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return SocialOrganisationFactory(name="Mehrgenerationenhaus Wassertor")


@pytest.fixture
def admin(organisation):
    return member_of(organisation, Role.ADMIN, full_name="Petra Schulz")


def _invite(client, organisation, email, role="member"):
    return client.post(
        org_url(organisation, "invitations/"), {"email": email, "role": role}, format="json"
    )


def _accept(client, invitation):
    return client.post(
        f"{API}/invitations/{invitation_token(invitation)}/accept/", {}, format="json"
    )


def _expire(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )


def test_inviting_an_address_without_account_sends_an_expiring_link(
    organisation, admin, client_for, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.SITE_URL = "https://kiezmarkt.example"
    settings.INVITATION_MAX_AGE = timedelta(days=14)

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(admin), organisation, "Neu.Mitglied@Example.org")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "neu.mitglied@example.org"
    assert body["state"] == "open"
    assert "token" not in body
    invitation = Invitation.objects.get()
    assert invitation.invited_by == admin
    expected_expiry = timezone.now() + timedelta(days=14)
    assert abs(invitation.expires_at - expected_expiry) < timedelta(minutes=1)
    (message,) = mailoutbox
    assert message.to == ["neu.mitglied@example.org"]
    assert "Mehrgenerationenhaus Wassertor" in message.subject
    assert f"https://kiezmarkt.example/einladung/{invitation_token(invitation)}/" in message.body
    assert "Petra Schulz" in message.body
    assert timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y") in message.body
    notification = Notification.objects.get(kind="invitation")
    assert notification.recipient is None


def test_an_invitee_who_has_an_account_is_told_in_their_language(
    organisation, admin, client_for, django_capture_on_commit_callbacks
):
    invitee = UserFactory(email="kemal@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(admin), organisation, "KEMAL@example.org")

    notification = Notification.objects.get(kind="invitation")
    assert notification.recipient == invitee
    assert notification.language == "en"


def test_the_invitee_accepts_and_becomes_a_member_with_the_invited_role(
    organisation, admin, client_for
):
    _invite(client_for(admin), organisation, "neu@example.org", role="admin")
    invitation = Invitation.objects.get()
    invitee = UserFactory(email="NEU@example.org")  # the address's case does not matter

    shown = client_for(invitee).get(f"{API}/invitations/{invitation_token(invitation)}/")
    response = _accept(client_for(invitee), invitation)

    assert shown.status_code == 200
    assert shown.json()["organisation"]["name"] == "Mehrgenerationenhaus Wassertor"
    assert shown.json()["state"] == "open"
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "admin"
    assert response.json()["organisation"]["id"] == organisation.pk
    membership = Membership.objects.get(user=invitee, organisation=organisation)
    assert membership.role == Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    assert invitation.state == "accepted"
    assert client_for(invitee).get(org_url(organisation, "members/")).status_code == 200


def test_a_used_invitation_cannot_be_used_again(organisation, admin, client_for):
    _invite(client_for(admin), organisation, "neu@example.org")
    invitation = Invitation.objects.get()
    invitee = UserFactory(email="neu@example.org")
    _accept(client_for(invitee), invitation)
    Membership.objects.filter(user=invitee).delete()  # left again
    before = snapshot()

    response = _accept(client_for(invitee), invitation)

    assert response.status_code == 409
    assert response.json()["code"] == "invitation_used"
    assert snapshot() == before


def test_someone_else_cannot_accept_a_forwarded_link(organisation, admin, client_for):
    _invite(client_for(admin), organisation, "neu@example.org")
    invitation = Invitation.objects.get()
    before = snapshot()

    response = _accept(client_for(UserFactory(email="jemand@example.org")), invitation)

    assert response.status_code == 403
    assert "andere E-Mail-Adresse" in response.json()["detail"]
    assert snapshot() == before


def test_an_invitation_works_until_it_expires(organisation, admin, client_for):
    _invite(client_for(admin), organisation, "neu@example.org")
    invitation = Invitation.objects.get()
    invitee = UserFactory(email="neu@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(minutes=1)
    )

    assert _accept(client_for(invitee), invitation).status_code == 201


def test_an_expired_invitation_is_refused(organisation, admin, client_for):
    _invite(client_for(admin), organisation, "neu@example.org")
    invitation = Invitation.objects.get()
    _expire(invitation)
    before = snapshot()

    response = _accept(client_for(UserFactory(email="neu@example.org")), invitation)

    assert response.status_code == 409
    assert response.json()["code"] == "invitation_expired"
    assert "abgelaufen" in response.json()["detail"]
    assert snapshot() == before


def test_a_revoked_invitation_is_refused(organisation, admin, client_for):
    _invite(client_for(admin), organisation, "neu@example.org")
    invitation = Invitation.objects.get()

    revoked = client_for(admin).delete(org_url(organisation, f"invitations/{invitation.pk}/"))
    revoked_again = client_for(admin).delete(org_url(organisation, f"invitations/{invitation.pk}/"))
    accepted = _accept(client_for(UserFactory(email="neu@example.org")), invitation)

    assert revoked.status_code == 204
    assert revoked_again.status_code == 409
    assert accepted.status_code == 409
    assert accepted.json()["code"] == "invitation_revoked"
    assert not Membership.objects.filter(user__email="neu@example.org").exists()


def test_an_accepted_invitation_cannot_be_revoked(organisation, admin, client_for):
    _invite(client_for(admin), organisation, "neu@example.org")
    invitation = Invitation.objects.get()
    _accept(client_for(UserFactory(email="neu@example.org")), invitation)

    response = client_for(admin).delete(org_url(organisation, f"invitations/{invitation.pk}/"))

    assert response.status_code == 409
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_re_inviting_after_expiry_replaces_the_old_invitation(
    organisation, admin, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    _invite(client_for(admin), organisation, "neu@example.org")
    old = Invitation.objects.get()
    _expire(old)

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(admin), organisation, "Neu@example.org")

    assert response.status_code == 201, response.content
    old.refresh_from_db()
    assert old.state == "revoked"
    new = Invitation.objects.get(pk=response.json()["id"])
    assert new.state == "open"
    assert invitation_token(new) != invitation_token(old)
    assert [m.to for m in mailoutbox] == [["neu@example.org"]]
    assert invitation_token(new) in mailoutbox[0].body
    invitee = UserFactory(email="neu@example.org")
    assert _accept(client_for(invitee), old).status_code == 409
    assert _accept(client_for(invitee), new).status_code == 201


def test_re_inviting_while_an_invitation_is_open_is_a_conflict(
    organisation, admin, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    _invite(client_for(admin), organisation, "neu@example.org")
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(admin), organisation, "NEU@example.org")

    assert response.status_code == 409
    assert response.json()["code"] == "invitation_open"
    assert snapshot() == before
    assert mailoutbox == []


def test_inviting_a_member_is_a_conflict(organisation, admin, client_for):
    member_of(organisation, email="dabei@example.org")
    before = snapshot()

    response = _invite(client_for(admin), organisation, "Dabei@Example.org")

    assert response.status_code == 409
    assert response.json()["code"] == "already_member"
    assert snapshot() == before


def test_an_admin_of_a_pending_organisation_may_invite(client_for):
    pending = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    admin = member_of(pending, Role.ADMIN)

    assert _invite(client_for(admin), pending, "kollegin@example.org").status_code == 201


@pytest.mark.parametrize("status", [OrganisationStatus.SUSPENDED, OrganisationStatus.REJECTED])
def test_closed_organisations_neither_invite_nor_admit(organisation, admin, client_for, status):
    _invite(client_for(admin), organisation, "neu@example.org")
    invitation = Invitation.objects.get()
    organisation.status = status
    organisation.save()
    before = snapshot()

    invited = _invite(client_for(admin), organisation, "noch-wer@example.org")
    accepted = _accept(client_for(UserFactory(email="neu@example.org")), invitation)

    assert invited.status_code == 409
    assert accepted.status_code == 409
    assert accepted.json()["code"] == "organisation_closed"
    assert snapshot() == before


def test_admins_see_every_invitation_with_its_state(organisation, admin, client_for):
    client = client_for(admin)
    for email in ("offen@example.org", "alt@example.org", "weg@example.org", "da@example.org"):
        _invite(client, organisation, email)
    invitations = {i.email: i for i in Invitation.objects.all()}
    _expire(invitations["alt@example.org"])
    client.delete(org_url(organisation, f"invitations/{invitations['weg@example.org'].pk}/"))
    _accept(client_for(UserFactory(email="da@example.org")), invitations["da@example.org"])

    response = client.get(org_url(organisation, "invitations/"))

    assert response.status_code == 200
    states = {row["email"]: row["state"] for row in response.json()["results"]}
    assert states == {
        "offen@example.org": "open",
        "alt@example.org": "expired",
        "weg@example.org": "revoked",
        "da@example.org": "accepted",
    }
    assert all("token" not in row for row in response.json()["results"])
    assert response.json()["results"][0]["invited_by_name"] == "Petra Schulz"


def test_the_coordinator_may_invite_into_any_organisation(organisation, client_for):
    response = _invite(client_for(CoordinatorFactory()), organisation, "hilfe@example.org")

    assert response.status_code == 201
    assert Invitation.objects.get().email == "hilfe@example.org"

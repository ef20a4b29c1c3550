"""The foundation from end to end, as people do it, through the public API only:

sign up → verification e-mail → verify → sign in → apply for an organisation → the coordinator
approves → an admin invites a second person → they sign up, accept and become members.
"""

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tests.factories import CoordinatorFactory

# Transactional, so e-mails are queued on commit exactly as in production.
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Wassertor-Kiez-2026!"


def _link_in_last_mail(to: str, pattern: str) -> re.Match:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    match = re.search(pattern, message.body)
    assert match, f"no link matching {pattern!r} in:\n{message.body}"
    return match


def _sign_up_and_verify(email: str, full_name: str) -> APIClient:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/register/",
        {
            "email": email,
            "password": PASSWORD,
            "full_name": full_name,
            "language": "de",
            "privacy_notice_accepted": True,
        },
    )
    assert response.status_code == 202, response.json()

    # Before verification no token is handed out.
    response = client.post("/api/v1/auth/token/", {"email": email, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"

    token = _link_in_last_mail(email, r"/konto/bestaetigen/([^/\s]+)/").group(1)
    assert client.post("/api/v1/auth/verify-email/", {"token": token}).status_code == 200

    response = client.post("/api/v1/auth/token/", {"email": email, "password": PASSWORD})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    return client


def test_from_sign_up_to_a_second_member_of_an_approved_organisation():
    coordinator = CoordinatorFactory(email="koordination@kiezmarkt.test")
    coordinator_client = APIClient()
    coordinator_client.force_authenticate(coordinator)

    # A social worker signs up and applies for her organisation.
    maria = _sign_up_and_verify("maria@wassertor.example", "Maria Yilmaz")
    assert maria.get("/api/v1/auth/me/").json()["full_name"] == "Maria Yilmaz"
    response = maria.post(
        "/api/v1/organisations/",
        {
            "kind": "social",
            "name": "Nachbarschaftstreff Wassertor e.V.",
            "description": "Offener Treff für alle Generationen.",
            "street": "Wassertorstraße 48",
            "postcode": "10969",
            "district": "Kreuzberg",
        },
    )
    assert response.status_code == 201, response.json()
    organisation = response.json()
    assert organisation["status"] == "pending"
    assert any("koordination@kiezmarkt.test" in m.to for m in mail.outbox)

    # Pending organisations cannot invite anyone yet; the coordinator approves.
    response = coordinator_client.post(f"/api/v1/organisations/{organisation['id']}/approve/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    assert any("maria@wassertor.example" in m.to for m in mail.outbox[-3:])

    # Maria, its admin, invites a colleague who has no account yet.
    response = maria.post(
        f"/api/v1/organisations/{organisation['id']}/invitations/",
        {"email": "jonas@wassertor.example", "role": "member"},
    )
    assert response.status_code == 201, response.json()
    invitation_token = _link_in_last_mail("jonas@wassertor.example", r"/einladung/([^/\s]+)/")[1]

    # Jonas signs up with the invited address and accepts.
    jonas = _sign_up_and_verify("jonas@wassertor.example", "Jonas Becker")
    response = jonas.post(f"/api/v1/invitations/{invitation_token}/accept/")
    assert response.status_code in (200, 201), response.json()

    members = maria.get(f"/api/v1/organisations/{organisation['id']}/members/").json()
    roles = {member["email"]: member["role"] for member in members["results"]}
    assert roles == {"maria@wassertor.example": "admin", "jonas@wassertor.example": "member"}

    # The invitation is used up: a second accept is refused and changes nothing.
    assert jonas.post(f"/api/v1/invitations/{invitation_token}/accept/").status_code == 409
    assert (
        len(maria.get(f"/api/v1/organisations/{organisation['id']}/members/").json()["results"])
        == 2
    )

"""The receipt end to end as in production: a real Celery worker (subprocess) on Redis sends
the e-mail with the PDF over SMTP (aiosmtpd in this process); PostgreSQL shared by both.
Skipped on the embedded SQLite run, with the reason, by the celery_worker fixture."""

import pytest
from rest_framework.test import APIClient

from donations.models import Receipt

from .support import days_ago, make_world

pytestmark = pytest.mark.celery_worker


def _client(user) -> APIClient:
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_confirmed_donations_receipt_arrives_over_smtp_as_pdf(celery_worker, smtp_server):
    world = make_world()
    recorded = _client(world.company_member).post(
        "/api/v1/donations/",
        {
            "kind": "money",
            "recipient": world.social.pk,
            "amount": "1322.50",
            "donated_on": str(days_ago(3)),
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.content
    smtp_server.wait_for(2)  # the social organisation's two members are asked to confirm

    confirmed = _client(world.social_member).post(
        f"/api/v1/donations/{recorded.json()['id']}/confirm/", {}, format="json"
    )

    assert confirmed.status_code == 200, confirmed.content
    receipt = Receipt.objects.get()
    received = smtp_server.wait_for(4)[2:]
    assert sorted(m.envelope_to[0] for m in received) == sorted(
        [world.company_admin.email, world.company_member.email]
    )
    for message in received:
        assert receipt.number in message.message["Subject"]
        [attachment] = [
            part
            for part in message.message.iter_attachments()
            if part.get_content_type() == "application/pdf"
        ]
        assert attachment.get_filename() == receipt.filename
        assert attachment.get_content() == bytes(receipt.pdf)

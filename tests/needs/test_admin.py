"""The coordinator looks at needs and proposals in /admin/, with their history."""

import pytest

from marketplace.coordinators import coordinators_group_sync
from needs import services
from tests.factories import CoordinatorFactory

from .support import need_of

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_needs_their_proposals_and_history(world, client):
    coordinators_group_sync()
    client.force_login(CoordinatorFactory())
    need = need_of(world)
    proposal = services.proposal_create(need=need, by=world.lender_member, message="Wir helfen.")

    listed = client.get("/admin/needs/need/")
    page = client.get(f"/admin/needs/need/{need.pk}/change/")
    proposals = client.get("/admin/needs/proposal/")
    one = client.get(f"/admin/needs/proposal/{proposal.pk}/change/")

    assert listed.status_code == page.status_code == proposals.status_code == one.status_code == 200
    assert need.title in listed.content.decode()
    assert world.lender.name in page.content.decode()
    assert "propose" in page.content.decode()  # the history

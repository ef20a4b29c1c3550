"""The needs of `manage.py seed_demo`: a published need with two open proposals (one with an
item), a fulfilled one, a flexible one and a draft; a second run creates nothing and nothing
is e-mailed."""

from io import StringIO

import pytest
from django.core.management import call_command

from needs.models import Need, Proposal
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_demo_has_needs_with_proposals_and_seeds_once():
    call_command("seed_demo", stdout=StringIO())

    projector = Need.objects.get(title="Beamer für unser Sommerfest")
    assert projector.status == "published"
    proposals = list(projector.proposals.order_by("id"))
    assert [p.status for p in proposals] == ["proposed", "proposed"]
    assert proposals[0].item is not None and proposals[1].item is None
    painted = Need.objects.get(title="Zehn Helfende zum Streichen des Familiencafés")
    assert painted.status == "fulfilled"
    assert painted.proposals.get().status == "accepted"
    assert Need.objects.get(title="Kuchenspenden für das Kiezfest").status == "draft"
    counts = (Need.objects.count(), Proposal.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (Need.objects.count(), Proposal.objects.count()) == counts
    assert not Notification.objects.filter(kind__startswith="need").exists()

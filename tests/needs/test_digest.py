"""The daily digest of fitting needs: at most one e-mail a day per person, only to people who
did not switch it off, only with needs that fit their company."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from needs import services
from notifications.models import NotificationOptOut
from tests.listings.factories import EquipmentFactory, VolunteerActionFactory

from .support import category, need_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(world):
    EquipmentFactory(organisation=world.lender, title="Beamer mit Leinwand", category=category())
    VolunteerActionFactory(
        organisation=world.helper,
        title="Wir streichen Räume",
        description="Malerarbeiten mit unserem Team",
        category=category("renovieren"),
    )


def _send(django_capture_on_commit_callbacks, now=None) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return services.needs_send_digests(now=now)


def _digests_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to and "Gesuch" in m.subject]


def test_one_digest_a_day_with_only_the_fitting_needs(
    world, offers, django_capture_on_commit_callbacks
):
    need_of(world, title="Beamer für das Sommerfest")
    need_of(
        world, title="Zehn Helfende zum Streichen", category="renovieren", help_kind="volunteers"
    )

    assert _send(django_capture_on_commit_callbacks) == 3  # two at the lender, one at the helper

    [lender_mail] = _digests_to(world.lender_member)
    assert "Beamer für das Sommerfest" in lender_mail.body
    assert "Streichen" not in lender_mail.body
    [helper_mail] = _digests_to(world.helper_member)
    assert "Zehn Helfende zum Streichen" in helper_mail.body
    assert "Beamer" not in helper_mail.body
    assert not _digests_to(world.teacher)  # the school's own people: not a company

    # A need published later the same day waits for tomorrow's digest.
    mail.outbox.clear()
    need_of(world, title="Leinwand für die Aula")
    assert _send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []

    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert _send(django_capture_on_commit_callbacks, now=tomorrow) == 2
    [next_day] = _digests_to(world.lender_member)
    assert "Leinwand für die Aula" in next_day.body
    assert "Sommerfest" not in next_day.body  # already in yesterday's


def test_people_who_switched_the_digest_off_get_none(
    world, offers, django_capture_on_commit_callbacks
):
    NotificationOptOut.objects.create(user=world.lender_admin, kind="needs_digest")
    need_of(world, title="Beamer für das Sommerfest")

    _send(django_capture_on_commit_callbacks)

    assert _digests_to(world.lender_member)
    assert not _digests_to(world.lender_admin)  # an admin too may switch it off


def test_no_digest_without_fitting_needs(world, offers, django_capture_on_commit_callbacks):
    need_of(world, title="Kuchen für den Basar", category="kueche", help_kind="goods")
    need_of(world, title="Beamer als Entwurf", publish=False)

    assert _send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []

"""The last-admin rule under concurrent requests: real threads, real transactions.

Each thread has its own database connection. The check "is there another admin?" is slowed
down so that, without the organisation lock, both demotions would pass it before either writes.
"""

import threading
import time

import pytest
from django.db import connection

from marketplace.errors import Busy, Conflict
from marketplace.models import Membership, Role
from marketplace.services import organisations as services
from tests.factories import SocialOrganisationFactory, member_of

pytestmark = pytest.mark.django_db(transaction=True)

# PostgreSQL makes the second transaction wait for the row lock, then it finds no other admin.
# The embedded SQLite test database (shared-cache memory) reports the held write lock at once
# instead of waiting, which the service turns into Busy (also a 409, with Retry-After).
EXPECTED_REFUSAL = "last_admin" if connection.vendor == "postgresql" else "busy"


def _run_concurrently(*jobs):
    """Run each job in its own thread, started together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def slow_admin_check(monkeypatch):
    original = services._other_admins_exist

    def slow(membership):
        found = original(membership)
        time.sleep(0.3)  # widen the gap between the check and the write
        return found

    monkeypatch.setattr(services, "_other_admins_exist", slow)


@pytest.fixture
def two_admins():
    organisation = SocialOrganisationFactory()
    first = member_of(organisation, Role.ADMIN)
    second = member_of(organisation, Role.ADMIN)
    return (
        organisation,
        Membership.objects.get(user=first),
        Membership.objects.get(user=second),
    )


def test_two_admins_demoting_each_other_at_once_leave_exactly_one_admin(
    two_admins, slow_admin_check
):
    # Given an organisation with exactly two admins
    organisation, first, second = two_admins

    # When each demotes the other at the same moment
    results = _run_concurrently(
        lambda: services.membership_change_role(membership=second, by=first.user, role="member"),
        lambda: services.membership_change_role(membership=first, by=second.user, role="member"),
    )

    # Then exactly one succeeds and the other is refused (409), and one admin remains
    conflicts = [r for r in results if isinstance(r, Conflict)]
    successes = [r for r in results if isinstance(r, Membership)]
    assert len(successes) == 1, results
    assert len(conflicts) == 1, results
    assert conflicts[0].code == EXPECTED_REFUSAL
    assert Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count() == 1


def test_two_admins_leaving_at_once_leave_exactly_one_admin(two_admins, slow_admin_check):
    organisation, first, second = two_admins

    results = _run_concurrently(
        lambda: services.membership_remove(membership=first, by=first.user),
        lambda: services.membership_remove(membership=second, by=second.user),
    )

    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1, results
    assert conflicts[0].code == EXPECTED_REFUSAL
    assert sum(r is None for r in results) == 1, results
    assert Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="lock_timeout is PostgreSQL's; SQLite queues writers for its busy timeout instead",
)
def test_a_lock_held_too_long_answers_busy(two_admins, settings):
    # Given someone holding the organisation's lock longer than the services wait
    organisation, first, second = two_admins
    settings.LOCK_TIMEOUT_MS = 200
    locked = threading.Event()
    release = threading.Event()

    def hold_lock():
        with services._organisation_locked(organisation.pk):
            locked.set()
            release.wait(timeout=10)

    def demote_after_lock_is_taken():
        assert locked.wait(timeout=10)
        try:
            return services.membership_change_role(membership=second, by=first.user, role="member")
        finally:
            release.set()

    # When an admin changes a role meanwhile
    results = _run_concurrently(hold_lock, demote_after_lock_is_taken)

    # Then the change is refused as busy (409 with Retry-After at the API) and nothing changed
    assert isinstance(results[1], Busy), results
    second.refresh_from_db()
    assert second.role == Role.ADMIN

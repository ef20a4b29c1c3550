"""On PostgreSQL, over HTTP with one thread and connection per request: a person who presses
"join" twenty times at once is in the group once; ten leads leaving at once leave one lead
behind; a request answered by twenty leads at once is answered once (one e-mail)."""

import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from network.models import GroupMembership, GroupMembershipState, GroupRole, JoinPolicy
from notifications.models import Notification

from .groups_support import add_member, make_group
from .support import person_in_new_organisation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_locks"),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL (the in-memory SQLite test database fails "
        "lock waits at once)",
    ),
]


def race(requests: list[tuple[str, str, dict]]) -> list[int | str]:
    """POST each (token, url, body) from its own thread at once; the status of each."""
    barrier = threading.Barrier(len(requests))
    statuses: list = []
    lock = threading.Lock()

    def run(token, url, body):
        outcome = None
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait(timeout=30)
            outcome = client.post(url, body, format="json").status_code
        except Exception as error:  # shown in the assertion, never swallowed
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            statuses.append(outcome)

    threads = [threading.Thread(target=run, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return statuses


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def test_twenty_joins_of_one_person_at_once_make_one_request_and_one_email():
    group, _lead, _ = make_group(join_policy=JoinPolicy.ON_REQUEST)
    person, organisation = person_in_new_organisation()
    token = _token(person)
    url = f"/api/v1/working-groups/{group.pk}/join/"

    statuses = race([(token, url, {"organisation": organisation.pk})] * 20)

    assert Counter(statuses) == {201: 1, 409: 19}
    assert GroupMembership.objects.filter(group=group, person=person).count() == 1
    assert Notification.objects.filter(kind="group_join_requested").count() == 1


def test_ten_leads_leaving_at_once_leave_one_lead_behind():
    group, first, _ = make_group()
    leads = [first]
    for _ in range(9):
        person, organisation = person_in_new_organisation()
        add_member(group, person, organisation, role=GroupRole.LEAD)
        leads.append(person)
    url = f"/api/v1/working-groups/{group.pk}/leave/"

    statuses = race([(_token(lead), url, {}) for lead in leads])

    assert Counter(statuses) == {200: 9, 409: 1}
    remaining = GroupMembership.objects.filter(
        group=group, role=GroupRole.LEAD, state=GroupMembershipState.ACTIVE
    )
    assert remaining.count() == 1


def test_a_request_answered_by_twenty_leads_at_once_is_answered_once():
    group, first, _ = make_group(join_policy=JoinPolicy.ON_REQUEST)
    leads = [first]
    for _ in range(19):
        person, organisation = person_in_new_organisation()
        add_member(group, person, organisation, role=GroupRole.LEAD)
        leads.append(person)
    asker, asker_org = person_in_new_organisation()
    membership = GroupMembership.objects.create(
        group=group, person=asker, organisation=asker_org, state=GroupMembershipState.REQUESTED
    )
    base = f"/api/v1/working-groups/{group.pk}/members/{membership.pk}"

    statuses = race(
        [
            (_token(lead), f"{base}/{'approve' if n % 2 else 'decline'}/", {})
            for n, lead in enumerate(leads)
        ]
    )

    assert Counter(statuses) == {200: 1, 409: 19}
    membership.refresh_from_db()
    assert membership.state in (GroupMembershipState.ACTIVE, GroupMembershipState.DECLINED)
    assert Notification.objects.filter(kind="group_join_answered").count() == 1

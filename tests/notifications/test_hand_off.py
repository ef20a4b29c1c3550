"""A web process hands the notifications its transactions commit to Celery together: one task
message for what commits within NOTIFICATIONS_HAND_OFF_SECONDS (notifications/tasks.py,
GatheredHandOff). The messages are read back from the real Redis broker; no worker runs."""

import base64
import json

import pytest
import redis
from django.db import transaction

from notifications import tasks
from notifications.services import notify
from tests.factories import UserFactory
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "celery"  # Celery's default queue: a Redis list of that name


@pytest.fixture(autouse=True)
def _nothing_gathered(celery_broker):
    # Ids an earlier test of this process committed are handed over first and dropped.
    tasks._gathered.publish_all()
    celery_broker.control.purge()


def _messages(redis_url: str) -> list[dict]:
    return [json.loads(raw) for raw in redis.Redis.from_url(redis_url).lrange(QUEUE, 0, -1)]


def _ids_in(message: dict) -> list[int]:
    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    return args[0]


def _commit_one(person, key: str) -> int:
    with transaction.atomic():
        [row] = notify(kind="mail_test", recipients=[person], context={}, event_key=key)
    return row.pk


def test_notifications_committed_within_the_window_go_to_celery_in_one_task(
    celery_broker, redis_url, settings
):
    # A window far wider than three commits take, also on a busy CI host.
    settings.NOTIFICATIONS_HAND_OFF_SECONDS = 2
    people = UserFactory.create_batch(3)

    # When three transactions each commit a notification, one after the other
    ids = [_commit_one(person, f"hand-off:{n}") for n, person in enumerate(people)]

    # Then Celery gets one message naming all three
    wait_until(lambda: _messages(redis_url), timeout=10, what="the task message")
    [message] = _messages(redis_url)
    assert message["headers"]["task"] == "notifications.tasks.send_notifications"
    assert sorted(_ids_in(message)) == sorted(ids)


def test_a_notification_committed_later_goes_in_a_task_of_its_own(
    celery_broker, redis_url, settings
):
    settings.NOTIFICATIONS_HAND_OFF_SECONDS = 0.05
    first, second = UserFactory.create_batch(2)

    earlier = _commit_one(first, "hand-off:earlier")
    wait_until(lambda: len(_messages(redis_url)) == 1, timeout=10, what="the first message")
    later = _commit_one(second, "hand-off:later")
    wait_until(lambda: len(_messages(redis_url)) == 2, timeout=10, what="the second message")

    # LPUSH: the newest message is first in the list
    assert [_ids_in(m) for m in _messages(redis_url)] == [[later], [earlier]]


def test_nothing_is_handed_over_for_a_transaction_that_rolls_back(
    celery_broker, redis_url, settings
):
    settings.NOTIFICATIONS_HAND_OFF_SECONDS = 0.05
    person, other = UserFactory.create_batch(2)

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(kind="mail_test", recipients=[person], context={}, event_key="hand-off:undone")
        raise RuntimeError("the change fails after the notification was written")
    kept = _commit_one(other, "hand-off:kept")

    wait_until(lambda: _messages(redis_url), timeout=10, what="the task message")
    assert [_ids_in(m) for m in _messages(redis_url)] == [[kept]]

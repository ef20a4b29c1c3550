"""Receipt numbers stay gap-free and unique when many receipts are issued at once, on real
PostgreSQL.

The test first shows that the race is real: with the counter row read without its lock (and a
moment's delay, as a busy server would have), concurrent issues take the same number and all
but one of each clash fail. With the lock, every issue succeeds and the numbers run 0001..N.

Lock contention beyond the lock timeout answers 409 with Retry-After, changing nothing.

Threads with their own database connections against committed rows (transactional_db); each
thread closes its connection at the end.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from donations import services
from donations.models import Donation, Receipt, ReceiptCounter
from donations.services import receipts

from .support import confirm, days_ago, make_world, record_money

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_locks"),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL: the in-memory SQLite test database takes "
        "shared-cache table locks that fail at once instead of waiting",
    ),
]

THREADS = 20
YEAR = days_ago(0).year


def _in_threads(count: int, work) -> list:
    """Run work(i) in `count` threads released together; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # collected and asserted on by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _confirmed_without_receipts(world, count: int) -> list:
    return [
        confirm(world, record_money(world, f"{100 + i}.00"), issue_receipt=False)
        for i in range(count)
    ]


def _next_number_without_lock(organisation, year):
    """What _next_number would be without SELECT ... FOR UPDATE on the counter row."""
    ReceiptCounter.objects.bulk_create(
        [ReceiptCounter(organisation=organisation, year=year)], ignore_conflicts=True
    )
    counter = ReceiptCounter.objects.get(organisation=organisation, year=year)
    time.sleep(0.05)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return counter.last_sequence, f"{year}-{counter.last_sequence:04d}"


def test_without_the_counter_lock_concurrent_issues_clash(monkeypatch):
    world = make_world()
    donations = _confirmed_without_receipts(world, THREADS)
    monkeypatch.setattr(receipts, "_next_number", _next_number_without_lock)

    results = _in_threads(
        THREADS,
        lambda i: services.receipt_issue(donation=donations[i], by=world.social_member),
    )

    failures = [r for r in results if isinstance(r, Exception)]
    assert failures, "the race did not show: every issue got its own number without the lock"
    assert Receipt.objects.count() == THREADS - len(failures)


def test_concurrent_issues_through_the_api_number_without_gaps():
    world = make_world()
    donations = _confirmed_without_receipts(world, THREADS)
    token = Token.objects.create(user=world.social_member).key

    def issue(index: int) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(f"/api/v1/donations/{donations[index].pk}/receipt/", format="json")
        return response.status_code

    statuses = _in_threads(THREADS, issue)

    assert statuses == [201] * THREADS
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == [f"{YEAR}-{n:04d}" for n in range(1, THREADS + 1)]
    assert ReceiptCounter.objects.get(organisation=world.social, year=YEAR).last_sequence == THREADS
    # And straight from the database: no duplicate and no gap in the sequence.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT sequence), MIN(sequence), MAX(sequence) "
            "FROM donations_receipt WHERE organisation_id = %s AND year = %s",
            [world.social.pk, YEAR],
        )
        assert cursor.fetchone() == (THREADS, THREADS, 1, THREADS)


def test_concurrent_confirmations_of_one_donation_issue_one_receipt():
    world = make_world()
    donation = record_money(world)
    confirmers = [world.social_member, world.social_admin] * 5

    results = _in_threads(
        len(confirmers),
        lambda i: services.donation_confirm(donation=donation, by=confirmers[i]),
    )

    succeeded = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(succeeded) == 1
    assert {getattr(r, "code", type(r).__name__) for r in refused} == {"not_recorded"}
    assert Receipt.objects.get().number == f"{YEAR}-0001"


def test_a_donation_locked_too_long_answers_busy_with_retry_after(settings):
    world = make_world()
    donation = record_money(world)
    token = Token.objects.create(user=world.social_member).key
    settings.LOCK_TIMEOUT_MS = 200
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                Donation.objects.select_for_update().get(pk=donation.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(f"/api/v1/donations/{donation.pk}/confirm/", format="json")
    finally:
        release.set()
        holder.join(timeout=30)

    assert response.status_code == 409
    assert response.json()["code"] == "busy" and response["Retry-After"] == "1"
    donation.refresh_from_db()
    assert donation.state == "recorded" and Receipt.objects.count() == 0

"""The migrations that gave loans their two inclusive days, run on data written the old way.

Given a loan stored with an exclusive `loan_until` and an item with free-text pickup hours,
when the migrations run, then the loan's return day is the day before the old `loan_until`
(the same days, the same units), the item's text became weekdays, hours and a note, and an
open loan took its item's deposit.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

# Organisations as they were then too: later columns (show_contacts) have no database default.
MARKETPLACE_THEN = ("marketplace", "0005_merge_legal_texts_and_invitation_hash")
BEFORE = [
    ("bookings", "0002_calendar_feed_token"),
    ("listings", "0004_list_validators"),
    MARKETPLACE_THEN,
]
AFTER = [
    ("bookings", "0004_loan_deposit_records"),
    ("listings", "0006_offer_contact_person"),
    MARKETPLACE_THEN,
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_loans_keep_their_days_and_old_hours_become_weekdays():
    apps = _migrate(BEFORE)
    try:
        Organisation = apps.get_model("marketplace", "Organisation")
        Category = apps.get_model("listings", "Category")
        Equipment = apps.get_model("listings", "Equipment")
        Booking = apps.get_model("bookings", "Booking")
        company = Organisation.objects.create(
            kind="company", name="Kanalblick IT", slug="kanalblick-it", status="approved"
        )
        social = Organisation.objects.create(
            kind="social", name="Nachbarschaftshaus", slug="nachbarschaftshaus", status="approved"
        )
        item = Equipment.objects.create(
            kind="equipment",
            organisation=company,
            title="Beamer",
            description="hell",
            category=Category.objects.create(slug="technik-alt", name_de="Technik"),
            pickup_street="Skalitzer Straße 12",
            pickup_postcode="10999",
            pickup_hours="Mo–Fr 10–16 Uhr, bitte vorher anrufen",
            deposit=Decimal("50.00"),
        )
        first = dt.date(2030, 3, 4)
        loan = Booking.objects.create(
            kind="equipment",
            state="confirmed",
            listing_id=item.pk,
            requester=social,
            provider=company,
            starts_at=timezone.now(),
            units=1,
            loan_from=first,
            loan_until=first + dt.timedelta(days=3),  # the old meaning: days 4th to 6th
            purpose="Filmabend",
        )

        apps = _migrate(AFTER)

        loan = apps.get_model("bookings", "Booking").objects.get(pk=loan.pk)
        assert (loan.pickup_on, loan.return_on) == (first, first + dt.timedelta(days=2))
        assert loan.deposit == Decimal("50.00")
        item = apps.get_model("listings", "Equipment").objects.get(pk=item.pk)
        assert item.handover_weekdays == [1, 2, 3, 4, 5]
        assert (item.handover_opens_at, item.handover_closes_at) == (dt.time(10), dt.time(16))
        assert item.handover_note == "bitte vorher anrufen"
    finally:
        _migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )  # back to the newest state for the other tests

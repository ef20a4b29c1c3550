"""What the database itself guarantees about offers and their capacity."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from listings.models import ListingKind, normalise_for_search
from tests.listings.factories import (
    EquipmentAllocationFactory,
    EquipmentFactory,
    JobOfferFactory,
    VolunteerActionFactory,
)

pytestmark = pytest.mark.django_db


def test_each_kind_records_its_kind_and_search_text():
    action = VolunteerActionFactory(title="Hochbeete bauen", skills=["Gärtnern"])
    item = EquipmentFactory(title="Biertischgarnitur")
    job = JobOfferFactory()

    assert action.kind == ListingKind.VOLUNTEER_ACTION
    assert item.kind == ListingKind.EQUIPMENT
    assert job.kind == ListingKind.JOB
    assert item.search_text == "biertischgarnitur "
    assert normalise_for_search("Bänke Straße Café") == "banke strasse cafe"


def test_a_slot_cannot_hold_more_volunteers_than_it_has():
    slot = VolunteerActionFactory(slots=[{"volunteers_available": 3}]).slots.get()
    slot.volunteers_held = 4
    with pytest.raises(IntegrityError), transaction.atomic():
        slot.save()


def test_a_job_cannot_fill_more_positions_than_it_has():
    job = JobOfferFactory(positions=1)
    job.positions_filled = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        job.save()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints need PostgreSQL"
)
def test_postgres_refuses_two_allocations_of_one_unit_at_the_same_time():
    item = EquipmentFactory(quantity=2)
    first = EquipmentAllocationFactory(item=item, unit_number=1)
    EquipmentAllocationFactory(item=item, unit_number=2, start=first.start, end=first.end)
    EquipmentAllocationFactory(
        item=item, unit_number=1, start=first.end, end=first.end + dt.timedelta(days=1)
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        EquipmentAllocationFactory(
            item=item, unit_number=1, start=first.start + dt.timedelta(days=1), end=first.end
        )


def test_a_status_move_the_table_does_not_allow_is_refused_and_leaves_no_event():
    # Given a draft offer (LISTING_TRANSITIONS beside the model)
    from listings.models import ListingStatus, ListingStatusChange
    from marketplace.errors import Conflict

    item = EquipmentFactory(status=ListingStatus.DRAFT)

    # When something tries to pause it (only a published offer pauses)
    assert not item.can_change_status_to(ListingStatus.PAUSED)
    with pytest.raises(Conflict) as refused:
        item.change_status(ListingStatus.PAUSED)

    # Then 409, nothing changed and no event row
    assert refused.value.status_code == 409
    assert item.status == ListingStatus.DRAFT
    assert not ListingStatusChange.objects.filter(listing=item).exists()

    # And an allowed move writes its event row
    item.save(update_fields=item.change_status(ListingStatus.PUBLISHED, reason="los"))
    item.refresh_from_db()
    assert item.status == ListingStatus.PUBLISHED and item.published_at is not None
    assert ListingStatusChange.objects.get(listing=item).to_status == ListingStatus.PUBLISHED

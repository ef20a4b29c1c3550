"""The coordinator reads bookings in the admin, without the candidate's data, and changes none."""

import pytest

from bookings.models import BookingKind

from .support import booking_in_state

pytestmark = pytest.mark.django_db


def test_the_coordinator_reads_a_referral_in_the_admin_without_the_candidate(world, client):
    referral = booking_in_state(world, BookingKind.JOB, "interviewing")
    world.coordinator.is_superuser = True
    world.coordinator.save(update_fields=["is_superuser"])
    client.force_login(world.coordinator)

    listing = client.get("/admin/bookings/booking/")
    page = client.get(f"/admin/bookings/booking/{referral.pk}/change/")

    assert listing.status_code == 200 and str(referral.listing.title) in listing.text
    assert page.status_code == 200
    assert "interviewing" in page.text or "im Gespräch" in page.text
    assert "Jonas Beispiel" not in page.text
    assert client.post(f"/admin/bookings/booking/{referral.pk}/delete/").status_code == 403

"""/admin/ for coordinators: donations and receipts can be looked up and downloaded, never
changed or deleted (receipts are kept for ten years)."""

import pytest
from django.test import Client

from .support import confirm, receipt_of, record_money

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_the_coordinator_finds_and_downloads_receipts_but_cannot_change_them(world):
    receipt = receipt_of(confirm(world, record_money(world)))
    admin = _signed_in(world.coordinator)

    listing = admin.get("/admin/donations/receipt/", {"q": receipt.number})
    page = admin.get(f"/admin/donations/receipt/{receipt.pk}/change/")
    download = admin.get(f"/admin/donations/receipt/{receipt.pk}/pdf/")
    donations = admin.get("/admin/donations/donation/")

    assert listing.status_code == 200 and receipt.number in listing.content.decode()
    assert page.status_code == 200 and receipt.filename in page.content.decode()
    assert download.status_code == 200 and download.content == bytes(receipt.pdf)
    assert donations.status_code == 200
    assert admin.get(f"/admin/donations/receipt/{receipt.pk}/delete/").status_code == 403
    assert admin.get("/admin/donations/receipt/add/").status_code == 403
    assert admin.get("/admin/donations/receipt/999999/pdf/").status_code == 404
    saved = admin.post(f"/admin/donations/receipt/{receipt.pk}/change/", {"donor_name": "X"})
    assert saved.status_code == 403
    receipt.refresh_from_db()
    assert receipt.donor_name == "Kiezbäckerei Wassertor GmbH"


def test_members_of_organisations_have_no_access(world):
    receipt = receipt_of(confirm(world, record_money(world)))
    world.social_admin.is_staff = True
    world.social_admin.save()

    response = _signed_in(world.social_admin).get(f"/admin/donations/receipt/{receipt.pk}/pdf/")

    assert response.status_code in (302, 403)
    assert response.content != bytes(receipt.pdf)

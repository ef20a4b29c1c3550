"""Posting an item with several photos at once, and where its photos are managed afterwards."""

import pytest

from listings.models import Category, Equipment
from marketplace.models import Role
from tests.factories import CompanyFactory, member_of
from tests.marketplace.organisations_support import image_bytes, upload

pytestmark = pytest.mark.django_db


def item_data(**photos):
    return {
        "title": "Beamer Epson EB-W06",
        "description": "Heller Beamer mit HDMI-Kabel.",
        "category": Category.objects.get(slug="veranstaltungstechnik").pk,
        "quantity": "1",
        "condition": "good",
        "pickup_street": "Skalitzer Straße 12",
        "pickup_postcode": "10999",
        "pickup_city": "Berlin",
        "handover_weekdays": ["1", "2", "3", "4", "5"],
        "handover_opens_at": "10:00",
        "handover_closes_at": "16:00",
        "max_loan_days": "7",
        "buffer_days": "0",
        "unavailable-TOTAL_FORMS": "0",
        "unavailable-INITIAL_FORMS": "0",
        **photos,
    }


@pytest.fixture
def company_member():
    company = CompanyFactory()
    return company, member_of(company, Role.MEMBER)


def test_the_create_form_takes_several_photos_and_says_where_they_are_managed(
    signed_in, company_member
):
    company, member = company_member
    client = signed_in(member)
    form_page = client.get(f"/organisationen/{company.pk}/angebote/neu/ausleihe/").content.decode()
    assert 'enctype="multipart/form-data"' in form_page
    assert 'name="photos"' in form_page and "multiple" in form_page

    response = client.post(
        f"/organisationen/{company.pk}/angebote/neu/ausleihe/",
        item_data(
            photos=[
                upload("vorne.png", image_bytes(size=(800, 600))),
                upload("hinten.png", image_bytes(size=(800, 600), color="navy")),
            ]
        ),
        follow=True,
    )

    item = Equipment.objects.get(title="Beamer Epson EB-W06")
    assert item.photos.count() == 2
    item.refresh_from_db()
    assert item.thumbnail
    html = response.content.decode()
    assert "2 Fotos sind hochgeladen." in html
    assert "unter „Bearbeiten“, im Abschnitt „Fotos“" in html


def test_one_bad_photo_saves_nothing_and_is_named_at_the_field(signed_in, company_member):
    company, member = company_member

    response = signed_in(member).post(
        f"/organisationen/{company.pk}/angebote/neu/ausleihe/",
        item_data(
            photos=[
                upload("vorne.png", image_bytes(size=(800, 600))),
                upload("notiz.png", b"kein Bild", content_type="image/png"),
            ]
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_photos_error"' in html
    assert "notiz.png" in html
    assert not Equipment.objects.exists()


def test_the_edit_page_adds_several_photos_at_once(signed_in, company_member):
    from tests.listings.factories import EquipmentFactory

    company, member = company_member
    item = EquipmentFactory(organisation=company)

    response = signed_in(member).post(
        f"/angebote/{item.pk}/fotos/",
        {
            "image": [
                upload("a.png", image_bytes(size=(800, 600))),
                upload("b.png", image_bytes(size=(800, 600))),
                upload("c.png", image_bytes(size=(800, 600))),
            ]
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#photos-heading")
    assert item.photos.count() == 3

"""Equipment photos: checked by content, re-encoded, stored with a thumbnail, bad files a 400."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from listings.models import EquipmentPhoto, Listing
from tests.listings.factories import EquipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def picture(fmt="JPEG", size=(800, 600), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    image = Image.new(mode, size, (200, 120, 40) if mode == "RGB" else None)
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(client, item, content: bytes, name="foto.jpg", content_type="image/jpeg"):
    return client.post(
        f"/api/v1/equipment/{item.pk}/photos/",
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


@pytest.mark.parametrize(("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_a_member_uploads_a_photo_and_gets_a_thumbnail(
    client_for, member, company, media, fmt, extension
):
    item = EquipmentFactory(organisation=company)

    response = upload(client_for(member), item, picture(fmt, size=(3000, 1500)), name="x.bin")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["width"], body["height"]) == (2048, 1024)
    photo = EquipmentPhoto.objects.get(pk=body["id"])
    assert photo.image.name.endswith(f".{extension}")
    with Image.open(media / photo.thumbnail.name) as thumbnail:
        assert thumbnail.format == "WEBP"
        assert max(thumbnail.size) == 400
    assert body["thumbnail_url"].endswith(photo.thumbnail.name)
    assert Listing.objects.get(pk=item.pk).thumbnail == photo.thumbnail.name
    summary = client_for(member).get("/api/v1/listings/").json()["results"][0]
    assert summary["thumbnail_url"] == body["thumbnail_url"]
    detail = client_for(member).get(f"/api/v1/equipment/{item.pk}/").json()
    assert [p["id"] for p in detail["photos"]] == [photo.pk]


def test_metadata_is_dropped_from_stored_photos(client_for, member, company, media):
    item = EquipmentFactory(organisation=company)
    exif = Image.Exif()
    exif[0x010F] = "Kamera mit GPS"  # Make
    exif[0x0112] = 6  # Orientation: rotated, so width and height swap
    content = picture("JPEG", size=(400, 200), exif=exif.tobytes())

    response = upload(client_for(member), item, content)

    assert response.status_code == 201
    photo = EquipmentPhoto.objects.get()
    with Image.open(media / photo.image.name) as stored:
        assert stored.size == (200, 400)
        assert not stored.getexif()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Das ist kein Bild, nur Text mit der Endung .jpg", "kein lesbares Foto"),
        (picture("GIF", mode="P"), "JPEG, PNG oder WebP"),
        (picture("BMP"), "JPEG, PNG oder WebP"),
        (picture("JPEG")[:400], "kein lesbares Foto"),
        (picture("JPEG", size=(50, 50)), "zu klein"),
        (picture("PNG", size=(9000, 120)), "zu groß"),
        (b"", "leer"),
    ],
)
def test_bad_files_are_a_400_with_a_message_and_nothing_is_stored(
    client_for, member, company, media, content, message
):
    item = EquipmentFactory(organisation=company)

    response = upload(client_for(member), item, content)

    assert response.status_code == 400, response.content
    assert message in str(response.json())
    assert not EquipmentPhoto.objects.exists()
    assert not any(Path(media).rglob("*.*"))


def test_a_file_over_the_size_limit_is_a_400(client_for, member, company, settings):
    settings.LISTING_PHOTO_MAX_BYTES = 10_000
    item = EquipmentFactory(organisation=company)
    noisy = Image.effect_noise((400, 400), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")

    response = upload(client_for(member), item, buffer.getvalue(), name="gross.png")

    assert response.status_code == 400
    assert "zu groß" in response.json()["detail"]


def test_a_photo_needs_the_image_field_and_multipart(client_for, member, company):
    item = EquipmentFactory(organisation=company)
    client = client_for(member)

    missing = client.post(f"/api/v1/equipment/{item.pk}/photos/", {}, format="multipart")
    as_json = client.post(
        f"/api/v1/equipment/{item.pk}/photos/", {"image": "aGFsbG8="}, format="json"
    )

    assert missing.status_code == 400
    assert "image" in missing.json()
    assert as_json.status_code == 415


def test_only_the_owning_company_uploads_and_deletes_photos(
    client_for, member, company, other_company_member, media, django_capture_on_commit_callbacks
):
    item = EquipmentFactory(organisation=company)
    refused = upload(client_for(other_company_member), item, picture())
    created = upload(client_for(member), item, picture())
    photo = EquipmentPhoto.objects.get()
    files = [media / photo.image.name, media / photo.thumbnail.name]

    not_theirs = client_for(other_company_member).delete(
        f"/api/v1/equipment/{item.pk}/photos/{photo.pk}/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client_for(member).delete(f"/api/v1/equipment/{item.pk}/photos/{photo.pk}/")

    assert refused.status_code == 403
    assert created.status_code == 201
    assert not_theirs.status_code == 403
    assert deleted.status_code == 204
    assert not EquipmentPhoto.objects.exists()
    assert not any(path.exists() for path in files)
    assert Listing.objects.get(pk=item.pk).thumbnail == ""


def test_files_go_through_djangos_storage_api(client_for, member, company):
    item = EquipmentFactory(organisation=company)
    upload(client_for(member), item, picture())
    photo = EquipmentPhoto.objects.get()
    assert default_storage.exists(photo.image.name)
    assert default_storage.exists(photo.thumbnail.name)

"""Logos are stored re-encoded: no EXIF (GPS position, camera), no text chunks, upright."""

import io

import pytest
from django.test import Client
from PIL import Image

from marketplace.models import Role
from tests.factories import SocialOrganisationFactory, member_of

from .organisations_support import org_url, upload

pytestmark = pytest.mark.django_db

MARKER = "Wassertorplatz 52.5016N 13.4086E"
GPS_IFD = 0x8825
ORIENTATION = 0x0112
IMAGE_DESCRIPTION = 0x010E


def _photo_with_metadata(fmt: str) -> bytes:
    """A 200 × 100 picture, taken "rotated" (EXIF orientation 6: turn 90° to show it), with a
    GPS position and a description in its EXIF, and for PNG a text chunk as well."""
    from PIL import PngImagePlugin

    image = Image.new("RGB", (200, 100), "teal")
    exif = Image.Exif()
    exif[IMAGE_DESCRIPTION] = MARKER
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 30.0, 5.76), 3: "E", 4: (13.0, 24.0, 30.9)})
    buffer = io.BytesIO()
    extra = {}
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", MARKER)
        extra["pnginfo"] = text
    image.save(buffer, fmt, exif=exif.tobytes(), **extra)
    data = buffer.getvalue()
    assert MARKER.encode() in data  # the upload does carry it
    return data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_uploaded_logo_is_served_without_its_metadata_and_upright(fmt, media, client_for):
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)

    response = client_for(admin).patch(
        org_url(organisation),
        {"logo": upload("handyfoto.bin", _photo_with_metadata(fmt), "image/jpeg")},
        format="multipart",
    )

    assert response.status_code == 200, response.content
    organisation.refresh_from_db()
    served = Client().get(organisation.logo.url)
    assert served.status_code == 200
    data = b"".join(served.streaming_content)
    assert MARKER.encode() not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == fmt
        assert dict(stored.getexif()) == {}
        assert "Comment" not in stored.info
        # Turned as the camera said, so it shows as it did before
        assert stored.size == (100, 200)


def test_a_logo_saved_from_the_web_page_loses_its_metadata_too(media, client_for):
    organisation = SocialOrganisationFactory()
    admin = member_of(organisation, Role.ADMIN)
    client = Client()
    client.force_login(admin)
    page = client.get(f"/organisationen/{organisation.pk}/profil/")
    assert page.status_code == 200

    response = client.post(
        f"/organisationen/{organisation.pk}/profil/",
        {
            "name": organisation.name,
            "slug": organisation.slug,
            "city": "Berlin",
            "logo": upload("logo.jpg", _photo_with_metadata("JPEG"), "image/jpeg"),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    with organisation.logo.open("rb") as stored:
        assert MARKER.encode() not in stored.read()

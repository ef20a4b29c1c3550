"""Checking and re-encoding uploaded photos (offer photos, attachments of minutes).

The type is read from the content (Pillow's decoders), never from the file name or the
client's Content-Type. The stored image is re-encoded, which drops metadata such as GPS
positions, turned upright by its EXIF orientation and capped in size; a WebP thumbnail is made
beside it. Limits can be changed in the settings under each caller's prefix
(LISTING_PHOTO_MAX_BYTES, MINUTES_PHOTO_MAX_BYTES, ...); the base floor, so that every app
checks an upload the same way (listings/photos.py, network/attachments.py).
"""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.errors import InvalidInput

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _limit(prefix: str, name: str, default: int) -> int:
    return int(getattr(settings, f"{prefix}_{name}", default))


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile


def _invalid_on(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, field=field, code="invalid_image")


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=85)
    return buffer.getvalue()


def process_photo(
    upload, *, settings_prefix: str = "LISTING_PHOTO", field: str = "image"
) -> ProcessedPhoto:
    """Check an uploaded file and return the image and thumbnail to store (ProcessedPhoto).

    Raises InvalidInput (on `field`) when the file is too big, not a JPEG, PNG or WebP
    picture, unreadable, or too small or too large in pixels. The limits are the settings
    `<settings_prefix>_MAX_BYTES`, `_MIN_SIDE`, `_MAX_SIDE`, `_MAX_PIXELS`, `_STORED_SIDE` and
    `_THUMBNAIL_SIDE`, with the offer photos' defaults.
    """
    prefix = settings_prefix
    max_bytes = _limit(prefix, "MAX_BYTES", 8 * 1024 * 1024)
    min_side = _limit(prefix, "MIN_SIDE", 100)
    max_side = _limit(prefix, "MAX_SIDE", 8000)
    max_pixels = _limit(prefix, "MAX_PIXELS", 40_000_000)
    stored_side = _limit(prefix, "STORED_SIDE", 2048)
    thumb_side = _limit(prefix, "THUMBNAIL_SIDE", 400)

    def _invalid(message: str) -> InvalidInput:
        return _invalid_on(message, field)

    if upload is None or not getattr(upload, "size", 0):
        raise _invalid(_("Bitte ein Foto hochladen."))
    if upload.size > max_bytes:
        raise _invalid(
            _("Das Foto ist zu groß: höchstens %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)
    try:
        with Image.open(upload) as opened:
            fmt = opened.format
            if fmt not in FORMATS:
                raise _invalid(_("Nur Fotos im Format JPEG, PNG oder WebP sind möglich."))
            width, height = opened.size
            if min(width, height) < min_side:
                raise _invalid(
                    _("Das Foto ist zu klein: mindestens %(n)d × %(n)d Pixel.") % {"n": min_side}
                )
            if max(width, height) > max_side or width * height > max_pixels:
                raise _invalid(
                    _("Das Foto ist zu groß: höchstens %(n)d Pixel an der längsten Seite.")
                    % {"n": max_side}
                )
            # Decode every pixel now: a truncated or corrupt file fails here, not later.
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise _invalid(
            _("Die Datei ist kein lesbares Foto. Möglich sind JPEG, PNG und WebP.")
        ) from None

    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.thumbnail((stored_side, stored_side))
    thumbnail = image.copy()
    thumbnail.thumbnail((thumb_side, thumb_side))

    name = uuid.uuid4().hex
    return ProcessedPhoto(
        image=ContentFile(_encode(image, fmt), name=f"{name}.{FORMATS[fmt]}"),
        thumbnail=ContentFile(_encode(thumbnail, "WEBP"), name=f"{name}-thumb.webp"),
    )

"""Logos as they are stored: re-encoded, so nothing of the upload but its pixels survives.

An organisation's logo is served publicly and cached for a day; a photo taken with a phone
carries EXIF data (GPS position, camera, time) and other chunks that would go out with it.
As offer photos are (marketplace/photos.py), the logo is decoded, turned upright by its EXIF
orientation and encoded anew in its format, with no metadata. validate_logo() (models.py) has
checked it first.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from .models import LOGO_FORMATS

# What the encoders keep from image.info: the transparency of palette and grey images.
_KEPT_INFO = ("transparency",)


def reencode_logo(file) -> ContentFile:
    """The checked upload, decoded and encoded anew without metadata, named logo.<format>."""
    file.seek(0)
    with Image.open(file) as opened:
        image_format = opened.format
        opened.load()
        image = ImageOps.exif_transpose(opened)
    image.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=90, optimize=True)
    elif image_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(buffer, "WEBP", quality=90)
    file.seek(0)
    return ContentFile(buffer.getvalue(), name=f"logo.{LOGO_FORMATS[image_format]}")

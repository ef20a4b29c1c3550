"""Checking attachments of minutes: photos as offer photos are (marketplace/photos.py:
decoded, re-encoded without metadata, limits MINUTES_PHOTO_*), PDF files read by pypdf.

The type is read from the content, never from the file name or the client's Content-Type; the
stored name is chosen here (a random one), never the uploader's. Limits: MINUTES_ATTACHMENT_
MAX_BYTES (10 MB) for any file, MINUTES_ATTACHMENT_MAX_PDF_PAGES (200).
"""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from marketplace.errors import InvalidInput
from marketplace.photos import process_photo

from .models import MinutesAttachment

FIELD = "file"
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class CheckedAttachment:
    content: ContentFile
    content_type: str
    original_name: str
    size: int


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, field=FIELD, code="invalid_file")


def _max_bytes() -> int:
    return int(getattr(settings, "MINUTES_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def _original_name(upload) -> str:
    name = str(getattr(upload, "name", "") or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in name if char.isprintable())[:200]


def check_attachment(upload) -> CheckedAttachment:
    """The file to store for an upload, or InvalidInput (field "file"): empty, too big, neither
    a JPEG, PNG or WebP photo nor a readable, unencrypted PDF."""
    if upload is None or not getattr(upload, "size", 0):
        raise _invalid(_("Bitte eine Datei hochladen (die Datei ist leer)."))
    max_bytes = _max_bytes()
    if upload.size > max_bytes:
        raise _invalid(
            _("Die Datei ist zu groß: höchstens %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return _checked_pdf(upload)
    if not _looks_like_picture(upload):
        raise _invalid(_("Möglich sind Fotos (JPEG, PNG oder WebP) und PDF-Dateien."))
    photo = process_photo(upload, settings_prefix="MINUTES_PHOTO", field=FIELD)
    extension = photo.image.name.rsplit(".", 1)[-1]
    return CheckedAttachment(
        content=photo.image,
        content_type=PHOTO_TYPES[extension],
        original_name=_original_name(upload),
        size=photo.image.size,
    )


def _looks_like_picture(upload) -> bool:
    try:
        with Image.open(upload):
            return True
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)


def _checked_pdf(upload) -> CheckedAttachment:
    max_pages = int(getattr(settings, "MINUTES_ATTACHMENT_MAX_PDF_PAGES", 200))
    content = upload.read()
    upload.seek(0)
    unreadable = _("Die PDF-Datei ist nicht lesbar.")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _invalid(_("Verschlüsselte PDF-Dateien sind nicht möglich."))
        pages = len(reader.pages)
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, OSError, RecursionError):
        raise _invalid(unreadable) from None
    if pages < 1:
        raise _invalid(unreadable)
    if pages > max_pages:
        raise _invalid(_("Die PDF-Datei hat zu viele Seiten: höchstens %(n)d.") % {"n": max_pages})
    return CheckedAttachment(
        content=ContentFile(content, name=f"{uuid.uuid4().hex}.pdf"),
        content_type="application/pdf",
        original_name=_original_name(upload),
        size=len(content),
    )


def attachment_response(attachment: MinutesAttachment) -> FileResponse:
    """The stored file, downloaded (never shown inline), as the pages serve it too."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

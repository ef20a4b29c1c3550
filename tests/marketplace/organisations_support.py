"""Helpers shared by the organisation tests: URLs, images, and a snapshot of what may change."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationStatusChange,
    TaxExemption,
)
from notifications.models import Notification

API = "/api/v1"


def org_url(organisation, suffix: str = "") -> str:
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return f"{API}/organisations/{pk}/{suffix}"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 32), color="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def snapshot() -> dict:
    """Everything the organisation endpoints could change, to prove a refused request changed
    nothing."""
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "tax_exemptions": list(TaxExemption.objects.order_by("pk").values()),
        "status_changes": list(OrganisationStatusChange.objects.order_by("pk").values()),
        "notifications": list(Notification.objects.order_by("pk").values("pk", "kind", "email")),
    }

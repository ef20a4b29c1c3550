"""An equipment item's photos."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import ngettext

from marketplace.errors import Conflict, InvalidInput
from marketplace.models import User

from ..models import Equipment, EquipmentPhoto, Listing
from ..photos import process_photo
from .common import MAX_PHOTOS, _delete_files, _lock_listing, _require_can_post, _require_member

# --- Photos -----------------------------------------------------------------------------------


def _refresh_thumbnail(item: Equipment) -> None:
    first = item.photos.order_by("position", "id").first()
    item.thumbnail = first.thumbnail.name if first else ""
    Listing.objects.filter(pk=item.pk).update(thumbnail=item.thumbnail)


@transaction.atomic
def equipment_photo_add(*, item: Equipment, by: User, upload) -> EquipmentPhoto:
    """Check, re-encode and store a photo of an item with its thumbnail.

    Raises NotAllowed, InvalidInput (not a JPEG, PNG or WebP picture, too big or too small),
    Conflict (the item has MAX_PHOTOS photos already).
    """
    return equipment_photos_add(item=item, by=by, uploads=[upload])[0]


@transaction.atomic
def equipment_photos_add(*, item: Equipment, by: User, uploads: Sequence) -> list[EquipmentPhoto]:
    """Several photos at once, all or none: every file is checked and re-encoded before the
    first is stored.

    Raises NotAllowed, InvalidInput (field "image"; a file that is not a JPEG, PNG or WebP
    picture, too big or too small, named when there are several), Conflict (more than
    MAX_PHOTOS photos in all).
    """
    _require_can_post(by, item.organisation)
    item = _lock_listing(Equipment, item)
    count = item.photos.count()
    if count + len(uploads) > MAX_PHOTOS:
        raise Conflict(
            ngettext(
                "Höchstens %(n)d Foto je Gegenstand.",
                "Höchstens %(n)d Fotos je Gegenstand.",
                MAX_PHOTOS,
            )
            % {"n": MAX_PHOTOS}
        )
    processed = []
    for upload in uploads:
        try:
            processed.append(process_photo(upload))
        except InvalidInput as error:
            if len(uploads) == 1:
                raise
            name = getattr(upload, "name", "") or "?"
            raise InvalidInput(f"{name}: {error.message}", field="image") from None
    photos = []
    for position, photo_files in enumerate(processed, start=count):
        photo = EquipmentPhoto(item=item, position=position)
        photo.image.save(photo_files.image.name, photo_files.image, save=False)
        photo.thumbnail.save(photo_files.thumbnail.name, photo_files.thumbnail, save=False)
        photo.save()
        photos.append(photo)
    _refresh_thumbnail(item)
    return photos


@transaction.atomic
def equipment_photo_delete(*, photo: EquipmentPhoto, by: User) -> None:
    """Delete a photo and, after commit, its files. Raises NotAllowed."""
    _require_member(by, photo.item.organisation)
    item = _lock_listing(Equipment, photo.item)
    names = [photo.image.name, photo.thumbnail.name]
    photo.delete()
    _refresh_thumbnail(item)
    transaction.on_commit(lambda: _delete_files(names))

"""Offer photos are checked and re-encoded as every upload is (marketplace/photos.py), with the
limits of the settings LISTING_PHOTO_*."""

from marketplace.photos import ProcessedPhoto
from marketplace.photos import process_photo as _process_photo

__all__ = ["ProcessedPhoto", "process_photo"]


def process_photo(upload) -> ProcessedPhoto:
    """Check an offer photo; raises InvalidInput (field "image") as marketplace.photos does."""
    return _process_photo(upload, settings_prefix="LISTING_PHOTO", field="image")

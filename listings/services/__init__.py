"""Every write to offers, by topic: posting and editing (offers.py), the status life by hand and
deleting (status.py), photos (photos.py) and the periodic sweeps (sweeps.py), with what they
share in common.py. The package names the services for the API, the pages and the admin.

Who may do what:
- members (any role) of the owning company post, edit, publish, pause, close and delete;
  posting, editing and publishing need the company to be approved;
- the network coordinator may pause and close any offer (moderation), nothing else;
- everyone else may only read published offers (selectors.visible_listings).

Capacity (places, units, positions) is changed only through listings.capacity.
"""

from .common import (
    EQUIPMENT_FIELDS,
    JOB_OFFER_FIELDS,
    MAX_PHOTOS,
    VOLUNTEER_ACTION_FIELDS,
    SlotSpec,
    UnavailablePeriod,
    listing_refresh_derived,
)
from .offers import (
    equipment_create,
    equipment_update,
    job_offer_create,
    job_offer_update,
    offer_defaults,
    volunteer_action_create,
    volunteer_action_update,
)
from .photos import equipment_photo_add, equipment_photo_delete, equipment_photos_add
from .status import listing_close, listing_delete, listing_pause, listing_publish
from .sweeps import job_offers_close_expired, volunteer_actions_refresh_next_dates

__all__ = [
    "EQUIPMENT_FIELDS",
    "JOB_OFFER_FIELDS",
    "MAX_PHOTOS",
    "VOLUNTEER_ACTION_FIELDS",
    "SlotSpec",
    "UnavailablePeriod",
    "equipment_create",
    "equipment_photo_add",
    "equipment_photo_delete",
    "equipment_photos_add",
    "equipment_update",
    "job_offer_create",
    "job_offer_update",
    "job_offers_close_expired",
    "listing_close",
    "listing_delete",
    "listing_pause",
    "listing_publish",
    "listing_refresh_derived",
    "offer_defaults",
    "volunteer_action_create",
    "volunteer_action_update",
    "volunteer_actions_refresh_next_dates",
]

"""Every write of donations, by topic: recording, confirming and rejecting donations
(donations.py); issuing a receipt (receipts.py); collective receipts and the January offer of
them (collective.py); cancelling and reissuing receipts (corrections.py); the checks, locks and
event rows they share (common.py). The package names the services for the API, the pages and
the tasks.

Who may:
- members of an approved company record its donations; the coordinator records a private
  donor's donation (name and address) on their behalf;
- members of the receiving social organisation confirm or reject a donation and issue its
  receipt; its admins cancel and reissue receipts and issue collective receipts;
- the coordinator sees everything and takes no other action.

Decisions (documented in the API):
- Missing or outdated tax-exemption data does not block confirming a donation (the money or
  goods did arrive): the confirmation stands, the receipt is refused (409 with a German
  message at `POST donations/{id}/receipt/`), and the organisation's admins are told by e-mail
  what to fix. Afterwards a member issues the receipt.
- A collective receipt lists the donor's confirmed money donations of the year that no valid
  receipt covers yet; donations that already have an individual receipt are left out, and
  while a collective receipt is valid its donations get no individual one (ReceiptItem's
  partial unique index). One valid collective receipt per donor and year.

Locks, in this order and each at most once per transaction: the donation rows (by id), the
receipt row, the organisation-and-year counter row. A lock not had within
settings.LOCK_TIMEOUT_MS raises Busy (409 with Retry-After; marketplace/locking.py).
Notifications are written in the same transaction (notify() sends them after commit).
"""

from .collective import collective_receipt_issue, collective_receipt_offers_send
from .common import TEXT_LIMITS
from .corrections import receipt_cancel, receipt_cancel_and_reissue
from .donations import donation_confirm, donation_record, donation_reject
from .receipts import receipt_issue

__all__ = [
    "TEXT_LIMITS",
    "collective_receipt_issue",
    "collective_receipt_offers_send",
    "donation_confirm",
    "donation_record",
    "donation_reject",
    "receipt_cancel",
    "receipt_cancel_and_reissue",
    "receipt_issue",
]

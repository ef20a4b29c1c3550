"""Every write of needs, by topic: needs themselves (needs.py), proposals and their answer
(proposals.py), the beat tasks' sweeps — expiry and the daily digest of fitting needs
(sweeps.py).

Who may: members of the need's (approved, social) organisation create, edit, publish, close and
mark a need fulfilled, and accept or decline its proposals; members of an approved company
propose and withdraw their own proposals; the beat tasks expire needs and send the digest.
Notifications are written in the same transaction as the change (notify() sends after commit).
"""

from .needs import (
    EDITABLE_FIELDS,
    need_close,
    need_create,
    need_mark_fulfilled,
    need_publish,
    need_update,
)
from .proposals import proposal_accept, proposal_create, proposal_decline, proposal_withdraw
from .sweeps import needs_expire, needs_send_digests

__all__ = [
    "EDITABLE_FIELDS",
    "need_close",
    "need_create",
    "need_mark_fulfilled",
    "need_publish",
    "need_update",
    "needs_expire",
    "needs_send_digests",
    "proposal_accept",
    "proposal_create",
    "proposal_decline",
    "proposal_withdraw",
]

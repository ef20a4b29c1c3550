"""Every write of bookings, by topic: requests (requests.py), the transitions of
bookings/states.py and messages (transitions.py), overdue loans (overdue.py), the periodic
sweeps (sweeps.py), requests for several items and their group steps (multi.py), the calendar
feed's address (feed_tokens.py) and the waiting lists of full slots and items (waitlist.py,
served from the transitions that free capacity).

Locks: an offer's capacity row first (through listings.capacity: the slot, the item or the job),
then the booking's row; each at most once per transaction, so two transactions never wait on
each other in opposite order. Every check that decides a write is repeated after the locks
(the state may have changed while we waited). A lock not had within listings.capacity's timeout
raises Busy (409 with Retry-After). Notifications are written in the same transaction
(notify() sends them after commit).

Who may: members of the requesting social organisation request, cancel, confirm hours and
withdraw; members of the providing company confirm, decline, hand over, take back, mark an
overdue loan lost, complete and move referrals; the coordinator sees every booking but takes no
action; the beat tasks expire and mark overdue.
"""

from .common import MAX_AHEAD, MESSAGE_LIMIT, TEXT_LIMIT
from .feed_tokens import (
    calendar_feed_token_get,
    calendar_feed_token_regenerate,
    calendar_feed_token_rotate,
)
from .multi import (
    booking_group_answer,
    booking_group_cancel,
    booking_group_hand_over,
    booking_group_return,
    booking_request_loans,
)
from .overdue import loan_keep_units_one, loan_mark_lost, loan_mark_overdue, loan_mark_overdue_one
from .requests import (
    booking_refer_candidate,
    booking_request_loan,
    booking_request_volunteers,
)
from .sweeps import (
    ANONYMISED,
    booking_expire_unanswered,
    booking_remind_upcoming,
    referral_anonymise_expired,
)
from .transitions import (
    MAX_HOURS,
    booking_cancel,
    booking_complete,
    booking_confirm,
    booking_confirm_hours,
    booking_decline,
    booking_expire,
    booking_hand_over,
    booking_post_message,
    booking_return,
    referral_hire,
    referral_interview,
    referral_reject,
    referral_withdraw,
    sides_of,
)
from .waitlist import (
    waitlist_expire_passed,
    waitlist_join_loan,
    waitlist_join_volunteers,
    waitlist_leave,
)

__all__ = [
    "ANONYMISED",
    "MAX_AHEAD",
    "MAX_HOURS",
    "MESSAGE_LIMIT",
    "TEXT_LIMIT",
    "booking_cancel",
    "booking_complete",
    "booking_confirm",
    "booking_confirm_hours",
    "booking_decline",
    "booking_expire",
    "booking_expire_unanswered",
    "booking_group_answer",
    "booking_group_cancel",
    "booking_group_hand_over",
    "booking_group_return",
    "booking_hand_over",
    "booking_post_message",
    "booking_refer_candidate",
    "booking_remind_upcoming",
    "booking_request_loan",
    "booking_request_loans",
    "booking_request_volunteers",
    "booking_return",
    "calendar_feed_token_get",
    "calendar_feed_token_regenerate",
    "calendar_feed_token_rotate",
    "loan_keep_units_one",
    "loan_mark_lost",
    "loan_mark_overdue",
    "loan_mark_overdue_one",
    "referral_anonymise_expired",
    "referral_hire",
    "referral_interview",
    "referral_reject",
    "referral_withdraw",
    "sides_of",
    "waitlist_expire_passed",
    "waitlist_join_loan",
    "waitlist_join_volunteers",
    "waitlist_leave",
]

"""The one table of what may happen to a booking: per kind, per state, which action leads to
which state and which side may take it. Services ask `transition()` before they change anything;
the API lists `actions_now()` with each booking (the table's actions less a hand-over before
the pickup day).

Sides: the provider is the company that posted the offer, the requester the social organisation
that booked it; `SYSTEM` actions are taken by beat tasks only (expiry, overdue).
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from marketplace.errors import Conflict

from .models import BookingKind, BookingState

S = BookingState


class Side(StrEnum):
    PROVIDER = "provider"
    REQUESTER = "requester"
    SYSTEM = "system"


class Action(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    CANCEL = "cancel"
    EXPIRE = "expire"
    HAND_OVER = "hand_over"
    MARK_OVERDUE = "mark_overdue"
    RETURN = "return"
    COMPLETE = "complete"
    CONFIRM_HOURS = "confirm_hours"
    INTERVIEW = "interview"
    HIRE = "hire"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    MARK_LOST = "mark_lost"


# The actions a person may take through the API (the URL spells "_" as "-").
PERSON_ACTIONS = tuple(action for action in Action if action not in {"expire", "mark_overdue"})

P, R, SYS = Side.PROVIDER, Side.REQUESTER, Side.SYSTEM
BOTH = frozenset({P, R})


@dataclass(frozen=True)
class Move:
    to: BookingState
    sides: frozenset[Side]


def _move(to: BookingState, *sides: Side) -> Move:
    return Move(to, frozenset(sides))


INITIAL_STATE: dict[str, BookingState] = {
    BookingKind.VOLUNTEER: S.REQUESTED,
    BookingKind.EQUIPMENT: S.REQUESTED,
    BookingKind.JOB: S.SUBMITTED,
}

# kind -> state -> action -> move. What is not listed is refused.
TRANSITIONS: dict[str, dict[BookingState, dict[Action, Move]]] = {
    BookingKind.VOLUNTEER: {
        S.REQUESTED: {
            Action.CONFIRM: _move(S.CONFIRMED, P),
            Action.DECLINE: _move(S.DECLINED, P),
            # The requester may take back an unanswered request.
            Action.CANCEL: _move(S.CANCELLED, R),
            Action.EXPIRE: _move(S.EXPIRED, SYS),
        },
        S.CONFIRMED: {
            Action.CANCEL: _move(S.CANCELLED, P, R),
            Action.COMPLETE: _move(S.COMPLETED, P),
        },
        S.COMPLETED: {Action.CONFIRM_HOURS: _move(S.HOURS_CONFIRMED, R)},
        S.DECLINED: {},
        S.EXPIRED: {},
        S.CANCELLED: {},
        S.HOURS_CONFIRMED: {},
    },
    BookingKind.EQUIPMENT: {
        S.REQUESTED: {
            Action.CONFIRM: _move(S.CONFIRMED, P),
            Action.DECLINE: _move(S.DECLINED, P),
            Action.CANCEL: _move(S.CANCELLED, R),
            Action.EXPIRE: _move(S.EXPIRED, SYS),
        },
        S.CONFIRMED: {
            Action.HAND_OVER: _move(S.HANDED_OVER, P),
            Action.CANCEL: _move(S.CANCELLED, P, R),
        },
        S.HANDED_OVER: {
            Action.RETURN: _move(S.RETURNED, P),
            Action.MARK_OVERDUE: _move(S.OVERDUE, SYS),
        },
        S.OVERDUE: {
            Action.RETURN: _move(S.RETURNED, P),
            # The lender gives up on it (lost, broken): the units are written off the loan.
            Action.MARK_LOST: _move(S.LOST, P),
        },
        S.DECLINED: {},
        S.EXPIRED: {},
        S.CANCELLED: {},
        S.RETURNED: {},
        S.LOST: {},
    },
    BookingKind.JOB: {
        S.SUBMITTED: {
            Action.INTERVIEW: _move(S.INTERVIEWING, P),
            Action.REJECT: _move(S.REJECTED, P),
            Action.WITHDRAW: _move(S.WITHDRAWN, R),
        },
        S.INTERVIEWING: {
            Action.HIRE: _move(S.HIRED, P),
            Action.REJECT: _move(S.REJECTED, P),
            Action.WITHDRAW: _move(S.WITHDRAWN, R),
        },
        S.HIRED: {},
        S.REJECTED: {},
        S.WITHDRAWN: {},
    },
}

# States in which the booking holds capacity of the offer (places, units): from the request
# until it is declined, expires, is cancelled or the units come back (a returned loan keeps
# only the item's buffer days after the return day; an overdue loan keeps them until it is
# returned or marked lost). A job position is held only by a hire.
HOLDS_CAPACITY: dict[str, frozenset[BookingState]] = {
    BookingKind.VOLUNTEER: frozenset({S.REQUESTED, S.CONFIRMED, S.COMPLETED, S.HOURS_CONFIRMED}),
    BookingKind.EQUIPMENT: frozenset({S.REQUESTED, S.CONFIRMED, S.HANDED_OVER, S.OVERDUE}),
    BookingKind.JOB: frozenset({S.HIRED}),
}

# Which actions give the capacity back (per kind) and which take it (a hire). A return is not
# among them: the units stay taken for the item's buffer days after it (booking_return).
RELEASES_CAPACITY = frozenset({Action.DECLINE, Action.CANCEL, Action.EXPIRE, Action.MARK_LOST})
TAKES_CAPACITY = frozenset({Action.HIRE})


def states_of(kind: str) -> list[BookingState]:
    return list(TRANSITIONS[kind])


def is_final(kind: str, state: str) -> bool:
    return not TRANSITIONS[kind][state]


def transition(kind: str, state: str, action: str) -> Move:
    """The move `action` makes from `state`; raises Conflict if the table does not allow it."""
    table = TRANSITIONS[kind]
    move = table.get(state, {}).get(action)
    if move is not None:
        return move
    if not any(action in moves for moves in table.values()):
        raise Conflict(
            _("Diese Aktion gibt es für diese Art von Buchung nicht."), code="invalid_action"
        )
    raise Conflict(
        _("Im Status „%(state)s“ ist das nicht möglich.") % {"state": BookingState(state).label},
        code="invalid_transition",
    )


def can(kind: str, state: str, action: str, side: Side) -> bool:
    move = TRANSITIONS[kind].get(state, {}).get(action)
    return move is not None and side in move.sides


def allowed_actions(kind: str, state: str, sides: set[Side]) -> list[str]:
    """The actions the given sides may take in `state`, in the table's order."""
    moves = TRANSITIONS[kind].get(state, {})
    return [str(action) for action, move in moves.items() if move.sides & sides]


def too_early(booking, action: str, today: dt.date) -> bool:
    """A loan is handed over on its pickup day or later, never before."""
    return (
        action == Action.HAND_OVER and booking.pickup_on is not None and today < booking.pickup_on
    )


def actions_now(booking, sides: set[Side], today: dt.date) -> list[str]:
    """allowed_actions() of the booking's state, less those whose day has not come."""
    return [
        action
        for action in allowed_actions(booking.kind, booking.state, sides)
        if not too_early(booking, action, today)
    ]

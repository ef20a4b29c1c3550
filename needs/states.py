"""The one table of what may happen to a need and to a proposal. Services ask `need_move()` /
`proposal_move()` before they change anything; a move the table does not list is refused with
Conflict (409 at the API) and changes nothing."""

from enum import StrEnum

from django.utils.translation import gettext as _

from marketplace.errors import Conflict

from .models import NeedStatus, ProposalStatus

N, P = NeedStatus, ProposalStatus


class NeedAction(StrEnum):
    PUBLISH = "publish"
    CLOSE = "close"
    FULFIL = "fulfil"
    EXPIRE = "expire"


class ProposalAction(StrEnum):
    PROPOSE = "propose"
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"


NEED_TRANSITIONS: dict[str, dict[str, str]] = {
    N.DRAFT: {NeedAction.PUBLISH: N.PUBLISHED, NeedAction.CLOSE: N.CLOSED},
    N.PUBLISHED: {
        NeedAction.FULFIL: N.FULFILLED,
        NeedAction.CLOSE: N.CLOSED,
        NeedAction.EXPIRE: N.EXPIRED,
    },
    N.FULFILLED: {},
    N.CLOSED: {},
    N.EXPIRED: {},
}

PROPOSAL_TRANSITIONS: dict[str, dict[str, str]] = {
    P.PROPOSED: {
        ProposalAction.ACCEPT: P.ACCEPTED,
        ProposalAction.DECLINE: P.DECLINED,
        ProposalAction.WITHDRAW: P.WITHDRAWN,
    },
    P.ACCEPTED: {},
    P.DECLINED: {},
    P.WITHDRAWN: {},
}

# A need may still be edited in these states (a published one too: a typo, a later date).
EDITABLE = frozenset({N.DRAFT, N.PUBLISHED})


def need_move(status: str, action: str) -> str:
    """The status `action` leads a need to from `status`; raises Conflict if not allowed."""
    to = NEED_TRANSITIONS.get(status, {}).get(action)
    if to is None:
        raise Conflict(
            _("Ein Gesuch im Status „%(state)s“ kann das nicht.") % {"state": N(status).label},
            code="invalid_transition",
        )
    return to


def proposal_move(status: str, action: str) -> str:
    """The status `action` leads a proposal to from `status`; raises Conflict if not allowed."""
    to = PROPOSAL_TRANSITIONS.get(status, {}).get(action)
    if to is None:
        raise Conflict(
            _("Ein Vorschlag im Status „%(state)s“ kann das nicht.") % {"state": P(status).label},
            code="invalid_transition",
        )
    return to


def need_actions(status: str) -> list[str]:
    return [str(action) for action in NEED_TRANSITIONS.get(status, {}) if action != "expire"]


def proposal_actions(status: str) -> list[str]:
    return [str(action) for action in PROPOSAL_TRANSITIONS.get(status, {})]

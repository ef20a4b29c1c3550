"""Pieces the needs services share: text checks, locks, the event row, who belongs where."""

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import NotAllowed, NotFound
from marketplace.models import User
from marketplace.selectors import memberships_among
from marketplace.text import clean_text

from ..models import Need, NeedEvent, Proposal

TEXT_LIMIT = 5000
TITLE_LIMIT = 200


def text(value, *, field: str, limit: int = TEXT_LIMIT, required: bool = False) -> str:
    return clean_text(value, field=field, limit=limit, required=required)


def lock_need(need_id: int) -> Need:
    need = (
        Need.objects.select_related("organisation", "category")
        .select_for_update(of=("self",))
        .filter(pk=need_id)
        .first()
    )
    if need is None:
        raise NotFound(_("Gesuch nicht gefunden."))
    return need


def lock_proposal(proposal_id: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("organisation", "created_by")
        .select_for_update(of=("self",))
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise NotFound(_("Vorschlag nicht gefunden."))
    return proposal


def require_need_member(need: Need, by: User) -> None:
    """`by` belongs to the need's organisation. Others: a draft does not exist for them (404),
    a visible need is not theirs to change (403)."""
    if need.organisation_id in memberships_among(by, [need.organisation_id]):
        return
    if need.status == "draft":
        raise NotFound(_("Gesuch nicht gefunden."))
    raise NotAllowed(_("Das kann nur die Organisation, die das Gesuch gestellt hat."))


def record(
    need: Need,
    *,
    action: str,
    from_status: str,
    to_status: str,
    by: User | None,
    proposal: Proposal | None = None,
    message: str = "",
) -> NeedEvent:
    return NeedEvent.objects.create(
        need=need,
        proposal=proposal,
        action=action,
        from_status=from_status,
        to_status=to_status,
        by=by,
        message=message,
        at=timezone.now(),
    )

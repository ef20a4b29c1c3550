"""Reads of needs that the API, the pages and the tasks share: who sees which need and which
proposals, the open needs that fit a company best."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from marketplace.models import OrganisationStatus, User
from marketplace.selectors import organisation_ids_of

from .matching import company_profiles, rank_for
from .models import Need, NeedStatus, Proposal
from .search import open_needs

# "Passende Gesuche" ranks at most this many of the newest open needs.
FITTING_CANDIDATES = 300


def needs_visible_to(user: User) -> QuerySet[Need]:
    """Every need but other organisations' drafts (the coordinator sees all); anonymous
    visitors see published needs of approved organisations."""
    needs = Need.objects.select_related("organisation", "category")
    if not user.is_authenticated:
        return needs.filter(
            status=NeedStatus.PUBLISHED, organisation__status=OrganisationStatus.APPROVED
        )
    if user.is_coordinator:
        return needs
    mine = organisation_ids_of(user)
    return needs.filter(
        Q(organisation_id__in=mine)
        | (~Q(status=NeedStatus.DRAFT) & Q(organisation__status=OrganisationStatus.APPROVED))
    )


def need_or_404(user: User, pk: int) -> Need:
    need = needs_visible_to(user).filter(pk=pk).first()
    if need is None:
        raise NotFound(_("Gesuch nicht gefunden."))
    return need


def proposals_visible_to(user: User, need: Need) -> QuerySet[Proposal]:
    """All proposals of a need for its organisation and the coordinator; a company's own for
    its members; none for others."""
    proposals = Proposal.objects.filter(need=need).select_related("organisation", "booking")
    if user.is_authenticated and user.is_coordinator:
        return proposals
    mine = organisation_ids_of(user) if user.is_authenticated else []
    if need.organisation_id in mine:
        return proposals
    return proposals.filter(organisation_id__in=mine)


def proposal_or_404(user: User, need: Need, pk: int) -> Proposal:
    proposal = proposals_visible_to(user, need).filter(pk=pk).first()
    if proposal is None:
        raise NotFound(_("Vorschlag nicht gefunden."))
    proposal.need = need
    return proposal


def fitting_needs(organisation_id: int, *, limit: int = 20) -> list[Need]:
    """The open needs that fit the company best first (needs/matching.py); each has
    `.fit_score`. Three queries, whatever the number of needs and offers."""
    profile = company_profiles([organisation_id]).get(organisation_id)
    if profile is None:
        return []
    candidates = (
        open_needs()
        .exclude(organisation_id=organisation_id)
        .select_related("organisation", "category")
        .order_by("-published_at", "-id")[:FITTING_CANDIDATES]
    )
    return rank_for(list(candidates), profile)[:limit]


def needs_of_organisation(organisation_id: int) -> QuerySet[Need]:
    """An organisation's published needs, for its public profile page."""
    return (
        open_needs()
        .filter(organisation_id=organisation_id)
        .select_related("category")
        .order_by("-published_at", "-id")
    )

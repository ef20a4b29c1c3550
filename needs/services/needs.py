"""Needs: create, edit, publish, close, mark fulfilled."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.models import Category
from marketplace.errors import Conflict, InvalidInput, NotAllowed
from marketplace.models import Membership, Organisation, OrganisationKind, User

from .. import notices
from ..models import HelpKind, Need, NeedStatus, ProposalStatus
from ..states import EDITABLE, NeedAction, need_move, proposal_move
from .common import TITLE_LIMIT, lock_need, record, require_need_member, text

# How far ahead a need may reach (as a loan request: two years).
MAX_AHEAD = dt.timedelta(days=730)
EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "help_kind",
    "quantity",
    "date_from",
    "date_until",
    "place",
    "open_until",
)


def acting_organisation(
    by: User, organisation: Organisation | int | None, *, kind: str
) -> Organisation:
    """The approved organisation of `kind` that `by` acts for: the one named (a row or id), or
    the person's only one of that kind. Raises NotAllowed, InvalidInput, Conflict."""
    memberships = Membership.objects.filter(user=by).select_related("organisation")
    if organisation is not None:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        membership = memberships.filter(organisation_id=org_id).first()
        if membership is None:
            raise NotAllowed(_("Sie gehören dieser Organisation nicht an."))
        found = membership.organisation
    else:
        of_kind = [m.organisation for m in memberships if m.organisation.kind == kind]
        if len(of_kind) != 1:
            raise InvalidInput(
                _("Bitte angeben, für welche Organisation Sie handeln."), field="organisation"
            )
        found = of_kind[0]
    if found.kind != kind:
        if kind == OrganisationKind.SOCIAL:
            raise Conflict(_("Nur soziale Organisationen können Gesuche stellen."))
        raise Conflict(_("Nur Unternehmen können auf Gesuche antworten."))
    if not found.is_approved:
        raise Conflict(_("Ihre Organisation ist noch nicht freigegeben."))
    return found


def _clean(fields: dict, *, current: Need | None = None) -> dict:
    """Check the editable fields given (all for a new need); raises InvalidInput."""
    cleaned = {}
    if "title" in fields:
        cleaned["title"] = text(fields["title"], field="title", limit=TITLE_LIMIT, required=True)
    if "description" in fields:
        cleaned["description"] = text(fields["description"] or "", field="description")
    if "place" in fields:
        cleaned["place"] = text(fields["place"] or "", field="place", limit=300)
    if "category" in fields:
        category = fields["category"]
        if not isinstance(category, Category):
            category = Category.objects.filter(slug=category).first()
        if category is None:
            raise InvalidInput(_("Unbekannte Kategorie."), field="category")
        if not category.is_active and (current is None or current.category_id != category.pk):
            raise InvalidInput(
                _("Diese Kategorie kann nicht mehr gewählt werden."), field="category"
            )
        cleaned["category"] = category
    if "help_kind" in fields:
        if fields["help_kind"] not in HelpKind.values:
            raise InvalidInput(_("Unbekannte Art der Hilfe."), field="help_kind")
        cleaned["help_kind"] = fields["help_kind"]
    if "quantity" in fields:
        quantity = fields["quantity"]
        if quantity is not None and (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= 10_000
        ):
            raise InvalidInput(_("Bitte eine Anzahl von 1 bis 10000 angeben."), field="quantity")
        cleaned["quantity"] = quantity
    for name in ("date_from", "date_until", "open_until"):
        if name in fields:
            cleaned[name] = fields[name]
    return cleaned


def _check_dates(need: Need, *, changed: set[str]) -> None:
    today = timezone.localdate()
    if need.date_until is not None and need.date_from is None:
        raise InvalidInput(_("Bitte auch den ersten Tag angeben."), field="date_from")
    if need.date_from and need.date_until and need.date_until < need.date_from:
        raise InvalidInput(_("Das Ende darf nicht vor dem Beginn liegen."), field="date_until")
    if "date_from" in changed and need.date_from and need.date_from < today:
        raise InvalidInput(
            _("Der Termin darf nicht in der Vergangenheit liegen."), field="date_from"
        )
    for name in ("date_from", "date_until", "open_until"):
        value = getattr(need, name)
        if value and value > today + MAX_AHEAD:
            raise InvalidInput(_("Bitte höchstens zwei Jahre im Voraus."), field=name)
    if "open_until" in changed and need.open_until < today:
        raise InvalidInput(
            _("„Offen bis“ darf nicht in der Vergangenheit liegen."), field="open_until"
        )
    if need.last_day and need.open_until > need.last_day:
        # Open longer than the need is of use makes no sense: close it with its last day.
        need.open_until = need.last_day


def need_create(
    *,
    by: User,
    organisation: Organisation | int | None = None,
    title: str,
    category,
    help_kind: str,
    description: str = "",
    quantity: int | None = None,
    date_from: dt.date | None = None,
    date_until: dt.date | None = None,
    place: str = "",
    open_until: dt.date | None = None,
    publish: bool = False,
) -> Need:
    """A member of an approved social organisation posts a need (a draft, or published at once
    with `publish`). `category`: a Category or its slug. Without `open_until` the need is open
    30 days, at most until its last day.

    Raises NotAllowed, InvalidInput, Conflict (not an approved social organisation).
    """
    fields = _clean(
        {
            "title": title,
            "description": description,
            "category": category,
            "help_kind": help_kind,
            "quantity": quantity,
            "date_from": date_from,
            "date_until": date_until,
            "place": place,
        }
    )
    owner = acting_organisation(by, organisation, kind=OrganisationKind.SOCIAL)
    need = Need(organisation=owner, created_by=by, **fields)
    if open_until is not None:
        need.open_until = open_until
    _check_dates(need, changed={"date_from", "date_until", "open_until"})
    with transaction.atomic():
        need.save()
        record(need, action="create", from_status="", to_status=need.status, by=by)
        if publish:
            need = need_publish(need=need, by=by)
    return need


def need_update(*, need: Need, by: User, **changes) -> Need:
    """Edit a draft or published need (only the fields given). Raises NotFound, NotAllowed,
    InvalidInput, Conflict (fulfilled, closed or expired)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("Dieses Feld kann man nicht ändern."), field=sorted(unknown)[0])
    require_need_member(need, by)
    with transaction.atomic():
        locked = lock_need(need.pk)
        if locked.status not in EDITABLE:
            raise Conflict(_("Ein beendetes Gesuch kann nicht mehr geändert werden."))
        cleaned = _clean(changes, current=locked)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        _check_dates(locked, changed=set(cleaned))
        locked.save()
    return locked


def _move(need: Need, by: User | None, action: str, message: str = "") -> Need:
    if by is not None:
        require_need_member(need, by)
    with transaction.atomic():
        locked = lock_need(need.pk)
        to = need_move(locked.status, action)
        from_status = locked.status
        now = timezone.now()
        locked.status = to
        locked.status_changed_at = now
        fields = ["status", "status_changed_at", "updated_at"]
        if to == NeedStatus.PUBLISHED:
            if locked.open_until < timezone.localdate():
                raise Conflict(
                    _("„Offen bis“ liegt in der Vergangenheit; bitte zuerst ändern."),
                    code="past",
                )
            if locked.published_at is None:
                locked.published_at = now
                fields.append("published_at")
        locked.save(update_fields=fields)
        record(locked, action=action, from_status=from_status, to_status=to, by=by, message=message)
        if to != NeedStatus.PUBLISHED:
            _end_open_proposals(locked, by=by, message=message)
    return locked


def _end_open_proposals(need: Need, *, by: User | None, message: str) -> None:
    """A need that ends declines the proposals still open, and tells each company politely."""
    open_ones = list(
        need.proposals.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(status=ProposalStatus.PROPOSED)
        .order_by("id")
    )
    for proposal in open_ones:
        proposal.status = proposal_move(proposal.status, "decline")
        proposal.save(update_fields=["status", "updated_at"])
        record(
            need,
            proposal=proposal,
            action=f"need_{need.status}",
            from_status=ProposalStatus.PROPOSED,
            to_status=proposal.status,
            by=by,
            message=message,
        )
        notices.need_ended(need, proposal)


def need_publish(*, need: Need, by: User) -> Need:
    """Publish a draft: it shows in the search and fitting companies hear of it in their next
    daily digest. Raises NotFound, NotAllowed, Conflict."""
    return _move(need, by, NeedAction.PUBLISH)


def need_close(*, need: Need, by: User, message: str = "") -> Need:
    """Close a need that is no longer wanted; open proposals are declined politely."""
    return _move(need, by, NeedAction.CLOSE, text(message, field="message"))


def need_mark_fulfilled(*, need: Need, by: User, message: str = "") -> Need:
    """The need is met; the proposals still open are declined politely."""
    return _move(need, by, NeedAction.FULFIL, text(message, field="message"))


def need_expire(*, need: Need) -> Need:
    """The beat task: a published need past its open-until day or its last day expires."""
    return _move(need, None, NeedAction.EXPIRE)

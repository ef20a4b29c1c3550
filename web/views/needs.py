"""Needs (Gesuche): the list with search (/gesuche/), posting one (phone first), a need's page
with its proposals, and a company's "Passende Gesuche". Every change is one call of
needs.services, as the API makes it; the pages offer only what the state tables allow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as ApiValidationError

from listings.models import Category, Equipment, ListingStatus, VolunteerSlot
from listings.params import search_request
from listings.search import search
from marketplace.errors import DomainError, NotFound
from marketplace.models import OrganisationKind
from marketplace.pagination import paginate
from marketplace.selectors import approved_organisations_of, organisation_ids_of
from needs import services
from needs.models import Need, NeedStatus, ProposalStatus
from needs.selectors import (
    fitting_needs,
    need_or_404,
    needs_visible_to,
    proposal_or_404,
    proposals_visible_to,
)
from needs.states import need_actions

from .. import need_offers
from ..forms import add_domain_error
from ..forms.needs import AnswerForm, NeedForm, ProposalForm
from ..offers import cards_for
from .listings import SLUG_OF_KIND

PAGE_SIZE = 20


def _companies(user):
    if not user.is_authenticated:
        return []
    return list(approved_organisations_of(user).filter(kind=OrganisationKind.COMPANY))


def _socials(user):
    if not user.is_authenticated:
        return []
    return list(approved_organisations_of(user).filter(kind=OrganisationKind.SOCIAL))


# --- the list -----------------------------------------------------------------------------------


def need_list(request: HttpRequest) -> HttpResponse:
    """Open needs, newest first, with the search's words and category (the one search of
    listings, kind "need")."""
    q = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")
    params = QueryDict(mutable=True)
    params.update({"kind": "need", "page_size": str(PAGE_SIZE)})
    if q:
        params["q"] = q
    if category:
        params["category"] = category
    if request.GET.get("cursor"):
        params["cursor"] = request.GET["cursor"][:500]
    error, cards, next_url, status = "", [], "", 200
    try:
        asked = search_request(params, public_only=True)
        queryset, ordering = search(asked.filters)
        page = paginate(queryset, ordering, cursor=asked.cursor, size=PAGE_SIZE)
        cards = cards_for(page.rows)
        if page.next_cursor:
            more = request.GET.copy()
            more["cursor"] = page.next_cursor
            next_url = f"?{more.urlencode()}"
    except ApiValidationError as problem:
        error = " ".join(str(m) for messages_ in problem.detail.values() for m in messages_)
        status = 400
    except DomainError as problem:
        error, status = problem.message, 400
    own = []
    if request.user.is_authenticated:
        own = list(
            needs_visible_to(request.user)
            .filter(organisation_id__in=organisation_ids_of(request.user))
            .exclude(status__in=[NeedStatus.CLOSED, NeedStatus.EXPIRED])
            .order_by("-created_at", "-id")[:10]
        )
    return render(
        request,
        "web/needs/list.html",
        {
            "cards": cards,
            "q": q,
            "category": category,
            "categories": Category.objects.filter(is_active=True),
            "error": error,
            "next_url": next_url,
            "own_needs": own,
            "can_post": bool(_socials(request.user)),
            "is_company": bool(_companies(request.user)),
            "nav": "needs",
        },
        status=status,
    )


# --- posting ------------------------------------------------------------------------------------


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    organisations = _socials(request.user)
    if not organisations:
        messages.info(
            request, _("Gesuche stellen Mitglieder freigegebener sozialer Organisationen.")
        )
        return redirect("web:needs")
    form = NeedForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                need = services.need_create(
                    by=request.user,
                    publish="save_draft" not in request.POST,
                    **form.service_arguments(),
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                if need.status == NeedStatus.PUBLISHED:
                    messages.success(
                        request,
                        _("Ihr Gesuch ist veröffentlicht. Passende Unternehmen erfahren davon."),
                    )
                else:
                    messages.success(request, _("Ihr Gesuch ist als Entwurf gespeichert."))
                return redirect("web:need", pk=need.pk)
    return render(request, "web/needs/form.html", {"form": form, "nav": "needs"}, status=status)


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft or published need (its organisation's members); a draft may be published
    from here too."""
    need = _need_or_404(request, pk)
    if need.organisation_id not in organisation_ids_of(request.user):
        raise Http404(_("Gesuch nicht gefunden."))
    initial = {name: getattr(need, name) for name in services.EDITABLE_FIELDS}
    initial["category"] = need.category.slug
    form = NeedForm(request.POST or None, initial=initial, organisations=[need.organisation])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = {name: form.cleaned_data.get(name) for name in services.EDITABLE_FIELDS}
            changes["description"] = changes["description"] or ""
            changes["place"] = changes["place"] or ""
            if changes["open_until"] is None:
                changes.pop("open_until")
            try:
                need = services.need_update(need=need, by=request.user, **changes)
                if "publish" in request.POST and need.status == NeedStatus.DRAFT:
                    need = services.need_publish(need=need, by=request.user)
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Gespeichert."))
                return redirect("web:need", pk=need.pk)
    return render(
        request,
        "web/needs/form.html",
        {"form": form, "need": need, "nav": "needs"},
        status=status,
    )


# --- a need's page ------------------------------------------------------------------------------


def _need_or_404(request: HttpRequest, pk: int) -> Need:
    try:
        return need_or_404(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _offers_of(companies) -> list[tuple[str, str]]:
    """The companies' bookable offers as choices: future slots with free places, items."""
    ids = [company.pk for company in companies]
    slots = (
        VolunteerSlot.objects.filter(
            action__organisation_id__in=ids,
            action__status=ListingStatus.PUBLISHED,
            start__gt=timezone.now(),
        )
        .select_related("action")
        .order_by("start", "id")[:50]
    )
    items = Equipment.objects.filter(
        organisation_id__in=ids, status=ListingStatus.PUBLISHED
    ).order_by("title", "id")[:50]
    choices = [
        (
            f"slot:{slot.pk}",
            _("%(title)s – %(when)s (%(free)d frei)")
            % {
                "title": slot.action.title,
                "when": timezone.localtime(slot.start).strftime("%d.%m.%Y %H:%M"),
                "free": slot.volunteers_free,
            },
        )
        for slot in slots
        if slot.volunteers_free > 0
    ]
    choices += [
        (
            f"item:{item.pk}",
            _("%(title)s (%(n)d Stück)") % {"title": item.title, "n": item.quantity},
        )
        for item in items
    ]
    return choices


def _proposal_form(request, need: Need, companies, data=None):
    offers = _offers_of(companies)
    form = ProposalForm(data, organisations=companies, offers=offers)
    if data is None and need.date_from:
        form.initial.update(pickup_on=need.date_from, return_on=need.date_until or need.date_from)
    if data is None and need.quantity:
        form.initial.update(volunteers=need.quantity, units=need.quantity)
    # Back from a new offer made from this need (web/need_offers.py): that offer preselected.
    chosen = request.GET.get(need_offers.OFFER_PARAM, "")
    if data is None and chosen in {value for value, _label in offers}:
        form.initial["offer"] = chosen
        organisation_id = _organisation_of(chosen)
        if organisation_id:
            form.initial["organisation"] = organisation_id
    return form


def _organisation_of(choice: str) -> int | None:
    kind, _sep, number = choice.partition(":")
    if kind == "slot":
        rows = VolunteerSlot.objects.filter(pk=number).values_list("action__organisation_id")
    else:
        rows = Equipment.objects.filter(pk=number).values_list("organisation_id")
    found = rows.first()
    return found[0] if found else None


def need_page(request: HttpRequest, need: Need, *, proposal_form=None, status=200):
    mine = set(organisation_ids_of(request.user)) if request.user.is_authenticated else set()
    owner = need.organisation_id in mine
    companies = [c for c in _companies(request.user) if c.pk != need.organisation_id]
    proposals = list(proposals_visible_to(request.user, need).order_by("created_at", "id"))
    open_by_me = {p.organisation_id for p in proposals if p.status == ProposalStatus.PROPOSED}
    can_propose = (
        need.status == NeedStatus.PUBLISHED
        and companies
        and not all(c.pk in open_by_me for c in companies)
    )
    if can_propose and proposal_form is None:
        proposal_form = _proposal_form(request, need, companies)
    return render(
        request,
        "web/needs/detail.html",
        {
            "need": need,
            "owner": owner,
            "actions": need_actions(need.status) if owner else [],
            "proposals": proposals,
            "my_org_ids": mine,
            "proposal_form": proposal_form if can_propose else None,
            "new_offer_links": need_offers.new_offer_links(
                need, [c for c in companies if c.pk not in open_by_me], SLUG_OF_KIND
            )
            if can_propose
            else [],
            "history": list(need.events.select_related("by", "proposal__organisation"))
            if owner or getattr(request.user, "is_coordinator", False)
            else [],
            "nav": "needs",
        },
        status=status,
    )


def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return need_page(request, _need_or_404(request, pk))


NEED_MOVES = {
    "publish": (services.need_publish, False),
    "close": (services.need_close, True),
    "fulfil": (services.need_mark_fulfilled, True),
}


@login_required
@require_POST
def need_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    need = _need_or_404(request, pk)
    if action not in NEED_MOVES:
        raise Http404
    service, with_message = NEED_MOVES[action]
    kwargs = {"message": request.POST.get("message", "")[:5000]} if with_message else {}
    try:
        service(need=need, by=request.user, **kwargs)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Gespeichert."))
    return redirect("web:need", pk=need.pk)


@login_required
@require_POST
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need_or_404(request, pk)
    companies = [c for c in _companies(request.user) if c.pk != need.organisation_id]
    form = _proposal_form(request, need, companies, request.POST)
    status = 400
    if form.is_valid():
        try:
            services.proposal_create(need=need, by=request.user, **form.service_arguments())
        except DomainError as error:
            add_domain_error(form, error, fields={"slot": "offer", "item": "offer"})
            status = error.status_code
        else:
            messages.success(
                request,
                _("Ihr Vorschlag ist verschickt. %(name)s bekommt eine E-Mail.")
                % {"name": need.organisation.name},
            )
            return redirect("web:need", pk=need.pk)
    return need_page(request, need, proposal_form=form, status=status)


PROPOSAL_MOVES = {
    "accept": (services.proposal_accept, _("Vorschlag angenommen.")),
    "decline": (services.proposal_decline, _("Vorschlag abgelehnt; das Unternehmen erfährt es.")),
    "withdraw": (services.proposal_withdraw, _("Vorschlag zurückgezogen.")),
}


@login_required
@require_POST
def proposal_move(request: HttpRequest, pk: int, pid: int, action: str) -> HttpResponse:
    need = _need_or_404(request, pk)
    if action not in PROPOSAL_MOVES:
        raise Http404
    try:
        proposal = proposal_or_404(request.user, need, pid)
    except NotFound as error:
        raise Http404(error.message) from error
    service, done = PROPOSAL_MOVES[action]
    form = AnswerForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        proposal = service(proposal=proposal, by=request.user, message=message)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(done))
        if action == "accept" and proposal.booking_id:
            return redirect("web:booking", pk=proposal.booking_id)
    return redirect("web:need", pk=need.pk)


# --- a company's fitting needs ------------------------------------------------------------------


@login_required
def fitting(request: HttpRequest) -> HttpResponse:
    """ "Passende Gesuche": the open needs that fit the person's companies best first."""
    sections = [
        (company, fitting_needs(company.pk, limit=30)) for company in _companies(request.user)
    ]
    return render(request, "web/needs/fitting.html", {"sections": sections, "nav": "needs"})

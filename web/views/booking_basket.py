"""A request for several items of one company ("Sammelanfrage"): on an item's page "Zur
Sammelanfrage hinzufügen" puts the item in the session's basket (items of one company only);
the basket page (/buchungen/sammelanfrage/) asks for the units of each, the days, purpose and
message and sends it all as one request. The group's page (/buchungen/sammelanfragen/<id>/,
the link in its e-mails) shows every item with its state, the company's answer (confirm the
ticked items, decline the rest), hand-over and return of all or some items, and the
requester's cancellation. Each item's own page keeps its single actions.

No JavaScript: every step is a form POST and a redirect. The services
(bookings.services.multi) decide what is allowed; the API calls the same ones.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bookings import services
from bookings.group_selectors import group_actions, group_or_404, item_actions, sides_of_group
from bookings.models import BookingState
from bookings.services.multi import MAX_ITEMS
from bookings.states import Side
from listings.models import Equipment, ListingKind, ListingStatus
from marketplace.errors import DomainError, NotFound

from ..booking_box import _social_organisations
from ..forms import add_domain_error
from ..forms.booking_basket import (
    BasketForm,
    GroupAnswerForm,
    GroupCancelForm,
    GroupHandOverForm,
    GroupReturnForm,
)
from .listings import specific_visible_or_404
from .onboarding import organisation_required

BASKET = "loan_basket"
S = BookingState


# --- the basket -------------------------------------------------------------------------------


def _basket(request: HttpRequest) -> dict:
    basket = request.session.get(BASKET)
    if not isinstance(basket, dict) or not isinstance(basket.get("items"), list):
        return {"company": None, "items": []}
    return basket


def _save(request: HttpRequest, basket: dict) -> None:
    if basket["items"]:
        request.session[BASKET] = basket
    else:
        request.session.pop(BASKET, None)


def _items(basket: dict) -> list[Equipment]:
    """The basket's items that can still be asked for, in the order they were added."""
    found = {
        item.pk: item
        for item in Equipment.objects.select_related("organisation").filter(
            pk__in=basket["items"], status=ListingStatus.PUBLISHED
        )
    }
    return [found[pk] for pk in basket["items"] if pk in found]


@organisation_required
@require_POST
def basket_add(request: HttpRequest, pk: int) -> HttpResponse:
    offer = specific_visible_or_404(request, pk)
    if offer.kind != ListingKind.EQUIPMENT:
        raise Http404
    basket = _basket(request)
    if basket["items"] and basket["company"] != offer.organisation_id:
        messages.error(
            request,
            _(
                "In Ihrer Sammelanfrage liegen schon Gegenstände einer anderen Organisation. "
                "Eine Sammelanfrage geht an eine einzige Organisation: bitte erst abschicken "
                "oder leeren."
            ),
        )
        return redirect("web:loan-basket")
    if offer.pk in basket["items"]:
        messages.info(request, _("Dieser Gegenstand liegt schon in der Sammelanfrage."))
    elif len(basket["items"]) >= MAX_ITEMS:
        messages.error(
            request,
            _("Eine Sammelanfrage umfasst höchstens %(max)d Gegenstände.") % {"max": MAX_ITEMS},
        )
    else:
        basket = {"company": offer.organisation_id, "items": [*basket["items"], offer.pk]}
        _save(request, basket)
        messages.success(
            request, _("„%(title)s“ liegt in der Sammelanfrage.") % {"title": offer.title}
        )
    return redirect("web:loan-basket")


@organisation_required
@require_POST
def basket_remove(request: HttpRequest, pk: int) -> HttpResponse:
    basket = _basket(request)
    basket["items"] = [item for item in basket["items"] if item != pk]
    _save(request, basket)
    return redirect("web:loan-basket")


@organisation_required
def basket(request: HttpRequest) -> HttpResponse:
    items = _items(_basket(request))
    form = BasketForm(
        request.POST if request.method == "POST" else None,
        items=items,
        organisations=_social_organisations(request.user),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if len(items) < 2:
            form.add_error(
                None,
                _("Eine Sammelanfrage braucht mindestens zwei Gegenstände derselben Organisation."),
            )
        elif form.is_valid():
            try:
                group = services.booking_request_loans(by=request.user, **form.service_arguments())
            except DomainError as error:
                add_domain_error(form, error, fields={"items": None, "units": None})
                status = error.status_code
            else:
                request.session.pop(BASKET, None)
                messages.success(
                    request,
                    _(
                        "Ihre Sammelanfrage ist verschickt. Wir sagen Ihnen per E-Mail Bescheid, "
                        "sobald %(name)s antwortet."
                    )
                    % {"name": group.provider.name},
                )
                return redirect(group.path)
    return render(
        request,
        "web/bookings/basket.html",
        {
            "form": form,
            "items": items,
            "company": items[0].organisation if items else None,
            "nav": "bookings",
        },
        status=status,
    )


# --- the group's page -------------------------------------------------------------------------


def _group_or_404(request: HttpRequest, pk: int):
    try:
        return group_or_404(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _in(group, *states) -> list:
    return [b for b in group.items if b.state in states]


def _forms(group, data=None, failed: str = "") -> dict:
    """The form of each step the person may take now (the one that failed with its input)."""
    makers = {
        "answer": lambda d: GroupAnswerForm(d, open_items=_in(group, S.REQUESTED), prefix="answer"),
        "hand_over": lambda d: GroupHandOverForm(
            d, items=_in(group, S.CONFIRMED), prefix="hand_over"
        ),
        "return": lambda d: GroupReturnForm(
            d, items=_in(group, S.HANDED_OVER, S.OVERDUE), prefix="return"
        ),
        "cancel": lambda d: GroupCancelForm(d, prefix="cancel"),
    }
    return {step: makers[step](data if step == failed else None) for step in group_actions(group)}


STEP_LABELS = {
    "answer": (gettext_lazy("Antwort senden"), gettext_lazy("Die Antwort ist verschickt.")),
    "hand_over": (gettext_lazy("Übergeben"), gettext_lazy("Die Übergabe ist vermerkt.")),
    "return": (gettext_lazy("Rückgabe erfassen"), gettext_lazy("Die Rückgabe ist vermerkt.")),
    "cancel": (
        gettext_lazy("Sammelanfrage stornieren"),
        gettext_lazy("Die Sammelanfrage ist storniert."),
    ),
}


def _group_page(request, group, *, forms=None, status=200):
    forms = forms if forms is not None else _forms(group)
    rows = [{"booking": b, "actions": item_actions(group, b)} for b in group.items]
    sides = sides_of_group(group)
    return render(
        request,
        "web/bookings/group.html",
        {
            "group": group,
            "rows": rows,
            "forms": forms,
            "sides": sides,
            "is_provider": Side.PROVIDER in sides,
            "waits_for_pickup": Side.PROVIDER in sides
            and bool(_in(group, S.CONFIRMED))
            and "hand_over" not in forms,
            "nav": "bookings",
        },
        status=status,
    )


@organisation_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _group_page(request, _group_or_404(request, pk))


def _perform(step: str, group, by, data: dict) -> None:
    if step == "answer":
        services.booking_group_answer(
            group=group, by=by, confirm=data["confirm"], message=data["message"]
        )
    elif step == "hand_over":
        services.booking_group_hand_over(group=group, by=by, **_named(data))
    elif step == "return":
        services.booking_group_return(group=group, by=by, **_named(data))
    else:
        services.booking_group_cancel(group=group, by=by, reason=data["reason"])


def _named(data: dict) -> dict:
    # Nothing ticked is an empty set, which the service refuses ("choose at least one").
    return {**data, "bookings": set(data.get("bookings") or ())}


@organisation_required
@require_POST
def group_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    group = _group_or_404(request, pk)
    if step not in STEP_LABELS:
        raise Http404
    forms = _forms(group, request.POST, failed=step)
    form = forms.get(step)
    if form is None:
        messages.error(request, _("Das ist bei dieser Sammelanfrage gerade nicht möglich."))
        return redirect(group.path)
    status = 400
    if form.is_valid():
        try:
            _perform(step, group, request.user, form.cleaned_data)
        except DomainError as error:
            if error.field and error.field in form.fields:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.error(request, error.message)
                return redirect(group.path)
        else:
            messages.success(request, str(STEP_LABELS[step][1]))
            return redirect(group.path)
    return _group_page(request, group, forms=forms, status=status)

"""Bookings: the request forms on an offer's page, a booking's page (/buchungen/<id>/, the link
in every booking e-mail) with its actions, history and messages, and the lists of an
organisation's incoming requests and own bookings.

Who may do what is the bookings services' business (the state table in bookings/states.py);
the pages only offer the actions that table allows the person's side.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import services
from bookings.actions import BOOKING_ACTIONS, booking_act
from bookings.details import carry_out_details
from bookings.models import Booking, BookingKind
from bookings.selectors import (
    booking_or_404,
    bookings_visible_to,
    messages_of,
)
from bookings.states import Action, Side, actions_now, allowed_actions, too_early
from donations.participation import participation_booking
from listings.models import ListingKind
from marketplace.errors import DomainError, NotFound

from .. import access
from ..booking_box import request_form
from ..forms import add_domain_error
from ..forms.bookings import ACTION_FORMS, REQUEST_FIELD_NAMES, PostMessageForm
from .listings import offer_page, specific_visible_or_404
from .onboarding import organisation_required
from .organisations import page_context

PAGE_SIZE = 25
WAITLIST_KINDS = (ListingKind.VOLUNTEER_ACTION, ListingKind.EQUIPMENT)


# --- requesting -------------------------------------------------------------------------------


def _request(request: HttpRequest, offer, form) -> Booking:
    """The form's fields are the service's keyword arguments; the offer's page names the item
    or the job, the volunteer form the slot."""
    data = dict(form.cleaned_data)
    asking = {"by": request.user, "organisation": data.pop("organisation")}
    if offer.kind == ListingKind.VOLUNTEER_ACTION:
        return services.booking_request_volunteers(**asking, **data)
    if offer.kind == ListingKind.EQUIPMENT:
        return services.booking_request_loan(**asking, item=offer.pk, **data)
    return services.booking_refer_candidate(**asking, job=offer.pk, **data)


@login_required
@require_POST
def offer_book(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking form's POST: one service call; on refusal the offer's page again, with the
    reasons next to the fields."""
    offer = specific_visible_or_404(request, pk)
    form = request_form(offer, request.user, request.POST)
    status = 400
    if form.is_valid():
        try:
            booking = _request(request, offer, form)
        except DomainError as error:
            field = REQUEST_FIELD_NAMES.get(error.field, error.field)
            form.add_error(field if field in form.fields else None, error.message)
            status = error.status_code
            # Refused for lack of room: the same request can wait on the offer's list.
            form.waitlist_offered = error.code == "conflict" and offer.kind in WAITLIST_KINDS
        else:
            messages.success(
                request,
                _(
                    "Ihre Anfrage ist verschickt. Wir sagen Ihnen per E-Mail Bescheid, sobald "
                    "%(name)s antwortet."
                )
                % {"name": offer.organisation.name}
                if booking.kind != BookingKind.JOB
                else _("Ihre Empfehlung ist verschickt."),
            )
            return redirect("web:booking", pk=booking.pk)
    return offer_page(request, offer, booking_form=form, status=status)


# --- a booking's page ---------------------------------------------------------------------------


def _booking_or_404(request: HttpRequest, pk: int) -> Booking:
    """bookings.selectors.booking_or_404() with the pages' own 404 page."""
    try:
        return booking_or_404(request.user, pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _sides(booking: Booking) -> set[Side]:
    sides = set()
    if booking.as_requester:
        sides.add(Side.REQUESTER)
    if booking.as_provider:
        sides.add(Side.PROVIDER)
    return sides


def _action_form(action: str, booking: Booking, data=None):
    # The prefix keeps the forms' fields and ids apart (id_cancel-reason, id_confirm-message).
    spec = BOOKING_ACTIONS[action]
    form = ACTION_FORMS[spec.input](data, prefix=action)
    if hasattr(form, "for_booking"):
        form = form.for_booking(booking)
    if spec.message_label and "message" in form.fields:
        form.fields["message"].label = spec.message_label
    return form


def _booking_page(request, booking, *, failed=None, message_form=None, status=200):
    sides = _sides(booking)
    actions = []
    for action in actions_now(booking, sides, timezone.localdate()):
        spec = BOOKING_ACTIONS.get(action)
        if spec is None:
            continue
        form = failed[1] if failed and failed[0] == action else _action_form(action, booking)
        style = "danger" if spec.destructive else ""
        actions.append({"name": action, "label": spec.label, "style": style, "form": form})
    return render(
        request,
        "web/bookings/detail.html",
        {
            "booking": booking,
            "sides": sides,
            "is_requester": Side.REQUESTER in sides,
            "is_provider": Side.PROVIDER in sides,
            # The candidate's data is for the two organisations only, not the coordinator.
            "shows_candidate": bool(sides),
            "actions": actions,
            # A confirmed loan waits for its pickup day before it can be handed over.
            "hand_over_from": booking.pickup_on
            if Side.PROVIDER in sides
            and Action.HAND_OVER in allowed_actions(booking.kind, booking.state, sides)
            and too_early(booking, Action.HAND_OVER, timezone.localdate())
            else None,
            "details": carry_out_details(booking),
            "events": list(booking.events.all()),
            "thread": messages_of(booking),
            "message_form": message_form or (PostMessageForm() if sides else None),
            "participation_url": _participation_url(request.user, booking),
            "nav": "bookings",
        },
        status=status,
    )


def _participation_url(user, booking: Booking) -> str:
    """The participation confirmation's link, when the donations app offers one for this
    booking (a completed volunteer action: time given is not a donation, so no receipt)."""
    if booking.kind != BookingKind.VOLUNTEER:
        return ""
    try:
        participation_booking(user, booking.pk)
    except DomainError:
        return ""
    return reverse("web:booking-participation", args=[booking.pk])


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _booking_page(request, _booking_or_404(request, pk))


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    booking = _booking_or_404(request, pk)
    if action not in BOOKING_ACTIONS:
        raise Http404
    form = _action_form(action, booking, request.POST)
    status = 400
    if form.is_valid():
        try:
            booking_act(action=action, booking=booking, by=request.user, data=form.cleaned_data)
        except DomainError as error:
            if error.field and error.field in form.fields:
                add_domain_error(form, error)
            else:
                messages.error(request, error.message)
                return redirect("web:booking", pk=pk)
            status = error.status_code
        else:
            messages.success(request, str(BOOKING_ACTIONS[action].done))
            return redirect("web:booking", pk=pk)
    return _booking_page(request, booking, failed=(action, form), status=status)


@login_required
@require_POST
def booking_message(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_or_404(request, pk)
    form = PostMessageForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.booking_post_message(
                booking=booking, by=request.user, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            add_domain_error(form, error, fields={"body": "body"})
            status = error.status_code
        else:
            messages.success(request, _("Ihre Nachricht ist verschickt."))
            return redirect(f"{booking.path}#nachrichten")
    return _booking_page(request, booking, message_form=form, status=status)


# --- lists ----------------------------------------------------------------------------------


FILTERS = {
    "offen": Q(ended_at__isnull=True),
    "abgeschlossen": Q(ended_at__isnull=False),
    "alle": Q(),
}


def _booking_list(request, queryset):
    shown = request.GET.get("zeigen", "offen")
    if shown not in FILTERS:
        shown = "offen"
    queryset = (
        queryset.filter(FILTERS[shown])
        .select_related("listing", "requester", "provider", "slot")
        .order_by("-created_at", "-id")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("seite"))
    return {"page": page, "shown": shown, "filters": list(FILTERS)}


@organisation_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    """Every booking of every organisation the person belongs to (the coordinator: all)."""
    queryset = bookings_visible_to(request.user)
    role = request.GET.get("seite_von", "")
    if role == "anfragend":
        queryset = queryset.filter(as_requester=True)
    elif role == "anbietend":
        queryset = queryset.filter(as_provider=True)
    context = _booking_list(request, queryset)
    return render(request, "web/bookings/list.html", {**context, "nav": "bookings", "role": role})


@login_required
def organisation_bookings(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.inside_or_404(request.user, pk)
    queryset = bookings_visible_to(request.user).filter(
        Q(provider=organisation) | Q(requester=organisation)
    )
    context = _booking_list(request, queryset)
    return render(
        request,
        "web/bookings/organisation_list.html",
        page_context(request, organisation, "bookings", **context),
    )

"""Waiting lists: joining from an offer's page (a full slot, or the days a refused loan request
asked for), the list of one's organisations' entries (/warteliste/) and leaving it. The bookings
services decide; the pages parse and show."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import services
from bookings.models import WaitlistState
from bookings.waitlist_selectors import waitlist_entries_of
from listings.models import ListingKind
from marketplace.errors import DomainError, NotFound

from ..booking_box import _social_organisations
from ..forms.bookings import REQUEST_FIELD_NAMES
from ..waitlist_box import waitlist_form
from .listings import offer_page, specific_visible_or_404
from .onboarding import organisation_required


@login_required
@require_POST
def offer_waitlist(request: HttpRequest, pk: int) -> HttpResponse:
    """Join the offer's waiting list with the request's fields; on refusal the offer's page
    again, with the reasons next to the fields."""
    offer = specific_visible_or_404(request, pk)
    form = waitlist_form(offer, request.user, _social_organisations(request.user), request.POST)
    if form is None:
        raise Http404(_("Für dieses Angebot gibt es keine Warteliste."))
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        asking = {"by": request.user, "organisation": data.pop("organisation")}
        try:
            if offer.kind == ListingKind.VOLUNTEER_ACTION:
                services.waitlist_join_volunteers(**asking, **data)
            else:
                services.waitlist_join_loan(**asking, item=offer.pk, **data)
        except DomainError as error:
            field = REQUEST_FIELD_NAMES.get(error.field, error.field)
            form.add_error(field if field in form.fields else None, error.message)
            status = error.status_code
        else:
            messages.success(
                request,
                _(
                    "Sie stehen auf der Warteliste. Wird etwas frei, stellen wir Ihre Anfrage "
                    "automatisch und sagen Ihnen per E-Mail Bescheid."
                ),
            )
            return redirect("web:my-waitlist")
    if form.prefix:
        return offer_page(request, offer, status=status, waitlist_form=form)
    form.waitlist_offered = True
    return offer_page(request, offer, booking_form=form, status=status)


@organisation_required
def my_waitlist(request: HttpRequest) -> HttpResponse:
    entries = waitlist_entries_of(request.user).order_by("-created_at", "-id")
    waiting = [entry for entry in entries if entry.state == WaitlistState.WAITING]
    ended = [entry for entry in entries if entry.state != WaitlistState.WAITING][:50]
    return render(
        request,
        "web/bookings/waitlist.html",
        {"waiting": waiting, "ended": ended, "nav": "bookings"},
    )


@login_required
@require_POST
def waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.waitlist_leave(entry=pk, by=request.user)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sie haben die Warteliste verlassen."))
    return redirect("web:my-waitlist")

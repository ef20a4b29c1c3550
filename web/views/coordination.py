"""The coordinator's pages: organisations waiting for approval, and the network at a glance."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.models import Booking, BookingState
from listings.models import Listing, ListingKind, ListingStatus
from marketplace.errors import DomainError
from marketplace.models import Organisation, OrganisationKind, OrganisationStatus
from marketplace.services import organisations as services

from ..forms import add_domain_error
from ..forms.organisations import ReasonForm, RequiredReasonForm


def coordinator_required(view):
    """Everyone else gets 404: the page does not exist for them."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_coordinator:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# Which buttons each status offers, following ORGANISATION_TRANSITIONS.
_ACTIONS = {
    OrganisationStatus.PENDING: ("approve", "reject"),
    OrganisationStatus.APPROVED: ("suspend",),
    OrganisationStatus.SUSPENDED: ("approve",),
    OrganisationStatus.REJECTED: (),
}
_FORMS = {"approve": ReasonForm, "reject": RequiredReasonForm, "suspend": RequiredReasonForm}


def _row(organisation: Organisation, failed: dict) -> dict:
    """One organisation with its action forms, each with its own ids; the form that just failed
    keeps its input and errors."""
    forms = {
        action: _FORMS[action](auto_id=f"{action}-{organisation.pk}-%s")
        for action in _ACTIONS[organisation.status]
    }
    if failed.get("pk") == organisation.pk and failed["action"] in forms:
        forms[failed["action"]] = failed["form"]
    return {"organisation": organisation, "forms": forms}


def _overview(request: HttpRequest, *, failed: dict | None = None, status: int = 200):
    failed = failed or {}
    pending = (
        Organisation.objects.filter(status=OrganisationStatus.PENDING)
        .select_related("applied_by")
        .order_by("status_changed_at", "id")
    )
    organisations = (
        Organisation.objects.exclude(status=OrganisationStatus.PENDING)
        .annotate(member_count=Count("memberships"))
        .order_by("name", "id")
    )
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in Organisation.objects.values("kind", "status").annotate(n=Count("id"))
    }
    summary = [
        {
            "kind": kind,
            "counts": [counts.get((kind.value, status.value), 0) for status in OrganisationStatus],
        }
        for kind in OrganisationKind
    ]
    offers = dict(
        Listing.objects.filter(status=ListingStatus.PUBLISHED)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    bookings = dict(
        Booking.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    return render(
        request,
        "web/coordination/overview.html",
        {
            "offer_counts": [(kind.label, offers.get(kind.value, 0)) for kind in ListingKind],
            "booking_counts": [
                (state.label, bookings[state.value])
                for state in BookingState
                if bookings.get(state.value)
            ],
            "pending": [_row(organisation, failed) for organisation in pending],
            "organisations": [_row(organisation, failed) for organisation in organisations],
            "summary": summary,
            "statuses": list(OrganisationStatus),
            "nav": "coordination",
        },
        status=status,
    )


@coordinator_required
def overview(request: HttpRequest) -> HttpResponse:
    return _overview(request)


def _status_action(request, pk: int, *, action: str, service, form_class, done: str):
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    form = form_class(request.POST, auto_id=f"{action}-{pk}-%s")
    if form.is_valid():
        try:
            service(organisation=organisation, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if error.field != "reason":
                messages.error(request, f"{organisation.name}: {error.message}")
                return redirect("web:coordination")
            add_domain_error(form, error)
        else:
            messages.success(request, done % {"name": organisation.name})
            return redirect("web:coordination")
    failed = {"pk": pk, "action": action, "form": form}
    return _overview(request, failed=failed, status=400)


@coordinator_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        action="approve",
        service=services.organisation_approve,
        form_class=ReasonForm,
        done=_("„%(name)s“ ist freigegeben."),
    )


@coordinator_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        action="reject",
        service=services.organisation_reject,
        form_class=RequiredReasonForm,
        done=_("„%(name)s“ ist abgelehnt."),
    )


@coordinator_required
@require_POST
def suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        action="suspend",
        service=services.organisation_suspend,
        form_class=RequiredReasonForm,
        done=_("„%(name)s“ ist gesperrt."),
    )

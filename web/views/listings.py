"""Offers: the search on the start page, an offer's page, and a company's own offers (post and
edit the three kinds with their slots, unavailable dates and photos; publish, pause, close,
delete). Every write is a listings service; the search is listings.search with the API's
checks of its parameters."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import ValidationError as ApiValidationError

from listings import selectors, services
from listings.handover import handover_text
from listings.models import (
    Equipment,
    EquipmentPhoto,
    Listing,
    ListingKind,
)
from listings.params import search_request
from listings.search import search
from marketplace.errors import DomainError, NotAllowed
from marketplace.models import OrganisationKind
from marketplace.pagination import paginate
from marketplace.selectors import approved_organisations_of, is_member, is_network_member
from needs.selectors import fitting_needs
from network.selectors import upcoming_public_events

from .. import access, need_offers, offers
from ..booking_box import booking_form_context
from ..forms import add_domain_error, add_validation_error
from ..forms.listings import (
    OFFER_FORMS,
    PhotoForm,
    ReasonForm,
    SearchForm,
    SlotFormSet,
    UnavailableFormSet,
)
from .core import safe_next
from .organisations import page_context

PAGE_SIZE = 12
# The kinds in paths (/organisationen/3/angebote/neu/ausleihe/).
KIND_SLUGS = {
    "freiwilligenaktion": ListingKind.VOLUNTEER_ACTION,
    "ausleihe": ListingKind.EQUIPMENT,
    "stellenangebot": ListingKind.JOB,
}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
DISPLAY_SELECTORS = {
    ListingKind.VOLUNTEER_ACTION: selectors.volunteer_actions_for_display,
    ListingKind.EQUIPMENT: selectors.equipment_for_display,
    ListingKind.JOB: selectors.job_offers_for_display,
}
ROWS_PREFIX = {ListingKind.VOLUNTEER_ACTION: "slots", ListingKind.EQUIPMENT: "unavailable"}
# A blank row or two to fill in, without JavaScript; "more rows" adds this many.
EXTRA_ROWS = 2


# --- search -----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """The start page: the search with the latest offers first, for everyone. Visitors outside
    the network see the offers that are not members-only, and an invitation to join."""
    form = SearchForm(request.GET or None)
    cards, next_cursor, status, partial = [], None, 200, False
    public_only = not is_network_member(request.user)
    if not form.is_bound or form.is_valid():
        try:
            cards, next_cursor = _search(form, request.GET.get("cursor"), public_only=public_only)
        except _FormHasErrors:
            status = 400
        except DomainError as error:
            add_domain_error(form, error)
            status = 400
    else:
        status = 400
    if status == 400:
        # The form stays as typed, with its errors; below it the offers that the rest of the
        # filters find, so a slip in one field does not empty the page.
        cards, partial = _search_without_errors(form, public_only=public_only), True
    next_url = ""
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_url = f"?{params.urlencode()}"
    return render(
        request,
        "web/listings/search.html",
        {
            "form": form,
            "cards": cards,
            "next_url": next_url,
            "nav": "offers",
            "partial_results": partial,
            "is_start": not form.is_bound and not request.GET.get("cursor"),
            # The next public events of the network, on the start page only.
            "upcoming_events": list(upcoming_public_events().order_by("starts_at", "id")[:3])
            if not form.is_bound and not request.GET.get("cursor")
            else [],
            # A company member's start page: the open needs that fit the company best.
            "fitting_needs": _fitting_needs(request)
            if not form.is_bound and not request.GET.get("cursor")
            else [],
        },
        status=status,
    )


def _fitting_needs(request: HttpRequest) -> list:
    if not request.user.is_authenticated:
        return []
    companies = approved_organisations_of(request.user).filter(kind=OrganisationKind.COMPANY)
    company_id = companies.values_list("id", flat=True).order_by("name", "id").first()
    return fitting_needs(company_id, limit=3) if company_id else []


def _search_without_errors(form: SearchForm, *, public_only: bool) -> list:
    """The first page of results for the filters of `form` that have no error."""
    data = form.data.copy()
    for name in form.errors:
        data.pop(name, None)
    # A range with an error in one end is left out whole.
    for first, second in SearchForm.RANGES:
        if first in form.errors or second in form.errors:
            data.pop(first, None)
            data.pop(second, None)
    data.pop("cursor", None)
    fallback = SearchForm(data)
    if not fallback.is_valid():
        return []
    try:
        cards, _cursor = _search(fallback, None, public_only=public_only)
    except (_FormHasErrors, DomainError):
        return []
    return cards


def _search(form: SearchForm, cursor: str | None, *, public_only: bool):
    """One page of results; the filters are checked by the API's own parameter parser."""
    params = QueryDict(mutable=True)
    params.update(form.api_params() if form.is_bound else {})
    if cursor:
        params["cursor"] = cursor
    params["page_size"] = str(PAGE_SIZE)
    try:
        asked = search_request(params, public_only=public_only)
    except ApiValidationError as error:
        for field, errors in error.detail.items():
            for message in errors if isinstance(errors, list) else [errors]:
                form.add_error(
                    field if field in form.fields else None, form.in_labels(str(message))
                )
        raise _FormHasErrors from None
    queryset, ordering = search(asked.filters)
    page = paginate(queryset, ordering, cursor=asked.cursor, size=PAGE_SIZE)
    return offers.cards_for(page.rows), page.next_cursor


class _FormHasErrors(Exception):
    """The search form already shows what is wrong."""


# --- an offer's page --------------------------------------------------------------------------


def _visible_or_404(request: HttpRequest, pk: int) -> Listing:
    listing = (
        selectors.visible_listings(request.user)
        .select_related("organisation")
        .filter(pk=pk)
        .first()
    )
    if listing is None:
        raise Http404(_("Dieses Angebot gibt es nicht."))
    return listing


def _specific(request: HttpRequest, listing: Listing):
    return DISPLAY_SELECTORS[listing.kind](request.user).get(pk=listing.pk)


def specific_visible_or_404(request: HttpRequest, pk: int):
    """The offer (its kind's own row) if the person may see it."""
    return _specific(request, _visible_or_404(request, pk))


def offer_page(
    request: HttpRequest, offer, *, booking_form=None, status: int = 200, waitlist_form=None
):
    context = {
        "offer": offer,
        "is_owner": is_member(request.user, offer.organisation),
        "nav": "offers",
    }
    if offer.kind == ListingKind.VOLUNTEER_ACTION:
        context["slots"] = [slot for slot in offer.slots.all() if slot.end > timezone.now()]
    elif offer.kind == ListingKind.EQUIPMENT:
        context["weeks"] = offers.availability_weeks(offer)
        context["handover_text"] = handover_text(offer)
        context["weekday_names"] = [WEEKDAYS_ABBR[day] for day in range(7)]
        context["photos"] = list(offer.photos.all())
    context.update(booking_form_context(request, offer, booking_form))
    if waitlist_form is not None:
        context["waitlist_form"] = waitlist_form
    return render(request, "web/listings/detail.html", context, status=status)


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Open to visitors: published public offers; requesting one asks them to sign in.
    return offer_page(request, specific_visible_or_404(request, pk))


# --- our offers -------------------------------------------------------------------------------


@login_required
def organisation_offers(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.inside_or_404(request.user, pk)
    listings = (
        selectors.visible_listings(request.user)
        .filter(organisation=organisation)
        .select_related("category")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "web/listings/organisation_offers.html",
        page_context(
            request,
            organisation,
            "offers",
            listings=listings,
            kind_slugs=SLUG_OF_KIND,
            is_company=organisation.kind == OrganisationKind.COMPANY,
        ),
    )


def _rows_formset(kind, data, *, initial, extra: int):
    if kind not in ROWS_PREFIX:
        return None
    formset_class = SlotFormSet if kind == ListingKind.VOLUNTEER_ACTION else UnavailableFormSet
    if data is not None:
        return formset_class(data, prefix=ROWS_PREFIX[kind])
    formset = formset_class(initial=initial, prefix=ROWS_PREFIX[kind])
    formset.extra = extra
    return formset


def _with_more_rows(data, prefix: str):
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total + EXTRA_ROWS, 100))
    return data


def _initial_rows(offer) -> list[dict]:
    if offer is None:
        return []
    if offer.kind == ListingKind.VOLUNTEER_ACTION:
        return [
            {
                "id": slot.pk,
                "start": slot.start,
                "end": slot.end,
                "volunteers_available": slot.volunteers_available,
            }
            for slot in offer.slots.all()
        ]
    if offer.kind == ListingKind.EQUIPMENT:
        from listings import capacity

        return [
            {"first_day": period.start, "last_day": period.last_day}
            for period in capacity.blocked_periods(offer)
        ]
    return []


def _annotate_held(formset, offer) -> None:
    """Show next to each existing slot how many places are promised."""
    if formset is None or offer is None or offer.kind != ListingKind.VOLUNTEER_ACTION:
        return
    held = {slot.pk: slot.volunteers_held for slot in offer.slots.all()}
    for form in formset.forms:
        try:
            form.held = held.get(int(form["id"].value() or 0), 0)
        except (TypeError, ValueError):
            form.held = 0


def _offer_form_page(
    request: HttpRequest, organisation, kind: str, offer=None, need=None
) -> HttpResponse:
    """The new-offer and edit page; a `need` (a new offer made from it) fills the new offer in
    and, once saved and published, leads back to the need (web/need_offers.py)."""
    form_class = OFFER_FORMS[kind]
    from_need, need_rows = need_offers.prefill(need, kind) if need else ({}, [])
    instance = (
        copy.copy(offer)
        if offer
        else form_class._meta.model(
            organisation=organisation,
            **services.offer_defaults(kind=kind, organisation=organisation, by=request.user),
            **from_need,
        )
    )
    data = request.POST if request.method == "POST" else None
    more_rows = data is not None and "more_rows" in data and kind in ROWS_PREFIX
    if more_rows:
        data = _with_more_rows(data, ROWS_PREFIX[kind])
    files = request.FILES if data is not None else None
    form = form_class(data, files, instance=instance)
    rows = _rows_formset(
        kind,
        data,
        initial=_initial_rows(offer) or need_rows,
        extra=EXTRA_ROWS if offer is None else 1,
    )
    rows_error, status = "", 200
    if data is not None and not more_rows:
        rows_valid = rows is None or rows.is_valid()
        if form.is_valid() and rows_valid:
            try:
                saved = _save_offer(request, organisation, kind, offer, form, rows)
            except ValidationError as error:
                add_validation_error(form, error)
            except DomainError as error:
                if error.field in ROWS_PREFIX.values():
                    rows_error = error.message
                else:
                    add_domain_error(form, error)
                status = error.status_code
            else:
                if need is not None:
                    return _publish_for_need(request, need, saved)
                messages.success(
                    request,
                    _("Das Angebot ist gespeichert.")
                    if offer
                    else _(
                        "Das Angebot ist als Entwurf gespeichert. Veröffentlichen Sie es, "
                        "wenn alles stimmt."
                    ),
                )
                if offer is None and kind == ListingKind.EQUIPMENT:
                    messages.info(request, _photos_note(len(form.cleaned_data.get("photos", []))))
                return redirect("web:offer", pk=saved.pk)
        status = status if status != 200 else 400
    _annotate_held(rows, offer)
    return render(
        request,
        "web/listings/offer_form.html",
        page_context(
            request,
            organisation,
            "offers",
            form=form,
            rows=rows,
            rows_error=rows_error,
            kind=kind,
            kind_label=ListingKind(kind).label,
            offer=offer,
            need=need,
            photos=list(offer.photos.all()) if kind == ListingKind.EQUIPMENT and offer else [],
            photo_form=PhotoForm(),
        ),
        status=status,
    )


def _publish_for_need(request: HttpRequest, need, saved) -> HttpResponse:
    """A new offer made from a need is published at once, so that it can be proposed; what
    keeps it from being published leaves it a draft on its own page, with the reason."""
    try:
        services.listing_publish(listing=saved, by=request.user)
    except DomainError as error:
        messages.info(request, _("Das Angebot ist als Entwurf gespeichert."))
        messages.error(request, error.message)
        return redirect("web:offer", pk=saved.pk)
    messages.success(
        request,
        _("Das Angebot ist veröffentlicht. Schicken Sie es jetzt als Vorschlag zum Gesuch."),
    )
    return redirect(need_offers.back_to_need(need, saved))


def _photos_note(count: int) -> str:
    """After posting an item: where its photos are added, replaced and deleted from now on."""
    where = _("Fotos hinzufügen oder löschen Sie unter „Bearbeiten“, im Abschnitt „Fotos“.")
    if not count:
        return where
    uploaded = ngettext("%(n)d Foto ist hochgeladen.", "%(n)d Fotos sind hochgeladen.", count) % {
        "n": count
    }
    return f"{uploaded} {where}"


def _save_offer(request, organisation, kind, offer, form, rows):
    fields = form.service_fields()
    nested = {}
    if kind == ListingKind.VOLUNTEER_ACTION:
        nested["slots"] = [row.spec() for row in rows.kept_forms()]
    elif kind == ListingKind.EQUIPMENT:
        nested["unavailable"] = [row.period() for row in rows.kept_forms()]
    if offer is None:
        create = {
            ListingKind.VOLUNTEER_ACTION: services.volunteer_action_create,
            ListingKind.EQUIPMENT: services.equipment_create,
            ListingKind.JOB: services.job_offer_create,
        }[kind]
        with transaction.atomic():  # a bad photo leaves no offer behind
            created = create(by=request.user, organisation=organisation, **nested, **fields)
            uploads = form.cleaned_data.get("photos") or []
            if uploads:
                try:
                    services.equipment_photos_add(item=created, by=request.user, uploads=uploads)
                except DomainError as error:
                    error.field = "photos"
                    raise
        return created
    if kind == ListingKind.VOLUNTEER_ACTION:
        return services.volunteer_action_update(action=offer, by=request.user, **nested, **fields)
    if kind == ListingKind.EQUIPMENT:
        return services.equipment_update(item=offer, by=request.user, **nested, **fields)
    return services.job_offer_update(job=offer, by=request.user, **fields)


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest, pk: int, kind_slug: str) -> HttpResponse:
    organisation = access.inside_or_404(request.user, pk)
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    if organisation.kind != OrganisationKind.COMPANY:
        raise NotAllowed(_("Nur Unternehmen können Angebote einstellen."))
    if organisation.my_role is None:
        raise NotAllowed(_("Nur Mitglieder der anbietenden Organisation dürfen das."))
    need = need_offers.need_to_answer(request, organisation, kind)
    return _offer_form_page(request, organisation, kind, need=need)


def _own_offer(request: HttpRequest, pk: int):
    """An offer the person may see and, as a member of its organisation, manage (else 403)."""
    listing = _visible_or_404(request, pk)
    if not is_member(request.user, listing.organisation):
        raise NotAllowed(_("Nur Mitglieder der anbietenden Organisation dürfen das."))
    return listing


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _own_offer(request, pk)
    offer = _specific(request, listing)
    organisation = access.inside_or_404(request.user, listing.organisation_id)
    return _offer_form_page(request, organisation, offer.kind, offer)


STATUS_SERVICES = {
    "veroeffentlichen": (services.listing_publish, _("Das Angebot ist veröffentlicht.")),
    "pausieren": (services.listing_pause, _("Das Angebot ist pausiert.")),
    "schliessen": (services.listing_close, _("Das Angebot ist geschlossen.")),
}


@login_required
@require_POST
def offer_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish, pause or close; members, and the coordinator may pause and close (moderation)."""
    if action not in STATUS_SERVICES:
        raise Http404
    listing = _visible_or_404(request, pk)
    service, done = STATUS_SERVICES[action]
    extra = {}
    if action != "veroeffentlichen":
        form = ReasonForm(request.POST)
        extra = {"reason": form.cleaned_data["reason"]} if form.is_valid() else {}
    try:
        service(listing=listing, by=request.user, **extra)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(done))
    return redirect(safe_next(request, reverse("web:offer", args=[pk])))


@login_required
@require_POST
def offer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _own_offer(request, pk)
    try:
        services.listing_delete(listing=listing, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:offer", pk=pk)
    messages.success(request, _("Das Angebot ist gelöscht."))
    return redirect("web:organisation-offers", pk=listing.organisation_id)


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _own_offer(request, pk)
    item = get_object_or_404(Equipment.objects.select_related("organisation"), pk=listing.pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("image", [])))
    else:
        uploads = form.cleaned_data["image"]
        try:
            services.equipment_photos_add(item=item, by=request.user, uploads=uploads)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext("Das Foto ist hochgeladen.", "%(n)d Fotos sind hochgeladen.", len(uploads))
                % {"n": len(uploads)},
            )
    return redirect(reverse("web:offer-edit", args=[pk]) + "#photos-heading")


@login_required
@require_POST
def photo_delete(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    listing = _own_offer(request, pk)
    photo = get_object_or_404(
        EquipmentPhoto.objects.select_related("item__organisation"), pk=photo_id, item_id=listing.pk
    )
    try:
        services.equipment_photo_delete(photo=photo, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Das Foto ist gelöscht."))
    return redirect("web:offer-edit", pk=pk)

"""A new offer made from a need (issue 15): the need's page links a company's member to the
ordinary new-offer page with `?gesuch=<need id>`; that page starts filled in from the need, and
once the offer is saved and published it sends the person back to the need with the proposal
form preselecting the new slot or item. Only the prefill and the way back live here: the offer
is the one form and the one listings service as always."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.models import ListingKind, VolunteerAction
from listings.services.common import MAX_SLOT_LENGTH
from marketplace.errors import NotFound
from needs.models import HelpKind, Need, NeedStatus
from needs.selectors import need_or_404

# The needs a new offer can answer, and the offer's kind for them; goods, money and
# placements are answered with a message only.
OFFER_KIND_OF = {
    HelpKind.VOLUNTEERS: ListingKind.VOLUNTEER_ACTION,
    HelpKind.EQUIPMENT: ListingKind.EQUIPMENT,
}
# A prefilled slot's hours on the need's day(s); the person changes them as needed.
SLOT_STARTS, SLOT_ENDS = dt.time(9), dt.time(17)
# The query parameters: the need on the offer page, the new offer on the need's page.
NEED_PARAM, OFFER_PARAM = "gesuch", "angebot"


def new_offer_links(need: Need, companies, kind_slugs: dict) -> list[tuple[str, str]]:
    """(label, url) per company that may answer the need with a new offer; none for a need
    that no offer of ours fits."""
    kind = OFFER_KIND_OF.get(need.help_kind)
    if kind is None or need.status != NeedStatus.PUBLISHED:
        return []
    links = []
    for company in companies:
        url = reverse("web:offer-create", args=[company.pk, kind_slugs[kind]])
        label = _("Neues Angebot aus diesem Gesuch anlegen")
        if len(companies) > 1:
            label = f"{label} ({company.name})"
        links.append((label, f"{url}?{NEED_PARAM}={need.pk}"))
    return links


def need_to_answer(request, organisation, kind: str) -> Need | None:
    """The need named by `?gesuch=`, if this company may answer it with an offer of this kind;
    otherwise None and the page is the plain new-offer page."""
    try:
        pk = int(request.GET.get(NEED_PARAM, ""))
    except ValueError:
        return None
    try:
        need = need_or_404(request.user, pk)
    except NotFound:
        return None
    if (
        need.status != NeedStatus.PUBLISHED
        or OFFER_KIND_OF.get(need.help_kind) != kind
        or need.organisation_id == organisation.pk
    ):
        return None
    return need


def prefill(need: Need, kind: str) -> tuple[dict, list[dict]]:
    """The new offer's fields and its first slot (volunteers) as the need suggests them."""
    fields = {"title": need.title[:200], "description": need.description, "category": need.category}
    rows = []
    if kind == ListingKind.VOLUNTEER_ACTION:
        if need.place:
            fields["notes"] = _("Ort laut Gesuch: %(place)s") % {"place": need.place}
        if need.date_from:
            rows.append(_slot_row(need))
    elif kind == ListingKind.EQUIPMENT and need.quantity:
        fields["quantity"] = min(need.quantity, 500)
    return fields, rows


def _slot_row(need: Need) -> dict:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(need.date_from, SLOT_STARTS, tzinfo=zone)
    end = dt.datetime.combine(need.last_day, SLOT_ENDS, tzinfo=zone)
    if end - start > MAX_SLOT_LENGTH:  # a long range: its first day, more slots by hand
        end = dt.datetime.combine(need.date_from, SLOT_ENDS, tzinfo=zone)
    return {"start": start, "end": end, "volunteers_available": min(need.quantity or 1, 1000)}


def back_to_need(need: Need, offer) -> str:
    """The need's page with the new offer preselected in the proposal form."""
    if isinstance(offer, VolunteerAction):
        slot = offer.slots.order_by("start", "id").first()
        choice = f"slot:{slot.pk}" if slot else ""
    else:
        choice = f"item:{offer.pk}"
    url = reverse("web:need", args=[need.pk])
    return f"{url}?{OFFER_PARAM}={choice}#propose-heading" if choice else url

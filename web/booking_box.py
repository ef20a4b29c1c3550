"""The booking box on an offer's page: the request form for the offer's kind, or why the person
cannot book it. Used by the offer's page and by the booking POST that re-shows it."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.handover import handover_text
from listings.models import ListingKind, ListingStatus
from marketplace.models import Membership, OrganisationKind, OrganisationStatus
from marketplace.selectors import has_organisation

from .forms.bookings import EquipmentRequestForm, ReferralForm, VolunteerRequestForm
from .waitlist_box import waitlist_box_context


def _social_organisations(user):
    """The approved social organisations the person may book for."""
    return [
        membership.organisation
        for membership in Membership.objects.filter(
            user=user,
            organisation__kind=OrganisationKind.SOCIAL,
            organisation__status=OrganisationStatus.APPROVED,
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def _bookable_slots(offer):
    now = timezone.now()
    return [
        slot
        for slot in offer.slots.all()
        if slot.start > now and slot.volunteers_held < slot.volunteers_available
    ]


def request_form(offer, user, data=None):
    organisations = _social_organisations(user)
    if offer.kind == ListingKind.VOLUNTEER_ACTION:
        return VolunteerRequestForm(
            data,
            organisations=organisations,
            slots=_bookable_slots(offer),
            initial={
                "volunteers": offer.min_volunteers_per_booking or 1,
                "contact_name": user.full_name,
                "contact_email": user.email,
            },
        )
    if offer.kind == ListingKind.EQUIPMENT:
        form = EquipmentRequestForm(data, organisations=organisations, initial={"units": 1})
        # Which days can be chosen, before anyone picks a closed one.
        form.fields["pickup_on"].help_text = _("Abholung und Rückgabe: %(days)s") % {
            "days": handover_text(offer)
        }
        return form
    return ReferralForm(
        data, organisations=organisations, initial={"consent_date": timezone.localdate()}
    )


def booking_form_context(request: HttpRequest, offer, form=None) -> dict:
    """The booking box on an offer's page: the form, or why the person cannot book."""
    user = request.user
    if not user.is_authenticated:
        return {
            "booking_note": _(
                "Um dieses Angebot anzufragen, melden Sie sich bitte an – oder registrieren Sie "
                "Ihre Organisation im Netzwerk."
            ),
            "visitor": True,
        }
    if Membership.objects.filter(user=user, organisation_id=offer.organisation_id).exists():
        return {
            "booking_note": _("Das ist ein Angebot Ihrer Organisation."),
            **waitlist_box_context(offer, user, (), owner=True),
        }
    if offer.status != ListingStatus.PUBLISHED:
        return {"booking_note": _("Dieses Angebot ist gerade nicht buchbar.")}
    organisations = _social_organisations(user)
    if not organisations:
        return {
            "booking_note": _(
                "Buchen können Mitglieder freigegebener sozialer Organisationen. Melden Sie Ihre "
                "Organisation an oder lassen Sie sich einladen."
            ),
            # Someone in no organisation at all learns there how to get into one.
            "no_organisation": not has_organisation(user),
        }
    return {
        "booking_form": form or request_form(offer, user),
        **waitlist_box_context(offer, user, organisations, owner=False),
    }

"""Reads of bookings that the API, pages and reports share.

A booking is visible to the members of its two organisations and to the coordinator; everyone
else is told it does not exist (404).
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import InvalidInput, NotAllowed
from marketplace.models import Membership, Organisation, OrganisationKind, User

from .models import Booking, BookingEvent, BookingMessage


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    """Bookings the person may see, each annotated with `as_requester` and `as_provider`
    (whether the person belongs to that side). One query; memberships are subqueries."""
    if not user.is_authenticated:
        return Booking.objects.none()
    mine = Membership.objects.filter(user=user)
    queryset = Booking.objects.annotate(
        as_requester=Exists(mine.filter(organisation_id=OuterRef("requester_id"))),
        as_provider=Exists(mine.filter(organisation_id=OuterRef("provider_id"))),
    )
    if user.is_coordinator:
        return queryset
    own = mine.values("organisation_id")
    return queryset.filter(Q(requester_id__in=own) | Q(provider_id__in=own))


EVENTS = BookingEvent.objects.select_related("by").order_by("at", "id")


def bookings_for_display(user: User) -> QuerySet[Booking]:
    """Visible bookings with everything the API shows, in a constant number of queries."""
    return (
        bookings_visible_to(user)
        .select_related("listing", "requester", "provider", "slot")
        .prefetch_related(Prefetch("events", queryset=EVENTS))
    )


def messages_of(booking: Booking) -> QuerySet[BookingMessage]:
    return (
        BookingMessage.objects.filter(booking=booking)
        .select_related("author", "organisation")
        .order_by("created_at", "id")
    )


def requesting_organisation(user: User, organisation_id: int | None) -> Organisation:
    """The organisation a person books for: the one named, or their only social organisation.

    Raises InvalidInput when none is named and the person has none or several, NotAllowed when
    the person does not belong to the one named.
    """
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    if organisation_id is not None:
        membership = memberships.filter(organisation_id=organisation_id).first()
        if membership is None:
            raise NotAllowed(_("Sie können nur für eine Organisation buchen, der Sie angehören."))
        return membership.organisation
    social = [m.organisation for m in memberships if m.organisation.kind == OrganisationKind.SOCIAL]
    if len(social) != 1:
        raise InvalidInput(
            _("Bitte angeben, für welche Organisation Sie buchen."), field="organisation"
        )
    return social[0]

"""Reads of requests for several items (BookingGroup): visible, like their bookings, to the
members of the two organisations and to the coordinator; everyone else is told they do not
exist (404)."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from marketplace.models import User

from .models import Booking, BookingGroup, BookingState
from .selectors import visible_to_sides
from .states import Side, actions_now

S = BookingState


def groups_visible_to(user: User) -> QuerySet[BookingGroup]:
    """Groups the person may see, annotated with `as_requester` and `as_provider`."""
    return visible_to_sides(BookingGroup, user)


ITEMS = Booking.objects.select_related("listing").order_by("listing_id", "id")


def groups_for_display(user: User) -> QuerySet[BookingGroup]:
    """Visible groups with their items, in a constant number of queries."""
    return (
        groups_visible_to(user)
        .select_related("requester", "provider", "created_by")
        .prefetch_related(Prefetch("bookings", queryset=ITEMS, to_attr="items"))
    )


def group_or_404(user: User, pk: int) -> BookingGroup:
    group = groups_for_display(user).filter(pk=pk).first()
    if group is None:
        raise NotFound(_("Sammelanfrage nicht gefunden."))
    return group


def sides_of_group(group: BookingGroup) -> set[Side]:
    """The sides the reading person belongs to (annotated by groups_visible_to)."""
    sides = set()
    if getattr(group, "as_requester", False):
        sides.add(Side.REQUESTER)
    if getattr(group, "as_provider", False):
        sides.add(Side.PROVIDER)
    return sides


def item_actions(group: BookingGroup, booking: Booking) -> list[str]:
    """What the reading person may do to one item now (the single booking's actions)."""
    return actions_now(booking, sides_of_group(group), timezone.localdate())


def group_actions(group: BookingGroup) -> list[str]:
    """The group's steps open to the reading person now: answer, hand_over, return, cancel."""
    sides = sides_of_group(group)
    states = {b.state for b in group.items}
    today = timezone.localdate()
    found = []
    if Side.PROVIDER in sides:
        if S.REQUESTED in states:
            found.append("answer")
        if S.CONFIRMED in states and group.pickup_on <= today:
            found.append("hand_over")
        if states & {S.HANDED_OVER, S.OVERDUE}:
            found.append("return")
    if Side.REQUESTER in sides and states & {S.REQUESTED, S.CONFIRMED}:
        found.append("cancel")
    return found

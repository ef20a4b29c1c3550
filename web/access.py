"""Which organisation a page may show to whom, with the same answers as the API.

Visibility itself is Organisation.objects.visible_to() (marketplace/models.py); roles come from
Membership. What a person may not see is a 404, what they may see but not do is a 403: the
services check the right to act again, so a page that forgets a check cannot break a rule.
"""

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from marketplace.errors import NotAllowed
from marketplace.models import Membership, Organisation, Role, User


def organisations_for(user: User):
    """Organisations the person may see, each with `my_role` (None when not a member)."""
    role = Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("role")
    return Organisation.objects.visible_to(user).annotate(my_role=Subquery(role[:1]))


def organisation_or_404(user: User, pk: int) -> Organisation:
    organisation = organisations_for(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("Organisation nicht gefunden."))
    return organisation


def belongs(user: User, organisation: Organisation) -> bool:
    """Members and the coordinator see the organisation's inside (members, offers, bookings)."""
    return organisation.my_role is not None or user.is_coordinator


def manages(user: User, organisation: Organisation) -> bool:
    """Admins and the coordinator edit the profile, tax data, members and invitations."""
    return organisation.my_role == Role.ADMIN or user.is_coordinator


def inside_or_404(user: User, pk: int) -> Organisation:
    organisation = organisation_or_404(user, pk)
    if not belongs(user, organisation):
        raise Http404(_("Organisation nicht gefunden."))
    return organisation


def managed_or_error(user: User, pk: int) -> Organisation:
    """For admin pages: outsiders get 404, members who are not admins 403."""
    organisation = inside_or_404(user, pk)
    if not manages(user, organisation):
        raise NotAllowed(_("Nur Administrator*innen der Organisation dürfen das."))
    return organisation


def my_organisations(user: User):
    return organisations_for(user).filter(memberships__user=user).order_by("name", "id")

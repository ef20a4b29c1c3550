"""Which organisation a page may show to whom, with the same answers as the API.

Visibility and roles come from marketplace.selectors (organisations_for, belongs, manages),
which the API uses too. What a person may not see is a 404, what they may see but not do is a
403: the services check the right to act again, so a page that forgets a check cannot break a
rule.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from marketplace.errors import NotAllowed
from marketplace.models import Organisation, User
from marketplace.selectors import belongs, manages, organisations_for


def organisation_or_404(user: User, pk: int) -> Organisation:
    organisation = organisations_for(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("Organisation nicht gefunden."))
    return organisation


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

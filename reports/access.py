"""Who gets which report: the network report (with its per-organisation table) is the
coordinator's; an organisation's report is for its admins and the coordinator. Everyone else is
told it does not exist (NotFound, a 404), as the issue asks."""

from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from marketplace.models import Organisation, OrganisationKind, User
from marketplace.selectors import is_admin

from .figures import Report, build_report
from .periods import Period


def network_report_for(user: User, period: Period, *, with_table: bool = True) -> Report:
    if not (user.is_authenticated and user.is_coordinator):
        raise NotFound(_("Bericht nicht gefunden."))
    return build_report(period, with_table=with_table)


def reported_organisation(user: User, organisation_id: int) -> Organisation:
    """The organisation whose report the person may see (its admin, or the coordinator)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not user.is_authenticated:
        raise NotFound(_("Bericht nicht gefunden."))
    if not (user.is_coordinator or is_admin(user, organisation)):
        raise NotFound(_("Bericht nicht gefunden."))
    return organisation


def organisation_report_for(user: User, organisation_id: int, period: Period) -> Report:
    organisation = reported_organisation(user, organisation_id)
    return build_report(period, organisation=organisation)


def engagement_report_for(user: User, organisation_id: int, period: Period) -> Report:
    """A company's Engagement-Bericht: only companies have one."""
    organisation = reported_organisation(user, organisation_id)
    if organisation.kind != OrganisationKind.COMPANY:
        raise NotFound(_("Einen Engagement-Bericht gibt es für Unternehmen."))
    return build_report(period, organisation=organisation, with_table=False)

"""Who hears about a need and its proposals, and what the e-mail says (its context).

Called by needs.services inside the transaction of the change; notify() writes the outbox rows
there and sends after commit. Organisations are told through notify_organisation() (admins
always, other members unless they switched the kind off); the digest goes to each person on
their own (notify(), so everyone, admins too, may switch it off). Event keys name each step
once (f"proposal:{id}:accepted"), so a repeated call sends nothing twice.
"""

from django.conf import settings

from notifications.services import notify, notify_organisation

from .models import Need, Proposal

DATE = "%d.%m.%Y"


def need_url(need: Need) -> str:
    return f"{settings.SITE_URL}{need.path}"


def when(need: Need) -> str:
    """The need's date(s) as people in Berlin write them; "" when flexible."""
    if need.date_from is None:
        return ""
    if need.date_until and need.date_until != need.date_from:
        return f"{need.date_from:{DATE}} – {need.date_until:{DATE}}"
    return f"{need.date_from:{DATE}}"


def context(need: Need, proposal: Proposal | None = None, **extra) -> dict:
    data = {
        "need_id": need.pk,
        "need_title": need.title,
        "need_organisation": need.organisation.name,
        "when": when(need),
        "url": need_url(need),
    }
    if proposal is not None:
        data.update(
            proposal_id=proposal.pk,
            company_name=proposal.organisation.name,
            message=proposal.message,
        )
    data.update(extra)
    return data


def proposal_received(need: Need, proposal: Proposal) -> None:
    notify_organisation(
        kind="need_proposal_received",
        organisation=need.organisation,
        context=context(need, proposal),
        event_key=f"proposal:{proposal.pk}:received",
    )


def proposal_accepted(need: Need, proposal: Proposal) -> None:
    notify_organisation(
        kind="need_proposal_accepted",
        organisation=proposal.organisation,
        context=context(
            need,
            proposal,
            message=proposal.answer,
            booking_url=(
                f"{settings.SITE_URL}{proposal.booking.path}" if proposal.booking_id else ""
            ),
        ),
        event_key=f"proposal:{proposal.pk}:accepted",
    )


def proposal_declined(need: Need, proposal: Proposal) -> None:
    notify_organisation(
        kind="need_proposal_declined",
        organisation=proposal.organisation,
        context=context(need, proposal, message=proposal.answer),
        event_key=f"proposal:{proposal.pk}:declined",
    )


def need_ended(need: Need, proposal: Proposal) -> None:
    """The need was fulfilled or closed while the company's proposal was still open."""
    notify_organisation(
        kind="need_ended",
        organisation=proposal.organisation,
        context=context(need, proposal, fulfilled=need.status == "fulfilled", message=""),
        event_key=f"proposal:{proposal.pk}:need_{need.status}",
    )


def digest(user, needs: list[Need], *, day) -> int:
    """One e-mail listing the fitting needs published since the person's last digest."""
    items = [
        {
            "title": need.title,
            "organisation": need.organisation.name,
            "when": when(need),
            "url": need_url(need),
        }
        for need in needs
    ]
    return len(
        notify(
            kind="needs_digest",
            recipients=[user],
            context={
                "needs": items,
                "needs_count": len(items),
                "url": f"{settings.SITE_URL}/gesuche/passend/",
            },
            event_key=f"needs-digest:{user.pk}:{day.isoformat()}",
        )
    )

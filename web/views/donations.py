"""Donations and receipts: an organisation's donations (given by a company, received by a social
organisation), recording one, a donation's page with the receiving side's answer, the receipts
with their corrections, collective receipts, and the PDFs (receipts and the participation
confirmation of a volunteer action).

Every read goes through donations.selectors and every write through donations.services, the
same as /api/v1/donations/: who may see a donation or receipt, and who may do what with it, is
decided there. What a person may not see is a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from donations import participation, services
from donations.models import Donation, DonationState, Receipt, ReceiptKind
from donations.selectors import (
    donations_for_display,
    donations_visible_to,
    donors_due,
    problem_with,
    receipt_problem,
    receipts_for_display,
    receipts_visible_to,
    valid_receipt_of,
)
from marketplace.errors import DomainError
from marketplace.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    TaxExemption,
    User,
)

from .. import access
from ..forms import add_domain_error
from ..forms.donations import (
    DONATION_FORMS,
    KIND_SLUGS,
    CollectiveForm,
    ConfirmForm,
    NoInputForm,
    ReissueForm,
    RejectForm,
    YearForm,
)
from .organisations import page_context

PAGE_SIZE = 25

STATE_FILTERS = {
    "alle": Q(),
    "offen": Q(state=DonationState.RECORDED),
    "bestaetigt": Q(state=DonationState.CONFIRMED),
    "abgelehnt": Q(state=DonationState.REJECTED),
}


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _valid_receipt(donation: Donation) -> Receipt | None:
    """The valid receipt loaded by donations_for_display (no query)."""
    items = donation.valid_items
    return items[0].receipt if items else None


def _problem(donation: Donation) -> str:
    """Why a confirmed donation without a receipt cannot get one now, from the recipient's
    tax-exemption data loaded with it (as the API's receipt_problem)."""
    if donation.state != DonationState.CONFIRMED or donation.valid_items:
        return ""
    try:
        exemption = donation.recipient.tax_exemption
    except TaxExemption.DoesNotExist:
        exemption = None
    return problem_with(donation.recipient, exemption, timezone.localdate())


def _organisation_problem(organisation: Organisation) -> str:
    """For a social organisation's pages: what stops it issuing receipts today."""
    if organisation.kind != OrganisationKind.SOCIAL:
        return ""
    return receipt_problem(organisation, timezone.localdate())


def _tabs_context(request, organisation, subtab: str, **context) -> dict:
    return page_context(
        request,
        organisation,
        "donations",
        subtab=subtab,
        problem=_organisation_problem(organisation),
        **context,
    )


# --- an organisation's donations ------------------------------------------------------------


@login_required
def organisation_donations(request: HttpRequest, pk: int) -> HttpResponse:
    """A company's donations, or the donations a social organisation received."""
    organisation = access.inside_or_404(request.user, pk)
    shown = request.GET.get("zeigen", "alle")
    if shown not in STATE_FILTERS:
        shown = "alle"
    side = (
        Q(recipient=organisation)
        if organisation.kind == OrganisationKind.SOCIAL
        else Q(donor_organisation=organisation)
    )
    queryset = (
        donations_for_display(request.user)
        .filter(side, STATE_FILTERS[shown])
        .order_by("-recorded_at", "-id")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("seite"))
    rows = [
        {"donation": donation, "receipt": _valid_receipt(donation), "problem": _problem(donation)}
        for donation in page.object_list
    ]
    is_company = organisation.kind == OrganisationKind.COMPANY
    return render(
        request,
        "web/donations/list.html",
        _tabs_context(
            request,
            organisation,
            "donations",
            page=page,
            rows=rows,
            shown=shown,
            filters=list(STATE_FILTERS),
            can_record=is_company and organisation.my_role is not None,
            can_record_private=not is_company and request.user.is_coordinator,
        ),
    )


def _record_setup(request: HttpRequest, organisation: Organisation) -> dict:
    """Who records here: a company's member for the company (choosing the recipient), or the
    coordinator on a social organisation's page for a private donor. Anyone else: 404."""
    if organisation.kind == OrganisationKind.COMPANY and organisation.my_role is not None:
        recipients = Organisation.objects.approved().filter(kind=OrganisationKind.SOCIAL)
        return {
            "recipients": list(recipients.order_by("name", "id")),
            "private": False,
            "donor_organisation_id": organisation.pk,
        }
    if organisation.kind == OrganisationKind.SOCIAL and request.user.is_coordinator:
        return {"recipients": None, "private": True, "donor_organisation_id": None}
    raise Http404(_("Seite nicht gefunden."))


@login_required
@require_http_methods(["GET", "POST"])
def donation_record(request: HttpRequest, pk: int, kind_slug: str) -> HttpResponse:
    organisation = access.inside_or_404(request.user, pk)
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404(_("Seite nicht gefunden."))
    setup = _record_setup(request, organisation)
    form = DONATION_FORMS[kind](
        request.POST or None, recipients=setup["recipients"], private=setup["private"]
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            recipient_id = (
                organisation.pk if setup["recipients"] is None else form.cleaned_data["recipient"]
            )
            try:
                donation = services.donation_record(
                    by=request.user,
                    kind=kind,
                    recipient_id=recipient_id,
                    donor_organisation_id=setup["donor_organisation_id"],
                    **form.service_fields(),
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _(
                        "Die Spende ist erfasst. %(name)s bestätigt den Eingang; dann kommt die "
                        "Zuwendungsbestätigung per E-Mail."
                    )
                    % {"name": donation.recipient.name},
                )
                return redirect("web:donation", pk=donation.pk)
    return render(
        request,
        "web/donations/record.html",
        _tabs_context(
            request,
            organisation,
            "donations",
            form=form,
            kind=kind,
            kind_slug=kind_slug,
            private=setup["private"],
        ),
        status=status,
    )


# --- a donation's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class DonationAction:
    form_class: type
    call: Callable[[Donation, User, dict], object]


def _confirm(donation, by, data):
    return services.donation_confirm(
        donation=donation, by=by, message=data["message"], issue_receipt=data["issue_receipt"]
    )


def _reject(donation, by, data):
    return services.donation_reject(donation=donation, by=by, reason=data["reason"])


def _issue(donation, by, data):
    return services.receipt_issue(donation=donation, by=by)


DONATION_ACTIONS = {
    "confirm": DonationAction(ConfirmForm, _confirm),
    "reject": DonationAction(RejectForm, _reject),
    "receipt": DonationAction(NoInputForm, _issue),
}


def _donation_or_404(request: HttpRequest, pk: int) -> Donation:
    donation = donations_for_display(request.user).filter(pk=pk).first()
    if donation is None:
        raise Http404(_("Spende nicht gefunden."))
    return donation


def _my_roles(user, *organisation_ids) -> dict[int, str]:
    return dict(
        Membership.objects.filter(
            user=user, organisation_id__in=[i for i in organisation_ids if i]
        ).values_list("organisation_id", "role")
    )


def _donation_page(request, donation: Donation, *, failed=None, status: int = 200):
    roles = _my_roles(request.user, donation.recipient_id, donation.donor_organisation_id)
    receiving = donation.recipient_id in roles
    receipt = _valid_receipt(donation)
    forms = {}
    if receiving and donation.state == DonationState.RECORDED:
        forms = {"confirm": ConfirmForm(prefix="confirm"), "reject": RejectForm(prefix="reject")}
    elif receiving and donation.state == DonationState.CONFIRMED and receipt is None:
        forms = {"receipt": NoInputForm(prefix="receipt")}
    errors = []
    if failed and failed[0] in forms:
        forms[failed[0]] = failed[1]
    elif failed:
        # The action is not offered here (any more): its refusal goes above the page.
        errors = [message for messages_ in failed[1].errors.values() for message in messages_]
    return render(
        request,
        "web/donations/detail.html",
        {
            "donation": donation,
            "receipt": receipt,
            "receipts": receipts_for_display(request.user)
            .filter(items__donation=donation)
            .order_by("-issued_at", "-id"),
            "problem": _problem(donation),
            "receiving": receiving,
            "receiving_admin": roles.get(donation.recipient_id) == Role.ADMIN
            or request.user.is_coordinator,
            "giving": donation.donor_organisation_id in roles,
            "forms": forms,
            "errors": errors,
            "nav": "organisations",
        },
        status=status,
    )


@login_required
def donation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _donation_page(request, _donation_or_404(request, pk))


@login_required
@require_POST
def donation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = DONATION_ACTIONS.get(action)
    if spec is None:
        raise Http404
    donation = _donation_or_404(request, pk)
    form = spec.form_class(request.POST, prefix=action)
    status = 400
    if form.is_valid():
        try:
            spec.call(donation, request.user, form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            _tell_done(request, action, donation, form.cleaned_data)
            return redirect("web:donation", pk=pk)
    return _donation_page(request, donation, failed=(action, form), status=status)


def _tell_done(request, action: str, donation: Donation, data: dict) -> None:
    if action == "reject":
        messages.success(
            request, _("Die Spende ist abgelehnt; die spendende Seite ist informiert.")
        )
        return
    if action == "confirm":
        messages.success(request, _("Der Eingang der Spende ist bestätigt."))
        if not data["issue_receipt"]:
            return
    receipt = valid_receipt_of(donation)
    if receipt is not None:
        messages.success(
            request,
            _(
                "Die Zuwendungsbestätigung Nr. %(number)s ist ausgestellt und an die spendende "
                "Seite verschickt."
            )
            % {"number": receipt.number},
        )
        return
    # Confirmed, but the tax-exemption data stopped the receipt (the admins are e-mailed).
    problem = receipt_problem(donation.recipient, timezone.localdate())
    if problem:
        messages.warning(request, problem)


@login_required
def donation_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The donation's valid receipt, for both sides and the coordinator."""
    donation = donations_visible_to(request.user).filter(pk=pk).first()
    receipt = valid_receipt_of(donation) if donation is not None else None
    if receipt is None:
        raise Http404(_("Für diese Spende gibt es keine gültige Zuwendungsbestätigung."))
    return pdf_response(receipt.pdf, receipt.filename)


# --- receipts -------------------------------------------------------------------------------


def _receipts_page(request, organisation, *, failed_message: str = "", status: int = 200):
    side = (
        Q(organisation=organisation)
        if organisation.kind == OrganisationKind.SOCIAL
        else Q(donor_organisation=organisation)
    )
    queryset = receipts_for_display(request.user).filter(side).order_by("-issued_at", "-id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("seite"))
    context = {"page": page, "failed_message": failed_message}
    if organisation.kind == OrganisationKind.SOCIAL:
        year_form = YearForm(request.GET or None)
        year = year_form.year()
        context.update(
            year_form=year_form,
            year=year,
            due=donors_due(organisation, year=year),
            can_issue=organisation.my_role == Role.ADMIN,
        )
    return render(
        request,
        "web/donations/receipts.html",
        _tabs_context(request, organisation, "receipts", **context),
        status=status,
    )


@login_required
def organisation_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipts a social organisation issued (or a company received), and the donors due a
    collective receipt for a year."""
    return _receipts_page(request, access.inside_or_404(request.user, pk))


@login_required
@require_POST
def collective_issue(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.inside_or_404(request.user, pk)
    if organisation.kind != OrganisationKind.SOCIAL:
        raise Http404(_("Seite nicht gefunden."))
    form = CollectiveForm(request.POST)
    if not form.is_valid():
        return _receipts_page(
            request,
            organisation,
            failed_message=_("Bitte Spender*in und Jahr aus der Liste wählen."),
            status=400,
        )
    try:
        receipt = services.collective_receipt_issue(
            organisation=organisation,
            by=request.user,
            donor_key=form.cleaned_data["donor_key"],
            year=form.cleaned_data["year"],
        )
    except DomainError as error:
        return _receipts_page(
            request, organisation, failed_message=error.message, status=error.status_code
        )
    messages.success(
        request,
        _("Die Sammelbestätigung Nr. %(number)s ist ausgestellt und verschickt.")
        % {"number": receipt.number},
    )
    return redirect("web:receipt", pk=receipt.pk)


def _receipt_or_404(request: HttpRequest, pk: int) -> Receipt:
    receipt = receipts_for_display(request.user).filter(pk=pk).first()
    if receipt is None:
        raise Http404(_("Zuwendungsbestätigung nicht gefunden."))
    return receipt


def _receipt_page(request, receipt: Receipt, *, form=None, status: int = 200):
    issuer_role = _my_roles(request.user, receipt.organisation_id).get(receipt.organisation_id)
    can_correct = issuer_role == Role.ADMIN and receipt.cancelled_at is None
    visible = receipts_visible_to(request.user)
    return render(
        request,
        "web/donations/receipt.html",
        {
            "receipt": receipt,
            "donations": donations_visible_to(request.user)
            .filter(receipt_items__receipt=receipt)
            .select_related("recipient")
            .order_by("donated_on", "id"),
            "replaces": visible.filter(pk=receipt.replaces_id).only("id", "number").first()
            if receipt.replaces_id
            else None,
            "replaced_by": visible.filter(replaces=receipt).only("id", "number").first(),
            "can_correct": can_correct,
            "form": form
            or (
                ReissueForm(corrections=receipt.kind != ReceiptKind.COLLECTIVE)
                if can_correct
                else None
            ),
            "nav": "organisations",
        },
        status=status,
    )


@login_required
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _receipt_page(request, _receipt_or_404(request, pk))


def _receipt_change(request: HttpRequest, pk: int, *, reissue: bool) -> HttpResponse:
    receipt = _receipt_or_404(request, pk)
    form = ReissueForm(request.POST, corrections=receipt.kind != ReceiptKind.COLLECTIVE)
    if form.is_valid() and not reissue and form.corrections():
        form.add_error(
            None,
            _(
                "Korrekturen gibt es nur mit einer neuen Bestätigung: „Stornieren und neu "
                "ausstellen“ wählen."
            ),
        )
    status = 400
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if reissue:
                result = services.receipt_cancel_and_reissue(
                    receipt=receipt,
                    by=request.user,
                    reason=reason,
                    corrections=form.corrections() or None,
                )
            else:
                result = services.receipt_cancel(receipt=receipt, by=request.user, reason=reason)
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            if reissue:
                done = _(
                    "Nr. %(old)s ist storniert; die neue Zuwendungsbestätigung Nr. %(new)s ist "
                    "ausgestellt und verschickt."
                ) % {"old": receipt.number, "new": result.number}
            else:
                done = _("Die Zuwendungsbestätigung Nr. %(number)s ist storniert.") % {
                    "number": receipt.number
                }
            messages.success(request, done)
            return redirect("web:receipt", pk=result.pk)
    return _receipt_page(request, receipt, form=form, status=status)


@login_required
@require_POST
def receipt_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    return _receipt_change(request, pk, reissue=True)


@login_required
@require_POST
def receipt_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _receipt_change(request, pk, reissue=False)


@login_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt (also a cancelled one), for both sides and the coordinator."""
    receipt = receipts_visible_to(request.user).filter(pk=pk).first()
    if receipt is None:
        raise Http404(_("Zuwendungsbestätigung nicht gefunden."))
    return pdf_response(receipt.pdf, receipt.filename)


# --- participation confirmations ------------------------------------------------------------


@login_required
def participation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The participation confirmation of a completed volunteer action (never a receipt)."""
    # Not visible: 404; not a completed volunteer action: 409 with the reason (the middleware).
    booking = participation.participation_booking(request.user, pk)
    return pdf_response(
        participation.participation_pdf(booking), participation.participation_filename(booking)
    )

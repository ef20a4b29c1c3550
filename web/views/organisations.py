"""My organisations: apply for one, its profile and tax-exemption data, members and invitations,
and accepting an invitation (/einladung/<token>/, the link in the invitation e-mail)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.errors import DomainError
from marketplace.models import (
    Invitation,
    Membership,
    OrganisationKind,
    OrganisationStatus,
    TaxExemption,
)
from marketplace.services import organisations as services

from .. import access
from ..forms import add_domain_error
from ..forms.organisations import (
    InvitationForm,
    OrganisationApplyForm,
    OrganisationProfileForm,
    RoleForm,
    TaxExemptionForm,
)
from .onboarding import organisation_required


def page_context(request, organisation, tab, **context) -> dict:
    """What every page of an organisation shows: its header, tabs and the person's rights."""
    user = request.user
    return {
        "organisation": organisation,
        "tab": tab,
        "nav": "organisations",
        "is_member": organisation.my_role is not None,
        "can_see_inside": access.belongs(user, organisation),
        "can_manage": access.manages(user, organisation),
        "is_social": organisation.kind == OrganisationKind.SOCIAL,
        "is_company": organisation.kind == OrganisationKind.COMPANY,
        **context,
    }


@organisation_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    # A subquery, not Count("memberships"): my_organisations() filters on the person's own
    # membership, and a Count over that join would count only them.
    members_of = (
        Membership.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("id"))
        .values("n")
    )
    organisations = access.my_organisations(request.user).annotate(
        member_count=Coalesce(Subquery(members_of), 0)
    )
    return render(
        request,
        "web/organisations/mine.html",
        {"organisations": organisations, "nav": "organisations"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_apply(request: HttpRequest) -> HttpResponse:
    form = OrganisationApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_apply(
                applicant=request.user, kind=form.cleaned_data["kind"], profile=form.profile()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Danke! Ihre Organisation ist angemeldet. Die Koordination des Kieznetzwerks "
                    "prüft sie; Sie erhalten eine E-Mail, sobald sie freigegeben ist."
                ),
            )
            return redirect("web:organisation", pk=organisation.pk)
    return render(
        request,
        "web/organisations/apply.html",
        {"form": form, "nav": "organisations"},
        status=400 if form.errors else 200,
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.organisation_or_404(request.user, pk)
    context = page_context(request, organisation, "overview")
    if context["can_see_inside"]:
        context["member_count"] = Membership.objects.filter(organisation=organisation).count()
        context["status_history"] = organisation.status_changes.select_related("by").order_by(
            "-at", "-id"
        )[:5]
    return render(request, "web/organisations/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.managed_or_error(request.user, pk)
    form = OrganisationProfileForm(
        request.POST or None, request.FILES or None, instance=copy.copy(organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, by=request.user, changes=form.changes()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Das Profil ist gespeichert."))
            return redirect("web:organisation", pk=pk)
    return render(
        request,
        "web/organisations/edit.html",
        page_context(request, organisation, "profile", form=form),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def tax_exemption_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Private to the organisation's admins and the coordinator, as in the API: others get 404."""
    organisation = access.inside_or_404(request.user, pk)
    if not access.manages(request.user, organisation):
        raise Http404(_("Organisation nicht gefunden."))
    if organisation.kind != OrganisationKind.SOCIAL:
        raise Http404(_("Nur soziale Organisationen können eine Steuerbefreiung hinterlegen."))
    exemption = TaxExemption.objects.filter(organisation=organisation).first()
    form = TaxExemptionForm(
        request.POST or None,
        instance=copy.copy(exemption) if exemption else TaxExemption(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.tax_exemption_update(
                organisation=organisation, by=request.user, data=form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Die Angaben zur Steuerbefreiung sind gespeichert."))
            return redirect("web:organisation-tax", pk=pk)
    return render(
        request,
        "web/organisations/tax_exemption.html",
        page_context(request, organisation, "tax", form=form, exemption=exemption),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """Members see who belongs; admins also invite, change roles and remove."""
    organisation = access.inside_or_404(request.user, pk)
    can_manage = access.manages(request.user, organisation)
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            return _forbidden(request)
        if form.is_valid():
            try:
                services.invitation_create(
                    organisation=organisation,
                    by=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Die Einladung an %(email)s ist verschickt.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("web:organisation-members", pk=pk)
        else:
            status = 400
    memberships = (
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("id")
    )
    invitations = (
        Invitation.objects.filter(organisation=organisation)
        .select_related("invited_by")
        .order_by("-created_at", "-id")[:50]
        if can_manage
        else []
    )
    return render(
        request,
        "web/organisations/members.html",
        page_context(
            request,
            organisation,
            "members",
            form=form,
            memberships=memberships,
            invitations=invitations,
            role_form=RoleForm(),
        ),
        status=status,
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"message": _("Nur Administrator*innen der Organisation dürfen das."), "status": 403},
        status=403,
    )


def _membership_or_404(request: HttpRequest, pk: int, membership_id: int):
    organisation = access.inside_or_404(request.user, pk)
    membership = (
        Membership.objects.select_related("user")
        .filter(pk=membership_id, organisation=organisation)
        .first()
    )
    if membership is None:
        raise Http404(_("Mitgliedschaft nicht gefunden."))
    membership.organisation = organisation
    return organisation, membership


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    organisation, membership = _membership_or_404(request, pk, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte eine Rolle wählen."))
    else:
        try:
            services.membership_change_role(
                membership=membership, by=request.user, role=form.cleaned_data["role"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s hat jetzt die Rolle „%(role)s“.")
                % {
                    "name": membership.user.full_name or membership.user.email,
                    "role": dict(RoleForm.base_fields["role"].choices)[form.cleaned_data["role"]],
                },
            )
    return redirect("web:organisation-members", pk=organisation.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    organisation, membership = _membership_or_404(request, pk, membership_id)
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(membership=membership, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:organisation-members", pk=organisation.pk)
    if leaving:
        messages.success(
            request, _("Sie sind aus „%(name)s“ ausgetreten.") % {"name": organisation.name}
        )
        return redirect("web:my-organisations")
    messages.success(
        request,
        _("%(name)s gehört nicht mehr zur Organisation.")
        % {"name": membership.user.full_name or membership.user.email},
    )
    return redirect("web:organisation-members", pk=organisation.pk)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_id: int) -> HttpResponse:
    organisation = access.inside_or_404(request.user, pk)
    invitation = Invitation.objects.filter(pk=invitation_id, organisation=organisation).first()
    if invitation is None:
        raise Http404(_("Einladung nicht gefunden."))
    invitation.organisation = organisation
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Die Einladung an %(email)s ist widerrufen.") % {"email": invitation.email}
        )
    return redirect("web:organisation-members", pk=organisation.pk)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail. Whoever holds it may look; accepting needs the invited
    address signed in, so a visitor without an account is led to sign up or sign in first."""
    try:
        invitation = services.invitation_by_token(token)
    except DomainError as error:
        return render(
            request, "web/error.html", {"message": error.message, "status": 404}, status=404
        )
    error_message, status = "", 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('web:sign-in')}?{urlencode({'next': request.path})}")
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except DomainError as error:
            error_message, status = error.message, error.status_code
        else:
            messages.success(
                request,
                _("Willkommen bei „%(name)s“!") % {"name": invitation.organisation.name},
            )
            return redirect("web:organisation", pk=membership.organisation_id)
    return render(
        request,
        "web/organisations/invitation.html",
        {
            "invitation": invitation,
            "error": error_message,
            "sign_in_url": f"{reverse('web:sign-in')}?"
            + urlencode({"next": request.path, "email": invitation.email}),
            "sign_up_url": f"{reverse('web:sign-up')}?"
            + urlencode({"next": request.path, "email": invitation.email}),
            "is_pending_org": invitation.organisation.status == OrganisationStatus.PENDING,
        },
        status=status,
    )

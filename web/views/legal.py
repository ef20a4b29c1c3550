"""The privacy notice (/datenschutz/) and the imprint (/impressum/), linked in every page's
footer and every e-mail, and the coordinator's page to edit them (each save a new version)."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.errors import DomainError
from marketplace.models import LegalText, LegalTextKind
from marketplace.selectors import legal_text_current
from marketplace.services.legal import legal_text_publish

from ..forms import add_domain_error
from ..forms.legal import LegalTextForm
from .coordination import coordinator_required

PUBLIC_PAGES = {LegalTextKind.PRIVACY: "web:privacy", LegalTextKind.IMPRINT: "web:imprint"}
# The edit pages' paths are German like every other: /koordination/rechtstexte/<slug>/.
SLUGS = {LegalTextKind.PRIVACY: "datenschutz", LegalTextKind.IMPRINT: "impressum"}
KINDS = {slug: kind for kind, slug in SLUGS.items()}


def _page(request: HttpRequest, kind: str) -> HttpResponse:
    text = legal_text_current(kind)
    return render(
        request,
        "web/legal/page.html",
        {
            "text": text,
            "title": LegalTextKind(kind).label,
            "body": text.body_for((get_language() or "de")[:2]),
            "edit_slug": SLUGS[kind],
        },
    )


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return _page(request, LegalTextKind.PRIVACY)


def imprint(request: HttpRequest) -> HttpResponse:
    return _page(request, LegalTextKind.IMPRINT)


@coordinator_required
@require_http_methods(["GET", "POST"])
def legal_text_edit(request: HttpRequest, slug: str) -> HttpResponse:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    current = legal_text_current(kind)
    form = LegalTextForm(
        request.POST or None,
        initial={
            "body_de": current.body_de,
            "body_en": current.body_en,
            "based_on": current.version if current.pk else 0,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = legal_text_publish(
                kind=kind,
                by=request.user,
                body_de=form.cleaned_data["body_de"],
                body_en=form.cleaned_data["body_en"],
                based_on=form.cleaned_data["based_on"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if saved.version == form.cleaned_data["based_on"]:
                messages.info(request, _("Der Text ist unverändert; es gibt keine neue Fassung."))
            else:
                messages.success(
                    request,
                    _("Gespeichert als Fassung %(version)d.") % {"version": saved.version},
                )
            return redirect("web:coordination-legal", slug=slug)
    versions = (
        LegalText.objects.filter(kind=kind)
        .select_related("created_by")
        .annotate(consent_count=Count("consents"))
        .order_by("-version")
    )
    return render(
        request,
        "web/legal/edit.html",
        {
            "form": form,
            "current": current,
            "versions": versions,
            "title": LegalTextKind(kind).label,
            "public_url": reverse(PUBLIC_PAGES[kind]),
            "nav": "coordination",
        },
        status=400 if form.errors else 200,
    )

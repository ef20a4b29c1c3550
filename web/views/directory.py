"""The public member directory (/netzwerk/) and an organisation's public profile
(/netzwerk/<id>/): open without an account; the reads are reports.directory's."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marketplace.models import OrganisationKind
from needs.selectors import needs_of_organisation
from reports.directory import directory_page, public_profile

from ..offers import cards_for


def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    if kind not in OrganisationKind.values:
        kind = ""
    district = request.GET.get("district", "").strip()[:100]
    page = directory_page(
        user=request.user, q=q, kind=kind, district=district, page=request.GET.get("page", 1)
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/directory/list.html",
        {
            "directory": page,
            "q": q,
            "kind": kind,
            "district": district,
            "kinds": OrganisationKind.choices,
            "query_string": params.urlencode(),
            "nav": "directory",
        },
    )


def member_profile(request: HttpRequest, pk: int) -> HttpResponse:
    profile = public_profile(user=request.user, pk=pk)
    return render(
        request,
        "web/directory/profile.html",
        {
            "profile": profile,
            "cards": cards_for(profile.offers),
            # Only published needs that are still open (needs.selectors).
            "needs": list(needs_of_organisation(profile.entry.id)[:20]),
            "nav": "directory",
        },
    )

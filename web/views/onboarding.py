"""The first steps of a person who belongs to no organisation yet: register one, or accept an
invitation. Sign-in leads here, and so do the pages that only make sense inside an
organisation."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from marketplace.selectors import has_organisation, open_invitations_for
from marketplace.tokens import invitation_token


def organisation_required(view):
    """For pages about one's organisations' business: without any, the welcome page explains
    how to get one. The coordinator sees them anyway."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_coordinator and not has_organisation(user):
            return redirect("web:welcome")
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def welcome(request: HttpRequest) -> HttpResponse:
    if has_organisation(request.user):
        return redirect("web:my-organisations")
    return render(
        request,
        "web/onboarding/welcome.html",
        {
            # The invited person, signed in with the invited address, may follow the link; it
            # is derived here and never stored (marketplace/tokens.py).
            "invitations": [
                (invitation, invitation_token(invitation))
                for invitation in open_invitations_for(request.user)
            ],
            "nav": "organisations",
        },
    )

"""Sign-up, sign-in, e-mail verification, password reset and one's own profile.

The paths of verification and reset pages are fixed by the links in e-mails
(marketplace/tokens.py). Links in e-mails only show a page; the change happens on the POST of
its button, because mail scanners and link previews open links.
"""

import math
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from marketplace import tokens
from marketplace.api.accounts import AuthRateThrottle
from marketplace.errors import DomainError, InvalidInput
from marketplace.models import LegalTextKind
from marketplace.selectors import has_organisation, legal_text_current
from marketplace.services import accounts as services

from ..forms import add_domain_error
from ..forms.accounts import EmailForm, NewPasswordForm, ProfileForm, SignInForm, SignUpForm
from .core import remember_language, safe_next

# Where to go after the first sign-in when someone signed up from an invitation link.
NEXT_AFTER_SIGN_IN = "web_next_after_sign_in"
# The consent's version is a hidden field: its errors are shown at the checkbox.
CONSENT_FIELDS = {"privacy_notice_version": "privacy_notice_accepted"}


@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    language = (request.LANGUAGE_CODE or "de")[:2]
    privacy_notice = legal_text_current(LegalTextKind.PRIVACY)
    form = SignUpForm(
        request.POST or None,
        initial={
            "email": request.GET.get("email", ""),
            "language": language,
            "privacy_notice_version": privacy_notice.version,
        },
    )
    retry_after = _throttled(request) if request.method == "POST" else None
    if retry_after:
        form.is_valid()  # the page shows the entries again, with the message above them
        form.add_error(
            None,
            _("Zu viele Anfragen. Bitte versuchen Sie es in %(seconds)d Sekunden erneut.")
            % {"seconds": retry_after},
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_register(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                language=data["language"],
                privacy_notice_accepted=data["privacy_notice_accepted"],
                privacy_notice_version=data["privacy_notice_version"],
            )
        except DomainError as error:
            add_domain_error(form, error, fields=CONSENT_FIELDS)
            if error.code == "privacy_notice_outdated":
                # Ask again, for the version in force now.
                form.data = form.data.copy()
                form.data["privacy_notice_version"] = str(privacy_notice.version)
                form.data.pop("privacy_notice_accepted", None)
        else:
            next_url = safe_next(request, "")
            if next_url:
                request.session[NEXT_AFTER_SIGN_IN] = next_url
            return render(
                request, "web/accounts/sign_up_done.html", {"email": data["email"].lower()}
            )
    response = render(
        request,
        "web/accounts/sign_up.html",
        {"form": form, "next": safe_next(request, ""), "nav": "sign-up"},
        status=429 if retry_after else 400 if form.errors else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


# The API's sign-up and sign-in endpoints throttle in this scope; the page shares their budget.
_AUTH_SCOPE = SimpleNamespace(throttle_scope="auth")


def _throttled(request: HttpRequest) -> int | None:
    """Seconds this client must wait before signing up again, None if it may now: the same
    "auth" throttle (THROTTLE_AUTH, per client address) as the API's auth endpoints."""
    throttle = AuthRateThrottle()
    if throttle.allow_request(request, _AUTH_SCOPE):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, "")
    form = SignInForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    status, unverified = 200, False
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_authenticate(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
            unverified = error.code == "email_not_verified"
        else:
            remembered = request.session.pop(NEXT_AFTER_SIGN_IN, "")
            login(request, user)
            response = redirect(next_url or remembered or _start_page(user))
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                remember_language(response, user.language)
            return response
    elif form.errors:
        status = 400
    return render(
        request,
        "web/accounts/sign_in.html",
        {"form": form, "next": next_url, "unverified": unverified, "nav": "sign-in"},
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("Sie sind abgemeldet. Bis bald!"))
    return redirect("web:home")


@never_cache
@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            user = services.user_verify_email(token=token)
        except InvalidInput as error:
            return render(
                request, "web/accounts/verify_email.html", {"error": error.message}, status=400
            )
        messages.success(
            request, _("Danke! Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden.")
        )
        if request.user.is_authenticated:
            return redirect("web:home")
        return redirect(_sign_in_url(user.email))
    try:
        tokens.user_from_email_verification_token(token)
    except InvalidInput as error:
        return render(
            request, "web/accounts/verify_email.html", {"error": error.message}, status=400
        )
    return render(request, "web/accounts/verify_email.html", {})


@require_http_methods(["GET", "POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        services.user_resend_verification(email=form.cleaned_data["email"])
        messages.success(
            request,
            _(
                "Wenn zu dieser Adresse ein unbestätigtes Konto gehört, ist ein neuer "
                "Bestätigungslink unterwegs."
            ),
        )
        return redirect("web:sign-in")
    return render(
        request,
        "web/accounts/resend_verification.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        services.user_request_password_reset(email=form.cleaned_data["email"])
        return render(
            request,
            "web/accounts/password_reset_sent.html",
            {"email": form.cleaned_data["email"]},
        )
    return render(
        request,
        "web/accounts/password_reset.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("password", "password_again")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        tokens.user_from_password_reset_pair(uidb64, token)
    except InvalidInput as error:
        return render(
            request,
            "web/accounts/password_reset_confirm.html",
            {"error": error.message},
            status=400,
        )
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_reset_password(
                uidb64=uidb64, token=token, new_password=form.cleaned_data["password"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(
                request, _("Ihr Passwort ist geändert. Bitte melden Sie sich mit dem neuen an.")
            )
            return redirect(_sign_in_url(user.email))
    return render(
        request,
        "web/accounts/password_reset_confirm.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(
                user=user,
                full_name=form.cleaned_data["full_name"],
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Ihre Angaben sind gespeichert."))
            response = redirect("web:profile")
            remember_language(response, user.language)
            return response
    return render(
        request,
        "web/accounts/profile.html",
        {"form": form, "nav": "account"},
        status=400 if form.errors else 200,
    )


def _start_page(user) -> str:
    """Where a sign-in without a `next` leads: someone in no organisation yet learns how to
    register one or join one by invitation (the coordinator needs none)."""
    if not user.is_coordinator and not has_organisation(user):
        return reverse("web:welcome")
    return settings.LOGIN_REDIRECT_URL


def _sign_in_url(email: str) -> str:
    return f"{reverse('web:sign-in')}?{urlencode({'email': email})}"

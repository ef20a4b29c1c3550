"""Content-Security-Policy, Permissions-Policy and private caching for every response.

The pages load scripts, styles, fonts and images only from this site and contain no inline
script or style, so the policy forbids both. Two parts of the site are not ours and ship inline
code (the Swagger UI of drf-spectacular, Django's admin): they get a policy that allows inline
styles and scripts but still nothing from elsewhere.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marketplace.errors import DomainError
from marketplace.locking import busy_from

STRICT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
RELAXED_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Paths served by third-party templates with inline code.
RELAXED_PREFIXES = ("/admin/", "/api/v1/docs/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.relaxed_prefixes = getattr(settings, "CSP_RELAXED_PREFIXES", RELAXED_PREFIXES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith(self.relaxed_prefixes)
            response["Content-Security-Policy"] = RELAXED_POLICY if relaxed else STRICT_POLICY
        return response


# Browser features no page of Kiezmarkt uses: denied to it and to anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
PRIVATE = "private, no-store"


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private, no-store` on every API
    response and every page shown to a signed-in person (their account, their organisation's
    donations with donor data, ...), so that neither a shared proxy nor the browser's cache
    keeps them. A view that chose its own Cache-Control (public logos, the calendar feed)
    keeps it. Must come after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response and (
            request.path.startswith("/api/")
            or getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            response["Cache-Control"] = PRIVATE
        return response


class DomainErrorPageMiddleware:
    """A domain error that a page did not handle itself becomes an error page with its message
    and status (403, 404, 409, ...) instead of a 500. The API answers its own errors as JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        # A lock not had in time that no service turned into Busy (SQLite's BEGIN, a deadlock).
        exception = busy_from(exception) or exception
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        response = render(
            request,
            "web/error.html",
            {"message": exception.message, "status": exception.status_code},
            status=exception.status_code,
        )
        retry_after = getattr(exception, "retry_after", None)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response

"""/api/v1/auth/: sign up, verify the e-mail address, get and revoke API tokens, reset the
password, read and edit one's own profile. Each view parses, calls one service, answers.

Sign-up, password reset and resending the verification e-mail answer the same whether or not
the address has an account (at sign-up the owner of an existing account is told by e-mail), so
nobody learns from them who is registered; the "auth" throttle limits how fast anyone asks.
"""

import ipaddress

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from ..api_base import ErrorSerializer
from ..serializers_accounts import (
    DetailSerializer,
    EmailSerializer,
    PasswordResetConfirmSerializer,
    ProfileSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenObtainSerializer,
    TokenSerializer,
    VerifyEmailSerializer,
)
from ..services import accounts as services

TAG = "auth"

BAD_INPUT = OpenApiResponse(
    ErrorSerializer, description="Ungültige Eingabe: `detail` oder Fehler je Feld."
)
THROTTLED = OpenApiResponse(
    ErrorSerializer,
    description="Zu viele Anfragen von dieser Adresse (Drosselung „auth“); siehe `Retry-After`.",
)
NOT_SIGNED_IN = OpenApiResponse(ErrorSerializer, description="Kein oder ungültiges Token.")


class AuthRateThrottle(ScopedRateThrottle):
    """The "auth" scope's rate, read from settings on every request.

    DRF's throttles copy the rates once at import; reading them live lets a deployment's
    settings (and tests' override_settings) take effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class PublicAuthView(APIView):
    """Endpoints for people who are not signed in. A stale token in the request is ignored."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]
    throttle_scope = "auth"


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RegisterView(PublicAuthView):
    @extend_schema(
        tags=[TAG],
        summary="Konto anlegen",
        description=(
            "Legt ein Konto an und sendet eine E-Mail mit einem Bestätigungslink. Ein Token gibt "
            "es erst nach der Bestätigung. Die Antwort (202) ist dieselbe, wenn es zu der "
            "Adresse schon ein Konto gibt: Dann wird nichts angelegt, und die Person, der das "
            "Konto gehört, bekommt eine E-Mail. Ein zu schwaches Passwort ergibt 400 mit "
            "Feldfehler `password`. Ohne Zustimmung zur Datenschutzerklärung "
            "(`privacy_notice_accepted` fehlt oder ist `false`) 400 mit Feldfehler "
            "`privacy_notice_accepted`."
        ),
        request=RegisterSerializer,
        responses={202: RegisteredSerializer, 400: BAD_INPUT, 429: THROTTLED},
        auth=[],
    )
    def post(self, request):
        data = _valid(RegisterSerializer, request)
        services.user_register(**data)
        return Response(
            {"detail": registered_message(), "email": services.normalize_email(data["email"])},
            status=status.HTTP_202_ACCEPTED,
        )


def registered_message() -> str:
    return _(
        "Wir haben eine E-Mail an diese Adresse geschickt. Bitte bestätigen Sie Ihre Adresse "
        "über den Link darin; danach können Sie sich anmelden."
    )


class VerifyEmailView(PublicAuthView):
    @extend_schema(
        tags=[TAG],
        summary="E-Mail-Adresse bestätigen",
        description=(
            "Nimmt das Token aus dem Bestätigungslink (`/konto/bestaetigen/<token>/`). "
            "Abgelaufene (Code `token_expired`) oder ungültige (`token_invalid`) Tokens ergeben "
            "400. Zweimal bestätigen schadet nicht."
        ),
        request=VerifyEmailSerializer,
        responses={200: DetailSerializer, 400: BAD_INPUT, 429: THROTTLED},
        auth=[],
    )
    def post(self, request):
        data = _valid(VerifyEmailSerializer, request)
        services.user_verify_email(token=data["token"])
        return Response({"detail": _("Ihre E-Mail-Adresse ist bestätigt.")})


class ResendVerificationView(PublicAuthView):
    @extend_schema(
        tags=[TAG],
        summary="Bestätigungslink neu senden",
        description=(
            "Sendet einen neuen Bestätigungslink, wenn die Adresse zu einem noch nicht "
            "bestätigten Konto gehört. Die Antwort ist immer dieselbe."
        ),
        request=EmailSerializer,
        responses={202: DetailSerializer, 400: BAD_INPUT, 429: THROTTLED},
        auth=[],
    )
    def post(self, request):
        data = _valid(EmailSerializer, request)
        services.user_resend_verification(email=data["email"])
        return Response(
            {
                "detail": _(
                    "Wenn zu dieser Adresse ein unbestätigtes Konto gehört, ist ein neuer "
                    "Bestätigungslink unterwegs."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


class TokenObtainView(PublicAuthView):
    @extend_schema(
        tags=[TAG],
        summary="API-Token holen (anmelden)",
        description=(
            "E-Mail-Adresse und Passwort gegen das API-Token der Person. Falsche Angaben: 400 "
            "(Code `invalid_credentials`). Richtiges Passwort, aber E-Mail noch nicht bestätigt: "
            "403 (Code `email_not_verified`). Nach zu vielen Fehlversuchen für diese Adresse von "
            "dieser IP-Adresse ist die Anmeldung eine Weile gesperrt: 429 (Code `locked_out`)."
        ),
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: BAD_INPUT,
            403: OpenApiResponse(ErrorSerializer, description="E-Mail-Adresse nicht bestätigt."),
            429: OpenApiResponse(
                ErrorSerializer,
                description="Gesperrt nach zu vielen Fehlversuchen, oder gedrosselt.",
            ),
        },
        auth=[],
    )
    def post(self, request):
        data = _valid(TokenObtainSerializer, request)
        # django-axes marks the Django request, which AxesMiddleware reads after the view.
        token = services.token_obtain(
            request=request._request, email=data["email"], password=data["password"]
        )
        return Response({"token": token.key})


class TokenRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="API-Token löschen (abmelden)",
        description="Das Token der Person funktioniert danach nicht mehr.",
        request=None,
        responses={204: None, 401: NOT_SIGNED_IN},
    )
    def post(self, request):
        services.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicAuthView):
    @extend_schema(
        tags=[TAG],
        summary="Passwort-Zurücksetzen anfordern",
        description=(
            "Sendet einen Link (`/konto/passwort/<uid>/<token>/`), wenn die Adresse zu einem "
            "Konto gehört. Die Antwort ist immer dieselbe, damit sie nichts über Konten verrät."
        ),
        request=EmailSerializer,
        responses={202: DetailSerializer, 400: BAD_INPUT, 429: THROTTLED},
        auth=[],
    )
    def post(self, request):
        data = _valid(EmailSerializer, request)
        services.user_request_password_reset(email=data["email"])
        return Response(
            {
                "detail": _(
                    "Wenn zu dieser Adresse ein Konto gehört, ist ein Link zum Zurücksetzen "
                    "des Passworts unterwegs."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(PublicAuthView):
    @extend_schema(
        tags=[TAG],
        summary="Neues Passwort festlegen",
        description=(
            "Nimmt `uid` und `token` aus dem Link und das neue Passwort. Danach gilt das alte "
            "Passwort nicht mehr, bestehende API-Tokens sind gelöscht und die E-Mail-Adresse gilt "
            "als bestätigt. Ungültiger oder abgelaufener Link: 400 (Code `token_invalid`)."
        ),
        request=PasswordResetConfirmSerializer,
        responses={200: DetailSerializer, 400: BAD_INPUT, 429: THROTTLED},
        auth=[],
    )
    def post(self, request):
        data = _valid(PasswordResetConfirmSerializer, request)
        services.user_reset_password(
            uidb64=data["uid"], token=data["token"], new_password=data["new_password"]
        )
        return Response({"detail": _("Ihr Passwort ist geändert. Sie können sich jetzt anmelden.")})


class MeView(APIView):
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "options"]

    @extend_schema(
        tags=[TAG],
        summary="Eigenes Konto",
        responses={200: ProfileSerializer, 401: NOT_SIGNED_IN},
    )
    def get(self, request):
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(
        tags=[TAG],
        summary="Eigenes Konto ändern",
        description="Name und Sprache; die E-Mail-Adresse kann hier nicht geändert werden.",
        request=ProfileSerializer,
        responses={200: ProfileSerializer, 400: BAD_INPUT, 401: NOT_SIGNED_IN},
    )
    def patch(self, request):
        serializer = ProfileSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **serializer.validated_data)
        return Response(ProfileSerializer(user).data)


# --- django-axes hooks (AXES_CLIENT_IP_CALLABLE, AXES_USERNAME_CALLABLE, AXES_LOCKOUT_CALLABLE) --


def client_username(request, credentials=None) -> str | None:
    """The address django-axes counts failures and lockouts under, the same for every sign-in:
    the API and the sign-in page pass `email`, Django's admin form posts `username`, and axes
    itself passes `email` when a sign-in succeeds. Lower-cased, as accounts are stored; without
    this the admin's failures were counted under no address and its lockout never held."""
    source = credentials if credentials else getattr(request, "POST", None) or {}
    value = source.get("email") or source.get("username")
    return services.normalize_email(value) if isinstance(value, str) and value else None


def client_ip_address(request) -> str | None:
    """The client address exactly as the throttles see it (REST_FRAMEWORK["NUM_PROXIES"]), so a
    client cannot pick a fresh address for each attempt by sending X-Forwarded-For."""
    # Axes keeps the address in an IP address column: what is not one (a proxy's garbage, a
    # Unix socket's empty REMOTE_ADDR) must not reach it.
    for candidate in (BaseThrottle().get_ident(request), request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: keep the answer of a view that explained the lockout itself.

    The sign-in services raise SignInLocked, which views turn into their own 429 (the API: JSON
    with `detail`; a web sign-in page: its form with the message). Without this, AxesMiddleware
    would replace that answer with a plain-text page. Other views (the admin's sign-in) get
    that plain-text 429.
    """
    if isinstance(original_response, HttpResponseBase) and original_response.status_code == 429:
        return original_response
    return HttpResponse(
        _("Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es später erneut."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )


urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/verify-email/", VerifyEmailView.as_view(), name="auth-verify-email"),
    path(
        "auth/resend-verification/",
        ResendVerificationView.as_view(),
        name="auth-resend-verification",
    ),
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="auth-token-revoke"),
    path("auth/password-reset/", PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm/",
        PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/me/", MeView.as_view(), name="auth-me"),
]

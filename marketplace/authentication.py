from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.authtoken.models import Token

from .models import User
from .rows import Shape, fetch

_USER, _TOKEN_ROW = Shape(User), Shape(Token)
_TOKEN, _USERS = Token._meta.db_table, User._meta.db_table
# Every API request starts with this look-up: SQL written once (marketplace/rows.py); names
# from the models only, the key as a parameter.
_BY_KEY = (
    f'SELECT {_USER.columns}, {_TOKEN_ROW.columns} FROM "{_TOKEN}" '  # noqa: S608
    f'INNER JOIN "{_USERS}" ON ("{_TOKEN}"."user_id" = "{_USERS}"."id") '
    f'WHERE "{_TOKEN}"."key" = %s'
)


class _OneQueryTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        """DRF's look-up (the token with its user, the same errors) in one query."""
        rows = fetch(_BY_KEY, [key])
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = _USER.load(rows[0][: len(_USER)])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = _TOKEN_ROW.load(rows[0][len(_USER) :])
        token.user = user
        return user, token


class _BearerAuthentication(_OneQueryTokenAuthentication):
    keyword = "Bearer"


class TokenOrBearerAuthentication(_OneQueryTokenAuthentication):
    """DRF's token authentication that also accepts `Authorization: Bearer <key>`."""

    def authenticate(self, request):
        # DRF reads the header through request.headers, so the scheme is matched here rather
        # than by rewriting request.META.
        parts = get_authorization_header(request).split()
        if parts and parts[0].lower() == b"bearer":
            return _BearerAuthentication().authenticate(request)
        return super().authenticate(request)

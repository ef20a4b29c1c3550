from rest_framework.authentication import TokenAuthentication, get_authorization_header


class _BearerAuthentication(TokenAuthentication):
    keyword = "Bearer"


class TokenOrBearerAuthentication(TokenAuthentication):
    """DRF's token authentication that also accepts `Authorization: Bearer <key>`."""

    def authenticate(self, request):
        # DRF reads the header through request.headers, so the scheme is matched here rather
        # than by rewriting request.META.
        parts = get_authorization_header(request).split()
        if parts and parts[0].lower() == b"bearer":
            return _BearerAuthentication().authenticate(request)
        return super().authenticate(request)

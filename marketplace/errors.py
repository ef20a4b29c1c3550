"""One hierarchy of domain errors. Services raise them; the API maps them to HTTP statuses
(marketplace/api_errors.py) and the web pages show their message."""


class DomainError(Exception):
    """A rule of the marketplace refused the request. `message` is shown to the user."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(DomainError):
    """The request itself is wrong (400)."""


class NotAllowed(DomainError):
    """The person may see the object but not do this (403)."""

    status_code = 403
    code = "permission_denied"


class NotFound(DomainError):
    """The object does not exist or the person may not see it (404)."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The object's state does not allow this change (409)."""

    status_code = 409
    code = "conflict"


class Busy(Conflict):
    """A lock could not be taken in time; the client may retry after `retry_after` seconds."""

    code = "busy"

    def __init__(self, message: str, *, retry_after: int = 1, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

"""Keeps the secrets in link paths out of the log.

Django logs every 4xx and 5xx answer with its path ("Forbidden: /einladung/<token>/"), and a
link can still be valid when its page answers 4xx (an invitation opened by the wrong person, a
reset page refusing a weak password). The filter replaces the secret part of such paths before
the line is written. It is set on the loggers that write request paths (settings.LOGGING).
"""

import logging
import re

# The secret is the path segment after these prefixes (see web/urls.py, bookings/feed_urls.py,
# notifications/urls.py and the API's invitations/<token>/).
SECRET_PATH = re.compile(
    r"(?P<prefix>/(?:einladung|konto/bestaetigen|kalender|benachrichtigungen/abbestellen"
    r"|api/v1/invitations)/|/konto/passwort/[^/\s]+/)"
    r"(?P<secret>[^/\s?#\"'<>]+?)(?P<end>\.ics|[/\s?#\"'<>]|$)"
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return SECRET_PATH.sub(lambda m: f"{m['prefix']}{REDACTED}{m['end']}", text)


class RedactSecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

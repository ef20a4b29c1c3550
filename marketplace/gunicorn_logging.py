"""gunicorn's access log without the secrets in link paths (gunicorn.conf.py, logger_class).

The access log writes every request line and referrer; a reset, verification, invitation,
unsubscribe or calendar-feed link carries its secret in the path, so each atom of the line goes
through the same redaction as Django's request log (log_redaction.py).
"""

from gunicorn.glogging import Logger

from .log_redaction import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }

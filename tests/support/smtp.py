"""An SMTP server inside the test process (aiosmtpd) that keeps every message it accepts.

Use it where e-mail leaves through real SMTP, e.g. from a real Celery worker:

    def test_something(smtp_server):
        ...  # point EMAIL_URL at smtp_server.url
        [received] = smtp_server.wait_for(1)
        assert received.message["Subject"] == "..."

Set `smtp_server.reject_with = "451 4.3.0 Bitte später erneut versuchen"` to make it refuse
messages (to test retries); set it back to None to accept again. Set
`smtp_server.before_accepting` to a function of the message count so far to do something at the
moment a message is taken, before the client hears "250" (e.g. break the sender's database).
"""

import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMessage:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage  # parsed with email.policy.default: message["Subject"], get_body()
    raw: bytes


class _CollectingHandler:
    def __init__(self, server: "SMTPServer"):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        reply = self.server.reject_with
        if reply:
            return reply
        if self.server.before_accepting is not None:
            self.server.before_accepting(len(self.server.messages))
        raw = envelope.original_content or envelope.content
        received = ReceivedMessage(
            envelope_from=envelope.mail_from,
            envelope_to=list(envelope.rcpt_tos),
            message=BytesParser(policy=policy.default).parsebytes(raw),
            raw=raw,
        )
        with self.server.changed:
            self.server.messages.append(received)
            self.server.changed.notify_all()
        return "250 Message accepted for delivery"


class _AnyPortController(Controller):
    """A Controller that may listen on port 0: it learns the port the system gave it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPServer:
    host = "127.0.0.1"

    def __init__(self):
        self.messages: list[ReceivedMessage] = []
        self.changed = threading.Condition()
        self.reject_with: str | None = None
        self.before_accepting = None
        self._controller = _AnyPortController(_CollectingHandler(self), hostname=self.host, port=0)

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def url(self) -> str:
        """For EMAIL_URL (django-environ): plain SMTP, no TLS, no login."""
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[ReceivedMessage]:
        """Block until at least `count` messages arrived; all received so far, oldest first."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} e-mail(s) within {timeout:.0f} s, "
                        f"got {len(self.messages)}"
                    )
                self.changed.wait(remaining)
            return list(self.messages)


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()

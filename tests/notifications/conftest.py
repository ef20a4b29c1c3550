"""Fixtures of the notification tests.

Kinds that only the tests know (`test_kinds`): the real table has no optional kind yet (the
booking kinds will be), and the pipeline must not depend on another app's templates.
Their templates live in tests/notifications/templates/ and are found only while the fixture
is active. Tests with a real Celery worker use the real kind `mail_test`, because the worker
process does not see this process's fixtures.
"""

from pathlib import Path

import pytest

from notifications.kinds import KINDS, Kind

TEST_TEMPLATES = Path(__file__).parent / "templates"

TEST_KINDS = [
    Kind(
        "test_optional",
        "Eine Antwort auf eine Anfrage",
        "die Mitglieder der anfragenden Organisation",
        optional=True,
    ),
    Kind("test_required", "Eine Pflichtnachricht", "die Administrator*innen"),
    Kind(
        "test_receipt",
        "Eine Quittung",
        "die Administrator*innen",
        attachments=("PDF der Quittung",),
        in_app=False,
    ),
]


@pytest.fixture
def test_kinds(settings, monkeypatch):
    for kind in TEST_KINDS:
        monkeypatch.setitem(KINDS, kind.name, kind)
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEST_TEMPLATES]}]
    return {kind.name: kind for kind in TEST_KINDS}


@pytest.fixture
def fast_retries(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0.0
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 0.0
    return settings

"""Every message that counts something goes through ngettext (or {% blocktranslate count %}):
"1 Plätze", "1 Tage", "1 Spenden" are the mistakes this catches, in the code and the templates."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "bookings",
    "donations",
    "listings",
    "marketplace",
    "network",
    "notifications",
    "web",
    "templates",
]
# German plural nouns that follow a number in our messages ("Zeichen", "Stück" and "Pixel" are
# the same in the singular, so they need no plural form).
NOUNS = (
    "Plätze|Tage|Freiwillige|Freiwilligen|Stellen|Fotos|Termine|Zeiträume|Stunden|Spenden|"
    "Jahre|Suchwörter|Fähigkeiten|Mitglieder|Buchungen|Angebote|Minuten|Einträge|"
    "Organisationen|Benachrichtigungen"
)
IN_PYTHON = re.compile(r"%\(\w+\)[ds] (?:" + NOUNS + r")\b")
IN_TEMPLATE = re.compile(r"\{\{ ?\w+ ?\}\} (?:" + NOUNS + r")\b")


def _sources(suffixes):
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if path.suffix in suffixes and "migrations" not in path.parts:
                yield path


def test_python_messages_with_a_count_use_ngettext():
    offenders = []
    for path in _sources({".py"}):
        text = path.read_text()
        for match in IN_PYTHON.finditer(text):
            before = text[max(0, match.start() - 400) : match.start()]
            call = before.rfind("ngettext(")
            plain = max(before.rfind("_("), before.rfind("gettext("))
            if call == -1 or plain > call + len("ngettext"):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)}")
    assert offenders == []


def test_template_messages_with_a_count_use_blocktranslate_count():
    offenders = []
    for path in _sources({".html", ".txt"}):
        text = path.read_text()
        for match in IN_TEMPLATE.finditer(text):
            opening = text.rfind("{% blocktranslate", 0, match.start())
            tag = text[opening : text.find("%}", opening) + 2] if opening != -1 else ""
            if " count " not in tag:
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)}")
    assert offenders == []

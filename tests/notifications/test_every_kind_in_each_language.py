"""Every kind of e-mail, in German and in English, with names that end with a period.

Given a notification of each kind whose context names organisations and people ending in
"e.V." (as most social organisations do) and carries hours, amounts and days as the senders
write them, when it is rendered in each language, then no sentence ends in "e.V..", numbers,
amounts and days read as the language writes them, in the subject, the text and the HTML part.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from notifications.kinds import KINDS
from notifications.models import Notification
from notifications.rendering import render_email
from tests.factories import SocialOrganisationFactory, UserFactory, open_invitation

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "notifications" / "templates" / "notifications"
NAME = "Nachbarschaftshaus am Wassertor e.V."
# Context keys that switch a variant of a template on; both variants are rendered.
SWITCHES = {
    "copy",
    "collective",
    "at_risk_booking_url",
    "lost_offer_title",
    "replaces_number",
    "new_number",
    "message",
}


def _names_in(folder: str) -> set[str]:
    names = set()
    for path in [*(TEMPLATES / folder).glob("*"), *(TEMPLATES / "booking_parts").glob("*")]:
        text = path.read_text()
        names |= set(re.findall(r"\{\{\s*(\w+)", text))
        names |= set(re.findall(r"\{%\s*(?:if|elif)\s+(?:not\s+)?(\w+)", text))
        names |= set(re.findall(r"(\w+)\|", text))
        names |= set(re.findall(r"\w=(\w+)", text))
    return names


def _value(name: str) -> object:
    if name.endswith(("_name", "_requester", "_organisation")) or name == "organisation":
        return NAME
    if name in {"when"}:
        return "07.12.2026, 10:00–13:00"
    if name.endswith(("_on", "_from")):
        return "07.12.2026"
    if name == "amount":
        return "1.322,50 €"
    if name == "hours_given":
        return "32.50"
    if name == "hours" or name.startswith("valid_"):
        return 3
    if name.endswith(("count", "volunteers", "units", "_given", "donations", "year", "days")):
        return 3
    if name.endswith("_url"):
        return "https://kiezmarkt.example/buchungen/1/"
    if name == "handover_weekdays":
        return [1, 2, 3]
    return f"{name} {NAME}"


def _context(kind, *, switched_on: bool) -> dict:
    context = {name: _value(name) for name in _names_in(kind.template_folder.split("/")[-1])}
    for name in SWITCHES & set(context):
        if not switched_on:
            context[name] = ""
    context.update(booking_kind="volunteer", donation_kind="money")
    return context


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_every_kind_reads_right_with_a_name_ending_in_a_period(kind, language):
    if not (TEMPLATES / (kind.folder or kind.name)).is_dir():
        pytest.skip(f"{kind.name} has no templates")  # pragma: no cover
    recipient = UserFactory(full_name=NAME, language=language)
    for switched_on in (True, False):
        notification = Notification.objects.create(
            recipient=recipient,
            email=recipient.email,
            kind=kind.name,
            context={
                **_context(kind, switched_on=switched_on),
                # The invitation's link is made at sending time from a real invitation.
                "invitation_id": open_invitation(
                    organisation=SocialOrganisationFactory(name=NAME),
                    email=recipient.email,
                    expires_at=timezone.now() + dt.timedelta(days=3),
                ).pk,
            },
            language=language,
            event_key=f"test:{kind.name}:{switched_on}",
        )
        message = render_email(notification)
        [(html, _type)] = message.alternatives
        for part in (message.subject, message.body, html):
            assert "e.V.." not in part, (kind.name, part)
            assert "32.50" not in part and "32,50" not in part
            if language == "en":
                assert "07.12.2026" not in part, (kind.name, part)
                assert "1.322,50" not in part, (kind.name, part)
        text = message.body
        if "hours_given" in notification.context:
            assert ("32,5 Std." if language == "de" else "32.5 h") in text, text
        if "amount" in notification.context and "1.322,50" in str(notification.context):
            shown = "1.322,50 €" if language == "de" else "€1,322.50"
            assert shown in text or shown in message.subject, (kind.name, text)
        if language == "en" and kind.name == "booking_hours_to_confirm":
            assert "on 7 Dec 2026, 10:00–13:00" in text, text

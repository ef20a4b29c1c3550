"""The privacy notice and the imprint: the coordinator's edits and people's consent.

Each saved change is a new version (LegalText); nothing is changed or deleted afterwards, so a
consent always names the text the person saw. Called alike by the coordinator's pages, the
admin and sign-up (services/accounts.py).
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..errors import Conflict, InvalidInput, NotAllowed
from ..legal_defaults import DEFAULT_TEXTS
from ..models import LegalText, LegalTextKind, PrivacyConsent, User

BODY_MAX_LENGTH = 50_000


def legal_texts_ensure_defaults() -> None:
    """Give each kind of text its built-in version 1 if it has no version yet.

    Runs after every `migrate` (apps.py) and before a consent is recorded, so sign-up always has
    a version to name. Harmless when run twice or concurrently.
    """
    for kind, (body_de, body_en) in DEFAULT_TEXTS.items():
        if LegalText.objects.filter(kind=kind).exists():
            continue
        try:
            with transaction.atomic():
                LegalText.objects.create(kind=kind, version=1, body_de=body_de, body_en=body_en)
        except IntegrityError:
            pass  # a concurrent call made it


def _clean_body(text: str, *, field: str, required: bool) -> str:
    # Windows line ends from a textarea would otherwise count as a change.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise InvalidInput(_("Bitte geben Sie den deutschen Text an."), field=field)
    if len(text) > BODY_MAX_LENGTH:
        raise InvalidInput(
            _("Der Text ist zu lang (höchstens %(max)d Zeichen).") % {"max": BODY_MAX_LENGTH},
            field=field,
        )
    if any(ord(char) < 32 and char not in "\n\t" for char in text):
        raise InvalidInput(_("Der Text enthält unzulässige Steuerzeichen."), field=field)
    return text


def legal_text_publish(
    *, kind: str, by: User, body_de: str, body_en: str = "", based_on: int | None = None
) -> LegalText:
    """Save the coordinator's text as the next version of the privacy notice or imprint.

    `based_on` is the version the editor started from: if someone saved another version
    meanwhile, raises Conflict instead of silently replacing their text. An unchanged text makes
    no new version (the current one is returned). Raises NotAllowed for anyone but the
    coordinator, InvalidInput for an unknown kind or an empty, too long German text.
    """
    if not by.is_coordinator:
        raise NotAllowed(_("Nur die Koordination darf die Rechtstexte ändern."))
    if kind not in LegalTextKind.values:
        raise InvalidInput(_("Unbekannter Rechtstext."), field="kind")
    body_de = _clean_body(body_de, field="body_de", required=True)
    body_en = _clean_body(body_en, field="body_en", required=False)
    try:
        with transaction.atomic():
            # Locks the newest version, so two editors queue here (PostgreSQL); the unique
            # version number catches the rest.
            current = (
                LegalText.objects.select_for_update().filter(kind=kind).order_by("-version")[:1]
            )
            current = current[0] if current else None
            current_version = current.version if current else 0
            if based_on is not None and based_on != current_version:
                raise Conflict(
                    _(
                        "Der Text wurde inzwischen geändert (jetzt Fassung %(version)d). Bitte "
                        "prüfen Sie die neue Fassung und übernehmen Sie Ihre Änderungen dort."
                    )
                    % {"version": current_version},
                    code="legal_text_changed",
                )
            if current and (current.body_de, current.body_en) == (body_de, body_en):
                return current
            return LegalText.objects.create(
                kind=kind,
                version=current_version + 1,
                body_de=body_de,
                body_en=body_en,
                created_by=by,
            )
    except IntegrityError:
        raise Conflict(
            _("Gleichzeitig wurde eine andere Fassung gespeichert. Bitte laden Sie die Seite neu."),
            code="legal_text_changed",
        ) from None


def privacy_notice_to_accept(*, accepted: bool, version: int | None = None) -> LegalText:
    """The privacy notice version a person accepts at sign-up (the one in force).

    `version` is the one they were shown, if the client says: a newer one in force is refused,
    so nobody is recorded as accepting a text they did not see. Raises InvalidInput (field
    "privacy_notice_accepted", code "privacy_notice_required") if not accepted, InvalidInput
    (field "privacy_notice_version", code "privacy_notice_outdated") for an outdated version.
    """
    if accepted is not True:
        raise InvalidInput(
            _("Bitte lesen Sie die Datenschutzerklärung und stimmen Sie ihr zu."),
            code="privacy_notice_required",
            field="privacy_notice_accepted",
        )
    legal_texts_ensure_defaults()
    notice = LegalText.objects.filter(kind=LegalTextKind.PRIVACY).order_by("-version").first()
    if version is not None and version != notice.version:
        raise InvalidInput(
            _(
                "Die Datenschutzerklärung wurde inzwischen geändert (jetzt Fassung %(version)d). "
                "Bitte lesen Sie die aktuelle Fassung und stimmen Sie ihr zu."
            )
            % {"version": notice.version},
            code="privacy_notice_outdated",
            field="privacy_notice_version",
        )
    return notice


def privacy_consent_record(*, user: User, notice: LegalText) -> PrivacyConsent:
    """Record that the person accepted this version now; accepting it again changes nothing."""
    consent, _created = PrivacyConsent.objects.get_or_create(user=user, notice=notice)
    return consent

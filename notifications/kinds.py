"""The one table of notification kinds. Add a row here when you add a kind.

Each kind has a folder of templates under templates/notifications/<folder>/ (subject.txt,
body.txt, body.html; the bodies extend notifications/base.txt and notifications/base.html).
notify() refuses a kind that is not in this table, so a typo fails in the first test.

- optional: a person may switch this kind off (preferences API, one-click unsubscribe link).
  Admins of the notification's organisation receive it anyway; see
  selectors.recipient_addresses_for().
- in_app: listed in the person's in-app notifications (account e-mails are not).
- attachments: what the caller attaches; notify() refuses attachments for a kind without any
  (and the sender skips the attachment query for those kinds).

Templates see the caller's context plus site_url, site_name, recipient_name,
organisation_name (of the organisation passed to notify()), kind_description and
unsubscribe_url (empty where the person cannot switch the kind off). By convention the context
carries `url`, the page of the web app the notification is about (the in-app list links to
it), and the other side's organisation name as a string.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    name: str
    description: Promise | str
    recipients: Promise | str
    folder: str = ""
    attachments: tuple[str, ...] = ()
    optional: bool = False
    in_app: bool = True

    @property
    def template_folder(self) -> str:
        return f"notifications/{self.folder or self.name}"


def _table(*kinds: Kind) -> dict[str, Kind]:
    return {kind.name: kind for kind in kinds}


KINDS: dict[str, Kind] = _table(
    # --- accounts ------------------------------------------------------------------------
    Kind(
        "account_verify_email",
        _("Bestätigung der E-Mail-Adresse nach der Registrierung"),
        _("die Person, die sich registriert hat"),
        in_app=False,
    ),
    Kind(
        "account_password_reset",
        _("Link zum Zurücksetzen des Passworts"),
        _("die Person, die ein neues Passwort angefordert hat"),
        in_app=False,
    ),
    Kind(
        "account_exists",
        _("Jemand wollte mit der Adresse eines bestehenden Kontos ein neues anlegen"),
        _("die Person, der das Konto gehört"),
        in_app=False,
    ),
    # --- organisations -------------------------------------------------------------------
    Kind(
        "organisation_applied",
        _("Eine Organisation hat sich beworben und wartet auf Freigabe"),
        _("die Netzwerk-Koordination"),
    ),
    Kind(
        "organisation_approved",
        _("Die Organisation wurde freigegeben"),
        _("die Administrator*innen der Organisation"),
    ),
    Kind(
        "organisation_rejected",
        _("Die Bewerbung der Organisation wurde abgelehnt"),
        _("die Administrator*innen der Organisation"),
    ),
    Kind(
        "organisation_suspended",
        _("Die Organisation wurde gesperrt"),
        _("die Administrator*innen der Organisation"),
    ),
    Kind(
        "invitation",
        _("Einladung in eine Organisation"),
        _("die eingeladene E-Mail-Adresse (auch ohne Konto)"),
    ),
    # --- bookings (bookings/notices.py) ----------------------------------------------------
    Kind(
        "booking_requested",
        _("Neue Buchungsanfrage oder Vermittlung für ein Angebot"),
        _("die anbietende Organisation"),
        optional=True,
    ),
    Kind(
        "booking_confirmed",
        _("Eine Buchung wurde bestätigt"),
        _("die anfragende Organisation, eine Kopie an die anbietende"),
        attachments=("Kalendereinladung (.ics)",),
        optional=True,
    ),
    Kind(
        "booking_declined",
        _("Eine Buchungsanfrage wurde abgelehnt"),
        _("die anfragende Organisation"),
        optional=True,
    ),
    Kind(
        "booking_cancelled",
        _("Eine Buchung wurde storniert"),
        _("die jeweils andere Organisation"),
        attachments=("Absage des Kalendereintrags (.ics)",),
        optional=True,
    ),
    Kind(
        "booking_waitlist_placed",
        _("Von der Warteliste nachgerückt: eine Anfrage wurde gestellt oder sofort bestätigt"),
        _("die wartende Organisation"),
        optional=True,
    ),
    Kind(
        "booking_expired",
        _("Eine unbeantwortete Buchungsanfrage ist abgelaufen"),
        _("beide Organisationen"),
        optional=True,
    ),
    Kind(
        "booking_message",
        _("Neue Nachricht zu einer Buchung"),
        _("die jeweils andere Organisation"),
        optional=True,
    ),
    Kind(
        "booking_hours_to_confirm",
        _("Geleistete Stunden eines Einsatzes bitte bestätigen"),
        _("die anfragende Organisation"),
        optional=True,
    ),
    Kind(
        "booking_overdue",
        _("Eine Ausleihe ist überfällig"),
        _("beide Organisationen"),
        optional=True,
    ),
    Kind(
        "booking_lost",
        _("Eine überfällige Ausleihe wurde als verloren oder außer Betrieb gemeldet"),
        _(
            "die ausleihende Organisation und die Organisationen späterer Ausleihen derselben "
            "Stücke"
        ),
        optional=True,
    ),
    Kind(
        "booking_reminder",
        _("Erinnerung am Vortag eines Freiwilligeneinsatzes oder einer Abholung"),
        _("beide Organisationen"),
        optional=True,
    ),
    Kind(
        "booking_due_back",
        _("Erinnerung: eine Ausleihe ist morgen zurückzugeben"),
        _("die ausleihende Organisation"),
        optional=True,
    ),
    Kind(
        "booking_referral_status",
        _("Neuer Stand einer Vermittlung"),
        _("die vermittelnde Organisation (beim Zurückziehen: das Unternehmen)"),
        optional=True,
    ),
    Kind(
        "booking_group_requested",
        _("Neue Sammelanfrage für mehrere Gegenstände"),
        _("die anbietende Organisation"),
        optional=True,
    ),
    Kind(
        "booking_group_answered",
        _("Antwort auf eine Sammelanfrage (bestätigte und abgelehnte Gegenstände)"),
        _("die anfragende Organisation, eine Kopie an die anbietende, wenn etwas bestätigt ist"),
        attachments=("Kalendereinladung (.ics)",),
        optional=True,
    ),
    Kind(
        "booking_group_cancelled",
        _("Eine Sammelanfrage wurde storniert"),
        _("die anbietende Organisation (eine Kopie an die anfragende, wenn etwas bestätigt war)"),
        attachments=("Absage des Kalendereintrags (.ics)",),
        optional=True,
    ),
    # --- donations and receipts (donations/notices.py) -------------------------------------
    Kind(
        "donation_recorded",
        _("Eine Spende wurde erfasst und wartet auf die Bestätigung des Eingangs"),
        _("die empfangende Organisation"),
        optional=True,
    ),
    Kind(
        "donation_confirmed",
        _("Der Eingang einer Spende wurde bestätigt (die Zuwendungsbestätigung folgt gesondert)"),
        _("das spendende Unternehmen bzw. die spendende Person"),
        optional=True,
    ),
    Kind(
        "donation_rejected",
        _("Eine erfasste Spende wurde abgelehnt"),
        _("das spendende Unternehmen bzw. die spendende Person"),
        optional=True,
    ),
    Kind(
        "receipt_issued",
        _("Zuwendungsbestätigung (maschinell erstellt) als PDF"),
        _("das spendende Unternehmen bzw. die spendende Person"),
        attachments=("Zuwendungsbestätigung (PDF)",),
    ),
    Kind(
        "receipt_to_sign",
        _("Zuwendungsbestätigung zum Unterschreiben und Versenden"),
        _("die Administrator*innen der empfangenden Organisation"),
        attachments=("Zuwendungsbestätigung (PDF)",),
    ),
    Kind(
        "receipt_coming",
        _("Die unterschriebene Zuwendungsbestätigung ist unterwegs"),
        _("das spendende Unternehmen bzw. die spendende Person"),
    ),
    Kind(
        "receipt_cancelled",
        _("Eine Zuwendungsbestätigung wurde storniert (und ggf. ersetzt)"),
        _("das spendende Unternehmen bzw. die spendende Person"),
    ),
    Kind(
        "receipt_blocked",
        _("Zuwendungsbestätigung nicht möglich: Angaben zur Steuerbefreiung fehlen oder veraltet"),
        _("die Administrator*innen der empfangenden Organisation"),
    ),
    Kind(
        "receipt_collective_due",
        _("Im Januar: Spender*innen, die eine Sammelbestätigung erhalten können"),
        _("die Administrator*innen der empfangenden Organisation"),
    ),
    # --- network events (network/notices.py) ----------------------------------------------
    Kind(
        "network_event_invitation",
        _("Einladung zu einer veröffentlichten Veranstaltung des Netzwerks"),
        _("die Mitglieder des Netzwerks (bei AG-Treffen: der Arbeitsgruppe)"),
        optional=True,
    ),
    Kind(
        "network_registration_confirmed",
        _("Anmeldung zu einer Veranstaltung bestätigt"),
        _("die angemeldete Person"),
        attachments=("Kalendereinladung (.ics)",),
    ),
    Kind(
        "network_registration_waiting",
        _("Veranstaltung ausgebucht: auf der Warteliste"),
        _("die Person auf der Warteliste"),
    ),
    Kind(
        "network_registration_promoted",
        _("Von der Warteliste nachgerückt"),
        _("die nachgerückte Person"),
        attachments=("Kalendereinladung (.ics)",),
    ),
    Kind(
        "network_registration_cancelled",
        _("Abmeldung von einer Veranstaltung bestätigt"),
        _("die abgemeldete Person"),
        attachments=("Absage des Kalendereintrags (.ics)",),
    ),
    Kind(
        "network_event_changed",
        _("Zeit oder Ort einer Veranstaltung geändert"),
        _("alle Angemeldeten und die Warteliste"),
        attachments=("aktualisierter Kalendereintrag (.ics)",),
    ),
    Kind(
        "network_event_cancelled",
        _("Veranstaltung abgesagt"),
        _("alle Angemeldeten und die Warteliste"),
        attachments=("Absage des Kalendereintrags (.ics)",),
    ),
    Kind(
        "network_event_reminder",
        _("Erinnerung am Vortag einer Veranstaltung"),
        _("die angemeldeten Personen"),
        optional=True,
    ),
    # --- needs (Gesuche; needs/notices.py) ------------------------------------------------
    Kind(
        "needs_digest",
        _("Tägliche Übersicht neuer Gesuche, die zum Unternehmen passen"),
        _("die Mitglieder passender Unternehmen (höchstens eine am Tag)"),
        optional=True,
    ),
    Kind(
        "need_proposal_received",
        _("Ein Unternehmen hat auf ein Gesuch geantwortet"),
        _("die Organisation, die das Gesuch gestellt hat"),
        optional=True,
    ),
    Kind(
        "need_proposal_accepted",
        _("Ein Vorschlag zu einem Gesuch wurde angenommen"),
        _("das vorschlagende Unternehmen"),
        optional=True,
    ),
    Kind(
        "need_proposal_declined",
        _("Ein Vorschlag zu einem Gesuch wurde abgelehnt"),
        _("das vorschlagende Unternehmen"),
        optional=True,
    ),
    Kind(
        "need_ended",
        _("Ein Gesuch ist erfüllt oder geschlossen, bevor über den Vorschlag entschieden war"),
        _("die Unternehmen mit noch offenem Vorschlag"),
        optional=True,
    ),
    # --- the pipeline itself ---------------------------------------------------------------
    Kind(
        "mail_test",
        _("Test-E-Mail, mit der die Koordination den Versand prüft"),
        _("die angegebene Adresse (manage.py notifications_sendtest)"),
        in_app=False,
    ),
    # --- working groups and minutes (network/notices_groups.py) ------------------------------
    Kind(
        "group_join_requested",
        _("Jemand möchte einer Arbeitsgruppe beitreten"),
        _("die Leitung der Arbeitsgruppe"),
        optional=True,
    ),
    Kind(
        "group_join_answered",
        _("Antwort der Leitung auf eine Beitrittsanfrage"),
        _("die Person, die beitreten wollte"),
    ),
    Kind(
        "group_message",
        _("Nachricht der Leitung an alle Mitglieder einer Arbeitsgruppe"),
        _("die Mitglieder der Arbeitsgruppe"),
        optional=True,
    ),
    Kind(
        "minutes_published",
        _("Das Protokoll einer Veranstaltung oder eines AG-Treffens ist veröffentlicht"),
        _("die Angemeldeten (bei AG-Treffen: die Mitglieder der Arbeitsgruppe)"),
        optional=True,
    ),
)


def get_kind(name: str) -> Kind:
    """The kind called `name`; raises ValueError for a kind missing from KINDS."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(
            f"Unknown notification kind {name!r}; add it to notifications/kinds.py"
        ) from None


def optional_kinds() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.optional]


def in_app_kind_names() -> list[str]:
    return [kind.name for kind in KINDS.values() if kind.in_app]

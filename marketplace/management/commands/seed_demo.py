"""`manage.py seed_demo [--if-empty]`: an invented Wassertorkiez to click through.

Companies, social organisations (approved, social ones with tax-exemption data), an admin and
members for each, and a network coordinator who may use /admin/ without being a superuser.
Every demo person signs in with DEMO_PASSWORD; the command prints the logins.

Running it again creates nothing new: every row is found by its natural key (slug, e-mail
address, ...) and only created when missing; what someone changed since is left alone.

Adding demo data of another app (offers, bookings, donations, ...): give the app a module
`<app>/demo.py` with

    SEEDERS = [seed_offers]          # called in this order, after the people and organisations

    def seed_offers(demo: DemoData) -> None:
        spreewerk = demo.organisations["spreewerk-design"]
        ...  # get_or_create by a natural key, so that a second run creates nothing

Apps run in INSTALLED_APPS order (marketplace first), so later apps see what earlier ones made.
The rows are written directly, not through the services: the demo is a starting state, not a
series of events, and must not send e-mails (approvals, invitations) while it is built.
"""

import importlib
import importlib.util
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from marketplace.coordinators import coordinators_group_sync
from marketplace.models import (
    ExemptionNoticeKind,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OrganisationStatusChange,
    Role,
    TaxExemption,
    User,
    VolunteerHourRate,
)

DEMO_PASSWORD = "Kiezmarkt-Demo-2026"  # noqa: S105 - printed on purpose: demo data only


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    what: str


@dataclass
class DemoData:
    """What the seeders built so far, for the seeders that come after."""

    organisations: dict[str, Organisation] = field(default_factory=dict)  # by slug
    people: dict[str, User] = field(default_factory=dict)  # by e-mail address
    # Further logins a seeder wants printed (the people below are listed anyway).
    logins: list[DemoLogin] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)  # model verbose name plural → count
    coordinator: User | None = None

    def count_created(self, instance, created: bool) -> None:
        if created:
            self.created[str(type(instance)._meta.verbose_name_plural)] += 1


Seeder = Callable[[DemoData], None]


# --- People and organisations ---------------------------------------------------------------

COORDINATOR = {"email": "koordination@kiezmarkt.example", "full_name": "Petra Lindner"}

# Invented, though the streets are the Wassertorkiez's. (slug, name, description, street, people)
# people: (e-mail, full name, role); the first is the organisation's admin.
COMPANIES = [
    (
        "spreewerk-design",
        "Spreewerk Design GmbH",
        "Agentur für Gestaltung und Kommunikation am Kanal. Wir verleihen Beamer und "
        "Stellwände und kommen gern mit dem ganzen Team zum Anpacken.",
        "Gitschiner Straße 15",
        [
            ("mara.sommer@spreewerk.example", "Mara Sommer", Role.ADMIN),
            ("jonas.albrecht@spreewerk.example", "Jonas Albrecht", Role.MEMBER),
        ],
    ),
    (
        "kanalblick-it",
        "Kanalblick IT",
        "IT-Dienstleister für kleine Betriebe und Vereine im Kiez: Netzwerke, Rechner, "
        "Datenschutz. Ausbildungsbetrieb für Fachinformatiker*innen.",
        "Segitzdamm 22",
        [
            ("deniz.aydin@kanalblick.example", "Deniz Aydın", Role.ADMIN),
            ("lena.brandt@kanalblick.example", "Lena Brandt", Role.MEMBER),
        ],
    ),
    (
        "goerlitzer-druckhaus",
        "Görlitzer Druckhaus",
        "Familiengeführte Druckerei für Plakate, Flyer und Broschüren. Biertischgarnituren "
        "und ein Lastenrad zum Ausleihen.",
        "Prinzenstraße 34",
        [("frank.wendt@goerlitzer-druckhaus.example", "Frank Wendt", Role.ADMIN)],
    ),
]

# (slug, name, description, street, people, tax exemption or None)
SOCIAL_ORGANISATIONS = [
    (
        "nachbarschaftshaus-am-wassertor",
        "Nachbarschaftshaus am Wassertor e.V.",
        "Mehrgenerationenhaus mit Seniorentreff, Hausaufgabenhilfe, Familiencafé und "
        "Beratung. Träger des Kieznetzwerks.",
        "Wassertorstraße 48",
        [
            ("ayse.demir@nachbarschaftshaus-wassertor.example", "Ayşe Demir", Role.ADMIN),
            ("klaus.richter@nachbarschaftshaus-wassertor.example", "Klaus Richter", Role.MEMBER),
        ],
        {
            "tax_office": "Finanzamt für Körperschaften I Berlin",
            "tax_number": "27/640/51234",
            "notice_kind": ExemptionNoticeKind.FREISTELLUNGSBESCHEID,
            "notice_date": date(2024, 3, 12),
            "purposes": "Förderung der Jugend- und Altenhilfe; Förderung der Bildung; "
            "Förderung des bürgerschaftlichen Engagements",
            "machine_receipts_notified": True,
        },
    ),
    (
        "kinderladen-sonnenblume",
        "Kinderladen Sonnenblume e.V.",
        "Elterninitiative mit 18 Kindern zwischen einem und sechs Jahren.",
        "Erkelenzdamm 9",
        [("sophie.keller@kinderladen-sonnenblume.example", "Sophie Keller", Role.ADMIN)],
        {
            "tax_office": "Finanzamt für Körperschaften I Berlin",
            "tax_number": "27/655/40987",
            "notice_kind": ExemptionNoticeKind.FREISTELLUNGSBESCHEID,
            "notice_date": date(2023, 11, 6),
            "purposes": "Förderung der Jugendhilfe; Förderung der Erziehung",
            "machine_receipts_notified": False,
        },
    ),
    (
        "kirchengemeinde-am-wassertor",
        "Ev. Kirchengemeinde am Wassertor",
        "Gemeinde mit Kiezküche, Kleiderkammer und Gemeindesaal für Nachbarschaftsfeste.",
        "Fraenkelufer 30",
        [("ruth.engel@kirchengemeinde-wassertor.example", "Ruth Engel", Role.ADMIN)],
        # A parish is a public-law corporation: no exemption notice to store.
        None,
    ),
    (
        "grundschule-am-wassertorplatz",
        "Grundschule am Wassertorplatz (Förderverein e.V.)",
        "Förderverein der Kiez-Grundschule: Schulgarten, Leseclub, Ausflüge und Praktika "
        "für die Großen.",
        "Wassertorplatz 3",
        [
            ("tobias.hartmann@grundschule-wassertorplatz.example", "Tobias Hartmann", Role.ADMIN),
            # Lena works at Kanalblick IT and helps at her children's school: two organisations.
            ("lena.brandt@kanalblick.example", "Lena Brandt", Role.MEMBER),
        ],
        {
            "tax_office": "Finanzamt für Körperschaften I Berlin",
            "tax_number": "27/662/33110",
            # A young association: its notice so far is the § 60a AO assessment.
            "notice_kind": ExemptionNoticeKind.FESTSTELLUNGSBESCHEID,
            "notice_date": date(2025, 2, 20),
            "purposes": "Förderung der Bildung und Erziehung",
            "machine_receipts_notified": False,
        },
    ),
]


# Apps whose models coordinators manage in /admin/; auth and authtoken stay with superusers
# (editing people's groups and permissions would let a coordinator make herself superuser).
def _person(demo: DemoData, email: str, full_name: str, **extra) -> User:
    user = demo.people.get(email)
    if user is None:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": full_name, "email_verified": True, "language": "de", **extra},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        demo.count_created(user, created)
        demo.people[email] = user
    return user


def seed_coordinator(demo: DemoData) -> None:
    group = coordinators_group_sync()
    coordinator = _person(demo, **COORDINATOR, is_staff=True)
    coordinator.groups.add(group)
    demo.coordinator = coordinator


def _organisation(demo: DemoData, kind, slug, name, description, street, people) -> Organisation:
    admin = _person(demo, *people[0][:2])
    organisation, created = Organisation.objects.get_or_create(
        slug=slug,
        defaults={
            "kind": kind,
            "name": name,
            "description": description,
            "street": street,
            "postcode": "10969",
            "city": "Berlin",
            "district": "Kreuzberg – Wassertorkiez",
            "contact_email": admin.email,
            "status": OrganisationStatus.APPROVED,
            "status_changed_at": timezone.now(),
            "applied_by": admin,
        },
    )
    demo.count_created(organisation, created)
    if created:
        OrganisationStatusChange.objects.create(
            organisation=organisation,
            from_status=OrganisationStatus.PENDING,
            to_status=OrganisationStatus.APPROVED,
            by=demo.coordinator,
            reason="Demodaten",
        )
    demo.organisations[slug] = organisation
    for email, full_name, role in people:
        person = _person(demo, email, full_name)
        membership, created = Membership.objects.get_or_create(
            user=person, organisation=organisation, defaults={"role": role}
        )
        demo.count_created(membership, created)
    return organisation


def seed_organisations(demo: DemoData) -> None:
    for slug, name, description, street, people in COMPANIES:
        _organisation(demo, OrganisationKind.COMPANY, slug, name, description, street, people)
    for slug, name, description, street, people, exemption in SOCIAL_ORGANISATIONS:
        organisation = _organisation(
            demo, OrganisationKind.SOCIAL, slug, name, description, street, people
        )
        if exemption:
            tax_exemption, created = TaxExemption.objects.get_or_create(
                organisation=organisation, defaults=exemption
            )
            demo.count_created(tax_exemption, created)


# The value of a volunteer hour in the reports (a network setting, from a day on), so that the
# demo report values the confirmed hours instead of saying the rate is not set yet.
DEMO_HOUR_RATE = {"valid_from": date(2024, 1, 1), "euros": Decimal("15.00")}


def seed_network_settings(demo: DemoData) -> None:
    rate, created = VolunteerHourRate.objects.get_or_create(
        valid_from=DEMO_HOUR_RATE["valid_from"],
        defaults={"euros": DEMO_HOUR_RATE["euros"], "created_by": demo.coordinator},
    )
    demo.count_created(rate, created)


MARKETPLACE_SEEDERS: list[Seeder] = [seed_coordinator, seed_organisations, seed_network_settings]


def discover_seeders() -> list[Seeder]:
    """marketplace's seeders, then each project app's `demo.SEEDERS` in INSTALLED_APPS order."""
    seeders = list(MARKETPLACE_SEEDERS)
    for app_config in apps.get_app_configs():
        in_project = app_config.path.startswith(str(settings.BASE_DIR))
        if app_config.name == "marketplace" or not in_project:
            continue
        if importlib.util.find_spec(f"{app_config.name}.demo") is not None:
            module = importlib.import_module(f"{app_config.name}.demo")
            seeders.extend(getattr(module, "SEEDERS", []))
    return seeders


def seed(demo: DemoData | None = None) -> DemoData:
    demo = demo or DemoData()
    with transaction.atomic():
        for seeder in discover_seeders():
            seeder(demo)
    return demo


def demo_logins(emails: set[str]) -> list[DemoLogin]:
    """One line per demo person among `emails`, naming what they are where."""
    roles: dict[str, list[str]] = {}
    if COORDINATOR["email"] in emails:
        roles[COORDINATOR["email"]] = ["Koordination des Netzwerks (auch /admin/)"]
    for entry in [*COMPANIES, *SOCIAL_ORGANISATIONS]:
        name, people = entry[1], entry[4]
        for email, _full_name, role in people:
            if email in emails:
                label = "Administrator*in" if role == Role.ADMIN else "Mitglied"
                roles.setdefault(email, []).append(f"{label} – {name}")
    return [DemoLogin(email, DEMO_PASSWORD, "; ".join(what)) for email, what in roles.items()]


def _all_demo_emails() -> set[str]:
    emails = {COORDINATOR["email"]}
    for entry in [*COMPANIES, *SOCIAL_ORGANISATIONS]:
        emails.update(email for email, _full_name, _role in entry[4])
    return emails


class Command(BaseCommand):
    help = "Legt Demodaten an (erfundene Unternehmen und Organisationen im Wassertorkiez)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Nur anlegen, wenn die Datenbank noch keine Personen oder Organisationen hat.",
        )

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and (User.objects.exists() or Organisation.objects.exists()):
            self.stdout.write("Die Datenbank enthält schon Daten: keine Demodaten angelegt.")
            existing = User.objects.filter(email__in=_all_demo_emails())
            self._print_logins(demo_logins(set(existing.values_list("email", flat=True))))
            return
        demo = seed()
        if demo.created:
            made = ", ".join(f"{count} {name}" for name, count in sorted(demo.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demodaten angelegt: {made}."))
        else:
            self.stdout.write("Demodaten sind schon vollständig da: nichts angelegt.")
        self._print_logins([*demo_logins(set(demo.people)), *demo.logins])

    def _print_logins(self, logins: list[DemoLogin]) -> None:
        if not logins:
            return
        self.stdout.write(f"\nDemo-Zugänge (Passwort für alle: {DEMO_PASSWORD}):")
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.what}")

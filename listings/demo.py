"""Demo offers for `manage.py seed_demo`: the starting categories and offers of each kind from
the demo companies, dated relative to today.

Rows are written directly (see seed_demo's docstring) and found again by (organisation, title),
so a second run creates nothing.
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from .categories import ensure_default_categories
from .models import (
    AllocationKind,
    Category,
    Condition,
    EmploymentType,
    Equipment,
    EquipmentAllocation,
    JobOffer,
    ListingStatus,
    VolunteerAction,
    VolunteerLocation,
    VolunteerSlot,
)
from .services.common import listing_refresh_derived

# (company, category, title, description, fields, slots: (days from today, hour, hours, volunteers))
VOLUNTEER_ACTIONS = [
    (
        "spreewerk-design",
        "renovieren",
        "Teamtag: Wände streichen im Nachbarschaftshaus",
        "Unser zehnköpfiges Team streicht einen Tag lang Flure und Gruppenräume. Farbe und "
        "Rollen bringen wir mit, Sie zeigen uns die Räume.",
        {
            "skills": ["Streichen", "Abkleben", "Möbel rücken"],
            "languages": ["de", "en"],
            "min_volunteers_per_booking": 4,
            "max_volunteers_per_booking": 10,
            "notes": "Keine Arbeit mit Kindern.",
        },
        [(12, 9, 7, 10), (26, 9, 7, 10)],
    ),
    (
        "kanalblick-it",
        "senioren",
        "Digitalsprechstunde für Seniorinnen und Senioren",
        "Zwei Kolleg*innen erklären Smartphone, Tablet und Videotelefonie — geduldig und in "
        "kleiner Runde. Geräte können mitgebracht werden.",
        {
            "skills": ["Smartphone", "Tablet", "Videotelefonie"],
            "languages": ["de", "tr"],
            "location_kind": VolunteerLocation.AT_ORGANISATION,
        },
        [(5, 15, 2, 2), (12, 15, 2, 2), (19, 15, 2, 2)],
    ),
    (
        "goerlitzer-druckhaus",
        "garten",
        "Frühjahrsputz am Landwehrkanal",
        "Wir sammeln mit Ihnen Müll am Kanalufer. Treffpunkt an der Admiralbrücke; Zangen, "
        "Handschuhe und Säcke stellt das Druckhaus.",
        {
            "skills": ["Anpacken"],
            "languages": ["de"],
            "location_kind": VolunteerLocation.MEETING_POINT,
            "meeting_street": "Admiralbrücke",
            "meeting_postcode": "10999",
            "meeting_city": "Berlin",
        },
        [(9, 10, 3, 6)],
    ),
]

# (company, category, title, description, fields, unavailable: (first day, last day) from today)
EQUIPMENT = [
    (
        "goerlitzer-druckhaus",
        "moebel",
        "Biertischgarnitur (Tisch und zwei Bänke)",
        "Klassische Festzeltgarnitur, 220 cm, wetterfest. Passt zu zweit in einen Kombi.",
        {"quantity": 5, "buffer_days": 1, "deposit": Decimal("20.00"), "max_loan_days": 4},
        [(30, 33)],
    ),
    (
        "goerlitzer-druckhaus",
        "fahrzeuge",
        "Lastenrad mit Regenverdeck",
        "Elektrisch unterstütztes Lastenrad für bis zu 80 kg, mit Schloss und Ladegerät.",
        {"quantity": 1, "buffer_days": 0, "deposit": Decimal("50.00"), "max_loan_days": 3},
        [],
    ),
    (
        "spreewerk-design",
        "veranstaltungstechnik",
        "Beamer (Full HD) mit Leinwand",
        "Lichtstarker Beamer mit HDMI-Kabel und Stativleinwand, ideal für Filmabende.",
        {"quantity": 2, "condition": Condition.VERY_GOOD, "max_loan_days": 7},
        [],
    ),
    (
        "spreewerk-design",
        "moebel",
        "Stellwände für Ausstellungen",
        "Sechs leichte Stellwände, 1 × 2 m, mit Haken für Bilder und Plakate.",
        {"quantity": 6, "max_loan_days": 14, "buffer_days": 2},
        [(14, 20)],
    ),
    (
        "kanalblick-it",
        "it",
        "Laptops für Workshops",
        "Acht frisch aufgesetzte Laptops mit Office und Browser, inklusive Netzteilen.",
        {"quantity": 8, "max_loan_days": 5, "deposit": Decimal("100.00")},
        [],
    ),
]

# (company, category, title, description, fields)
JOB_OFFERS = [
    (
        "kanalblick-it",
        "it",
        "Ausbildung Fachinformatiker*in Systemintegration",
        "Drei Jahre Ausbildung im kleinen Team: Netzwerke, Server und Support für Vereine.",
        {
            "employment_type": EmploymentType.APPRENTICESHIP,
            "hours_per_week": Decimal("39.0"),
            "start_days": 120,
            "positions": 2,
            "deadline_days": 45,
            "requirements": "Mittlerer Schulabschluss, Neugier auf Technik.",
            "contact_name": "Deniz Aydın",
        },
    ),
    (
        "kanalblick-it",
        "it",
        "Minijob IT-Support im Kiez",
        "Rechner einrichten und Fragen beantworten bei unseren Kundinnen und Kunden im Kiez.",
        {
            "employment_type": EmploymentType.MINIJOB,
            "hours_per_week": Decimal("8.0"),
            "start_days": None,
            "positions": 1,
            "deadline_days": 20,
            "contact_name": "Lena Brandt",
        },
    ),
    (
        "spreewerk-design",
        "kultur",
        "Werkstudent*in Grafikdesign",
        "Mitarbeit an Plakaten, Flyern und Webseiten für Kunden aus Kultur und Nachbarschaft.",
        {
            "employment_type": EmploymentType.WORKING_STUDENT,
            "hours_per_week": Decimal("15.0"),
            "start_days": 30,
            "positions": 1,
            "deadline_days": 25,
            "requirements": "Studium im Bereich Gestaltung, sicher in Layoutprogrammen.",
            "contact_name": "Mara Sommer",
        },
    ),
    (
        "goerlitzer-druckhaus",
        "handel",
        "Drucker*in in Teilzeit",
        "Bedienung unserer Offset- und Digitaldruckmaschinen, gern auch Quereinsteiger*innen.",
        {
            "employment_type": EmploymentType.PART_TIME,
            "hours_per_week": Decimal("25.0"),
            "start_days": 14,
            "positions": 1,
            "deadline_days": 30,
            "contact_name": "Frank Wendt",
        },
    ),
]


def _listing(demo, model, company_slug, category_slug, title, description, fields):
    organisation = demo.organisations.get(company_slug)
    if organisation is None:
        return None, False
    now = timezone.now()
    poster = organisation.memberships.order_by("id").first().user
    # The poster and the organisation's phone as the contact, as a new offer's page fills in.
    contact = (
        {"contact_name": poster.full_name, "contact_phone": organisation.phone}
        if model in (Equipment, VolunteerAction)
        else {}
    )
    listing, created = model.objects.get_or_create(
        organisation=organisation,
        title=title,
        defaults={
            "description": description,
            "category": Category.objects.get(slug=category_slug),
            "status": ListingStatus.PUBLISHED,
            "published_at": now,
            "status_changed_at": now,
            "created_by": poster,
            **contact,
            **fields,
        },
    )
    demo.count_created(listing, created)
    return listing, created


def _save_derived(listing) -> None:
    changed = listing_refresh_derived(listing)
    if changed:
        listing.save(update_fields=changed)


def seed_listings(demo) -> None:
    ensure_default_categories()
    today = timezone.localdate()

    for company, category, title, description, fields, slots in VOLUNTEER_ACTIONS:
        action, created = _listing(
            demo, VolunteerAction, company, category, title, description, fields
        )
        if created:
            for days, hour, hours, volunteers in slots:
                start = timezone.make_aware(
                    dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour))
                )
                VolunteerSlot.objects.create(
                    action=action,
                    start=start,
                    end=start + dt.timedelta(hours=hours),
                    volunteers_available=volunteers,
                )
            _save_derived(action)

    for company, category, title, description, fields, unavailable in EQUIPMENT:
        organisation = demo.organisations.get(company)
        pickup = {
            "pickup_street": getattr(organisation, "street", "") or "Wassertorstraße 48",
            "pickup_postcode": getattr(organisation, "postcode", "") or "10969",
            "handover_weekdays": [1, 2, 3, 4, 5],
            "handover_opens_at": dt.time(9),
            "handover_closes_at": dt.time(17),
            "handover_note": "nach kurzer Absprache",
        }
        item, created = _listing(
            demo, Equipment, company, category, title, description, {**pickup, **fields}
        )
        if created:
            for first, last in unavailable:
                period = uuid.uuid4()  # every unit's row of one period shares the id
                EquipmentAllocation.objects.bulk_create(
                    EquipmentAllocation(
                        item=item,
                        unit_number=unit,
                        start=today + dt.timedelta(days=first),
                        end=today + dt.timedelta(days=last + 1),
                        hold_id=period,
                        kind=AllocationKind.BLOCKED,
                    )
                    for unit in range(1, item.quantity + 1)
                )

    for company, category, title, description, fields in JOB_OFFERS:
        fields = dict(fields)
        start_days = fields.pop("start_days")
        fields["start_date"] = today + dt.timedelta(days=start_days) if start_days else None
        fields["application_deadline"] = today + dt.timedelta(days=fields.pop("deadline_days"))
        fields.setdefault("place", "Berlin-Kreuzberg")
        job, created = _listing(demo, JobOffer, company, category, title, description, fields)
        if created:
            _save_derived(job)


SEEDERS = [seed_listings]

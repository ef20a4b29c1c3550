"""Latency and throughput of the offers search over HTTP, beside a bare Django view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiezmarkt \
        .venv/bin/python benchmarks/search.py [--offers 100000] [--keep] [--workers 3]

Run on demand, not in CI. Needs PostgreSQL; it makes its own database, <name>_search_bench
(dropped and filled again each run unless --keep finds it filled). What it does:

1. fills PostgreSQL with OFFERS offers (German titles and descriptions from word lists,
   hundreds of organisations, volunteer slots, equipment loans and unavailable dates, job
   offers), with a progress bar;
2. serves Kiezmarkt with gunicorn (production settings) plus one extra URL, /bench/bare/: a bare
   Django view that builds the same query (listings.search.search), takes the first page of
   rows with .values() and returns them with JsonResponse: no authentication, no parameter
   checks, no cursor, no summary shaping;
3. one client: for each of five typical searches, the median and p95 latency of the API and of
   the bare view, and their ratio;
4. eight clients at once: requests per second of the API and of the bare view;
5. prints the figures against the targets (API median <= 1.5 x bare, p95 <= 10 ms with one
   client, >= 500 requests/s with eight clients).
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project and benchmarks.* importable
from benchmarks.measure import backend_pids, cpu_seconds, cpu_used, p95, server_pids  # noqa: E402

TARGET_RATIO = 1.5
TARGET_P95_MS = 10.0
TARGET_RATE = 500.0

BENCH_SETTINGS = """
from marketplace.settings.production import *  # noqa
ROOT_URLCONF = "bench_urls"
"""
BENCH_URLS = """
from django.urls import path
from marketplace.urls import urlpatterns as kiezmarkt
from benchmarks.search import bare_search
urlpatterns = [path("bench/bare/", bare_search), *kiezmarkt]
"""


def bare_search(request):
    """The same rows as /api/v1/listings/, the plain Django way."""
    from django.http import JsonResponse

    from listings.search import SearchFilters, search

    params = request.GET
    dates = {
        name: dt.date.fromisoformat(params[name])
        for name in ("date_from", "date_to", "available_from", "available_until")
        if name in params
    }
    category_id = None
    if "category" in params:
        from listings.models import Category

        category_id = Category.objects.get(slug=params["category"]).pk
    queryset, ordering = search(
        SearchFilters(
            q=params.get("q", ""),
            kind=params.get("kind", ""),
            category_id=category_id,
            employment_type=params.get("employment_type", ""),
            quantity=int(params.get("quantity", 1)),
            ordering=params.get("ordering", ""),
            **dates,
        )
    )
    rows = list(ordering.apply(queryset)[:20])
    return JsonResponse({"results": rows})


# --- Data -------------------------------------------------------------------------------------

PLACES = ["Kreuzberg", "Wassertorkiez", "Graefekiez", "Wrangelkiez", "Bergmannkiez", "Neukölln"]
STREETS = [
    "Wassertorstraße",
    "Gitschiner Straße",
    "Prinzenstraße",
    "Oranienstraße",
    "Skalitzer Straße",
    "Segitzdamm",
    "Erkelenzdamm",
    "Fraenkelufer",
    "Admiralstraße",
    "Böckhstraße",
]
COMPANY_WORDS = ["Kanal", "Spree", "Kiez", "Wassertor", "Oranien", "Landwehr", "Brücken", "Hof"]
TRADES = [
    "Druckerei",
    "Bäckerei",
    "Design",
    "IT-Service",
    "Bau",
    "Logistik",
    "Gastronomie",
    "Elektrotechnik",
    "Tischlerei",
    "Fahrradladen",
    "Steuerbüro",
    "Architekten",
]
LEGAL = ["GmbH", "UG", "KG", "GmbH & Co. KG", "e.K."]
SOCIAL_NAMES = [
    "Nachbarschaftshaus",
    "Kinderladen",
    "Jugendclub",
    "Seniorentreff",
    "Kiezküche",
    "Stadtteilzentrum",
    "Förderverein Grundschule",
    "Kirchengemeinde",
]

EQUIPMENT = [
    ("Biertischgarnitur", "moebel"),
    ("Klapptisch", "moebel"),
    ("Stehtisch", "moebel"),
    ("Stapelstühle", "moebel"),
    ("Sitzbänke", "moebel"),
    ("Stellwände", "moebel"),
    ("Beamer", "veranstaltungstechnik"),
    ("Leinwand", "veranstaltungstechnik"),
    ("Lautsprecheranlage", "veranstaltungstechnik"),
    ("Funkmikrofon", "veranstaltungstechnik"),
    ("Lichterkette", "veranstaltungstechnik"),
    ("Partyzelt", "veranstaltungstechnik"),
    ("Pavillon", "garten"),
    ("Akkuschrauber", "werkzeug"),
    ("Bohrmaschine", "werkzeug"),
    ("Werkzeugkoffer", "werkzeug"),
    ("Leiter", "werkzeug"),
    ("Hochdruckreiniger", "werkzeug"),
    ("Lastenrad", "fahrzeuge"),
    ("Bollerwagen", "fahrzeuge"),
    ("Anhänger", "fahrzeuge"),
    ("Kaffeemaschine", "kueche"),
    ("Gulaschkanone", "kueche"),
    ("Kühlschrank", "kueche"),
    ("Grill", "kueche"),
    ("Laptop", "it"),
    ("Drucker", "it"),
    ("Rasenmäher", "garten"),
    ("Schubkarre", "garten"),
    ("Tischtennisplatte", "sport"),
    ("Kicker", "sport"),
    ("Nähmaschine", "kultur"),
]
EQUIPMENT_ADDITIONS = [
    "für Feste",
    "mit Zubehör",
    "für den Hof",
    "wetterfest",
    "fast neu",
    "für Workshops",
    "zum Ausleihen",
    "mit Transporttasche",
]
ACTIVITIES = [
    ("Wände streichen", "renovieren", ["Streichen", "Abkleben"]),
    ("Hochbeete bauen", "garten", ["Handwerk", "Gartenarbeit"]),
    ("Spielplatz aufräumen", "kinder-jugend", ["Anpacken"]),
    ("Lesepatenschaft", "bildung", ["Vorlesen", "Geduld"]),
    ("Bewerbungstraining", "bildung", ["Personalwesen", "Beratung"]),
    ("Digitalsprechstunde", "senioren", ["Smartphone", "Tablet"]),
    ("Kochen für die Kiezküche", "kueche", ["Kochen", "Hygiene"]),
    ("Umzugshilfe", "pflege-soziales", ["Tragen", "Fahren"]),
    ("Müll sammeln am Kanal", "garten", ["Anpacken"]),
    ("Fahrräder reparieren", "werkzeug", ["Fahrradtechnik"]),
    ("Hausaufgabenhilfe", "bildung", ["Mathematik", "Deutsch"]),
    ("Sommerfest aufbauen", "kultur", ["Aufbau", "Technik"]),
    ("Kleiderkammer sortieren", "pflege-soziales", ["Sortieren"]),
    ("Schulgarten umgraben", "garten", ["Gartenarbeit"]),
    ("Steuererklärung erklären", "buero", ["Buchhaltung"]),
]
ACTION_PLACES = [
    "im Nachbarschaftshaus",
    "in der Kita",
    "am Wassertorplatz",
    "im Seniorentreff",
    "in der Grundschule",
    "im Jugendclub",
    "im Gemeindesaal",
    "im Kiez",
]
JOBS = [
    ("Verkäufer*in", "handel"),
    ("Koch/Köchin", "gastronomie"),
    ("Servicekraft", "gastronomie"),
    ("Mediengestalter*in", "kultur"),
    ("Fachinformatiker*in", "it"),
    ("Kaufmann/-frau für Büromanagement", "buero"),
    ("Fahrradmechaniker*in", "werkzeug"),
    ("Elektroniker*in", "werkzeug"),
    ("Gärtner*in", "garten"),
    ("Buchhalter*in", "buero"),
    ("Erzieher*in", "kinder-jugend"),
    ("Pflegehelfer*in", "pflege-soziales"),
    ("Fahrer*in", "fahrzeuge"),
    ("Tischler*in", "werkzeug"),
]
EMPLOYMENT = [
    ("vollzeit", "Vollzeit", 39),
    ("teilzeit", "Teilzeit", 25),
    ("minijob", "Minijob", 8),
    ("ausbildung", "Ausbildung", 39),
    ("praktikum", "Praktikum", 30),
    ("werkstudent", "Werkstudent", 18),
]
SENTENCES = [
    "Wir sind ein kleines Team aus dem {place} und helfen gern in der Nachbarschaft.",
    "Abholung und Rückgabe sind werktags nach kurzer Absprache möglich.",
    "Bitte behandeln Sie alles pfleglich und geben Sie es sauber zurück.",
    "Seit Jahren unterstützen wir Vereine, Schulen und Initiativen im {place}.",
    "Bei Fragen rufen Sie uns einfach an oder schreiben Sie eine Nachricht.",
    "Unser Betrieb liegt direkt am Landwehrkanal, gut mit U1 und U8 erreichbar.",
    "Für größere Veranstaltungen können wir auch beim Transport helfen.",
    "Wir freuen uns auf die Zusammenarbeit mit sozialen Einrichtungen im Kiez.",
    "Das Angebot richtet sich an gemeinnützige Organisationen aus Kreuzberg.",
    "Gemeinsam packen wir an, wo Hände gebraucht werden.",
    "Wir bieten ein freundliches Team, faire Bezahlung und flexible Arbeitszeiten.",
    "Quereinsteiger*innen sind herzlich willkommen, wir arbeiten Sie gründlich ein.",
]


def words(rng: random.Random, count: int) -> str:
    place = rng.choice(PLACES)
    return " ".join(rng.choice(SENTENCES).format(place=place) for _ in range(count))


def setup_django(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="marketplace.settings.production",
        SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def fill(offers: int, seed: int) -> None:
    """Organisations, people and OFFERS offers, written with COPY in batches."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from tqdm import tqdm

    from listings.categories import ensure_default_categories
    from listings.models import Category, normalise_for_search
    from marketplace.models import Organisation

    call_command("migrate", verbosity=0)
    ensure_default_categories()
    rng = random.Random(seed)
    categories = dict(Category.objects.values_list("slug", "id"))

    companies = []
    for n in range(400):
        name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(TRADES)} {n} {rng.choice(LEGAL)}"
        companies.append(
            Organisation(
                kind="company",
                name=name,
                slug=f"firma-{n}",
                street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                postcode="10969",
                district="Kreuzberg",
                # A few are not (or no longer) approved: their offers must stay hidden.
                status="approved" if n % 40 else rng.choice(["pending", "suspended"]),
            )
        )
    social = [
        Organisation(
            kind="social",
            name=f"{rng.choice(SOCIAL_NAMES)} {n} e.V.",
            slug=f"verein-{n}",
            status="approved",
        )
        for n in range(150)
    ]
    Organisation.objects.bulk_create(companies + social)
    company_ids = list(Organisation.objects.filter(kind="company").values_list("id", flat=True))

    now = timezone.now()
    today = timezone.localdate()
    listing_id = 0
    connection.ensure_connection()
    raw = connection.connection
    batch = 5000
    progress = tqdm(total=offers, desc="offers", unit=" offers")
    while listing_id < offers:
        size = min(batch, offers - listing_id)
        listings, actions, slots, items, allocations, jobs = [], [], [], [], [], []
        for _ in range(size):
            listing_id += 1
            roll = rng.random()
            status = "published" if roll < 0.88 else rng.choice(["draft", "paused", "closed"])
            published = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            published_at = published if status != "draft" else None
            kind_roll = rng.random()
            next_date = visible_until = None
            keywords = ""
            if kind_roll < 0.35:
                kind = "volunteer_action"
                activity, category, skills = rng.choice(ACTIVITIES)
                title = f"{activity} {rng.choice(ACTION_PLACES)}"
                keywords = " ".join(skills)
                first_day = None
                for _slot in range(rng.randint(1, 4)):
                    offset = rng.randint(-20, 150)
                    start = timezone.make_aware(
                        dt.datetime.combine(
                            today + dt.timedelta(days=offset), dt.time(rng.choice([9, 10, 14]))
                        )
                    )
                    available = rng.randint(2, 15)
                    held = rng.choice([0, 0, 0, rng.randint(0, available)])
                    slots.append(
                        (
                            listing_id,
                            start,
                            start + dt.timedelta(hours=rng.randint(2, 7)),
                            available,
                            held,
                        )
                    )
                    if offset >= 0 and (first_day is None or offset < first_day):
                        first_day = offset
                next_date = today + dt.timedelta(days=first_day) if first_day is not None else None
                location = rng.choice(["at_organisation", "meeting_point"])
                actions.append(
                    (
                        listing_id,
                        location,
                        f"{rng.choice(STREETS)} 1" if location == "meeting_point" else "",
                        "10969" if location == "meeting_point" else "",
                        "Berlin" if location == "meeting_point" else "",
                        json.dumps(skills),
                        json.dumps(rng.sample(["de", "en", "tr", "ar", "pl"], rng.randint(1, 3))),
                        None,
                        None,
                        rng.choice(["", "", "Keine Arbeit mit Kindern."]),
                    )
                )
                description = words(rng, rng.randint(2, 5))
            elif kind_roll < 0.75:
                kind = "equipment"
                noun, category = rng.choice(EQUIPMENT)
                title = f"{noun} {rng.choice(EQUIPMENT_ADDITIONS)}"
                quantity = rng.choice([1, 1, 2, 3, 5, 10])
                buffer_days = rng.choice([0, 0, 1, 2])
                items.append(
                    (
                        listing_id,
                        quantity,
                        rng.choice(["new", "very_good", "good", "used"]),
                        f"{rng.choice(STREETS)} {rng.randint(1, 99)}",
                        "10969",
                        "Berlin",
                        json.dumps([1, 2, 3, 4, 5]),
                        dt.time(9),
                        dt.time(17),
                        "",
                        rng.choice([3, 7, 14]),
                        rng.choice([None, "20.00", "50.00"]),
                        buffer_days,
                    )
                )
                if rng.random() < 0.35:
                    # Loans one after the other: a unit is never lent twice at once.
                    start = today - dt.timedelta(days=10)
                    for _loan in range(rng.randint(1, 3)):
                        start += dt.timedelta(days=rng.randint(0, 20))
                        end = start + dt.timedelta(days=rng.randint(1, 7) + buffer_days)
                        hold = uuid.uuid4()
                        for unit in rng.sample(range(1, quantity + 1), rng.randint(1, quantity)):
                            allocations.append((listing_id, unit, start, end, hold, "loan", now))
                        start = end
                if rng.random() < 0.05:
                    start = today + dt.timedelta(days=rng.randint(100, 200))
                    hold = uuid.uuid4()
                    for unit in range(1, quantity + 1):
                        allocations.append(
                            (
                                listing_id,
                                unit,
                                start,
                                start + dt.timedelta(days=3),
                                hold,
                                "blocked",
                                now,
                            )
                        )
                description = f"{noun} {rng.choice(EQUIPMENT_ADDITIONS)}. " + words(
                    rng, rng.randint(2, 4)
                )
            else:
                kind = "job"
                role, category = rng.choice(JOBS)
                code, label, hours = rng.choice(EMPLOYMENT)
                title = f"{role} ({label})"
                start_date = today + dt.timedelta(days=rng.randint(0, 120))
                deadline = today + dt.timedelta(days=rng.randint(-10, 90))
                next_date, visible_until = start_date, deadline
                positions = rng.randint(1, 3)
                jobs.append(
                    (
                        listing_id,
                        code,
                        hours,
                        start_date,
                        rng.choice(PLACES),
                        positions,
                        rng.randint(0, positions - 1),
                        deadline,
                        "Zuverlässigkeit und Freude an der Arbeit im Team.",
                        "Personalabteilung",
                        "jobs@firma.example",
                        "",
                    )
                )
                description = words(rng, rng.randint(3, 6))
            listings.append(
                (
                    listing_id,
                    kind,
                    rng.choice(company_ids),
                    title,
                    description,
                    categories[category],
                    status,
                    "manual" if status == "closed" else "",
                    keywords,
                    normalise_for_search(f"{title} {keywords}"),
                    next_date,
                    visible_until,
                    "",
                    published,
                    published,
                    published_at,
                    published,
                )
            )
        with raw.cursor() as cursor:
            copy_rows(
                cursor,
                "listings_listing",
                "id, kind, organisation_id, title, description, category_id, status, "
                "closed_reason, keywords, search_text, next_date, visible_until, thumbnail, "
                "created_at, updated_at, published_at, status_changed_at",
                listings,
            )
            copy_rows(
                cursor,
                "listings_volunteeraction",
                "listing_ptr_id, location_kind, meeting_street, meeting_postcode, meeting_city, "
                "skills, languages, min_volunteers_per_booking, max_volunteers_per_booking, notes",
                actions,
            )
            copy_rows(
                cursor,
                "listings_volunteerslot",
                'action_id, start, "end", volunteers_available, volunteers_held',
                slots,
            )
            copy_rows(
                cursor,
                "listings_equipment",
                "listing_ptr_id, quantity, condition, pickup_street, pickup_postcode, "
                "pickup_city, handover_weekdays, handover_opens_at, handover_closes_at, "
                "handover_note, max_loan_days, deposit, buffer_days",
                items,
            )
            copy_rows(
                cursor,
                "listings_equipmentallocation",
                'item_id, unit_number, start, "end", hold_id, kind, created_at',
                allocations,
            )
            copy_rows(
                cursor,
                "listings_joboffer",
                "listing_ptr_id, employment_type, hours_per_week, start_date, place, positions, "
                "positions_filled, application_deadline, requirements, contact_name, "
                "contact_email, contact_phone",
                jobs,
            )
        progress.update(size)
    progress.close()
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('listings_listing', 'id'), %s)", [listing_id]
        )
    with raw.cursor() as cursor:  # Django's connection is in autocommit mode
        cursor.execute("VACUUM ANALYZE")


def copy_rows(cursor, table: str, columns: str, rows: list) -> None:
    if not rows:
        return
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def reader_token() -> str:
    from rest_framework.authtoken.models import Token

    from marketplace.models import Membership, Organisation, User

    user, _ = User.objects.get_or_create(
        email="leserin@bench.example", defaults={"full_name": "Lea Leserin"}
    )
    Membership.objects.get_or_create(
        user=user, organisation=Organisation.objects.filter(kind="social").first()
    )
    return Token.objects.get_or_create(user=user)[0].key


# --- Serving and measuring --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, args, directory: str) -> subprocess.Popen:
    Path(directory, "bench_settings.py").write_text(BENCH_SETTINGS)
    Path(directory, "bench_urls.py").write_text(BENCH_URLS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([directory, str(ROOT)]),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "marketplace.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            f"--worker-class={args.worker_class}",
            f"--threads={args.threads}",
            "--keep-alive=30",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise SystemExit("gunicorn did not start")


def searches() -> list[tuple[str, dict]]:
    today = dt.date.today()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 + 7)
    return [
        ("newest, everything", {}),
        ("full text 'Tische'", {"q": "Tische"}),
        (
            "actions in two weeks",
            {
                "kind": "volunteer_action",
                "date_from": str(today + dt.timedelta(days=7)),
                "date_to": str(today + dt.timedelta(days=21)),
            },
        ),
        (
            "2 free units, weekend",
            {
                "category": "moebel",
                "available_from": str(saturday),
                "available_until": str(saturday + dt.timedelta(days=2)),
                "quantity": 2,
            },
        ),
        ("part-time jobs, soonest", {"employment_type": "teilzeit", "ordering": "soonest"}),
    ]


# Shown for information, not one of the five: relevance ranks every match before the first page.
EXTRA_SEARCHES = [("(extra) 'Tische', relevance", {"q": "Tische", "ordering": "relevance"})]


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, port: int, token: str | None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Token {token}"} if token else {}

    def get(self, path: str) -> float:
        started = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status} {body[:300]!r}")
        return elapsed


def path_of(base: str, params: dict) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def single_client(port: int, token: str, repeats: int) -> list[dict]:
    """Median and p95 (ms) of each search through the API and the bare view, interleaved so
    both see the same machine state."""
    api, bare = Client(port, token), Client(port, None)
    results = []
    for name, params in [*searches(), *EXTRA_SEARCHES]:
        api_path, bare_path = path_of("/api/v1/listings/", params), path_of("/bench/bare/", params)
        for _ in range(20):  # warm caches and connections
            api.get(api_path)
            bare.get(bare_path)
        api_times, bare_times = [], []
        for _ in range(repeats):
            api_times.append(api.get(api_path))
            bare_times.append(bare.get(bare_path))
        results.append(
            {
                "search": name,
                "api_median": statistics.median(api_times) * 1000,
                "api_p95": p95(api_times),
                "bare_median": statistics.median(bare_times) * 1000,
                "bare_p95": p95(bare_times),
            }
        )
    return results


def throughput(
    port: int, token: str | None, base: str, clients: int, seconds: float, server, database
) -> tuple[float, list[float]]:
    """Requests per second of `clients` keep-alive clients cycling through the searches, and the
    CPU milliseconds one request costs in gunicorn, PostgreSQL and these clients: a figure that
    depends far less than the rate on what else runs on the machine."""
    paths = [path_of(base, params) for _name, params in searches()]
    barrier = threading.Barrier(clients + 1)
    counts = [0] * clients
    stop = threading.Event()

    def run(index: int):
        client = Client(port, token)
        for path in paths:  # warm this connection and its worker
            client.get(path)
        barrier.wait()
        n = index
        while not stop.is_set():
            client.get(paths[n % len(paths)])
            n += 1
            counts[index] += 1

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    web_before = cpu_seconds(server_pids(server))
    db_before = cpu_seconds(backend_pids(database))
    own_before = time.process_time()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    used = [
        cpu_used(web_before, cpu_seconds(server_pids(server))),
        cpu_used(db_before, cpu_seconds(backend_pids(database))),
        time.process_time() - own_before,
    ]
    for thread in threads:
        thread.join(timeout=30)
    requests = max(sum(counts), 1)
    return requests / elapsed, [seconds_used * 1000 / requests for seconds_used in used]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="reuse a filled benchmark database")
    parser.add_argument("--repeats", type=int, default=300, help="requests per search, 1 client")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0, help="per throughput phase")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kiezmarkt")
    if not base_url.startswith("postgres"):
        raise SystemExit("benchmarks/search.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    database_url = base_url.split("?")[0] + "_search_bench"

    filled = False
    if args.keep:
        try:
            setup_django(database_url)
            from listings.models import Listing

            filled = Listing.objects.count() >= args.offers
        except Exception:  # no such database yet
            filled = False
    if not filled:
        recreate_database(database_url)
        setup_django(database_url)
        started = time.monotonic()
        fill(args.offers, args.seed)
        print(f"filled {args.offers} offers in {time.monotonic() - started:.0f} s")
    token = reader_token()

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, count(*) FROM listings_listing GROUP BY kind ORDER BY kind")
        mix = ", ".join(f"{count} {kind}" for kind, count in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM listings_volunteerslot")
        slot_count = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM marketplace_organisation")
        organisations = cursor.fetchone()[0]
    connection.close()

    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        server = start_gunicorn(port, args, directory)
        try:
            rows = single_client(port, token, args.repeats)
            database = database_url.rsplit("/", 1)[1]
            api_rate, api_cpu = throughput(
                port, token, "/api/v1/listings/", args.clients, args.seconds, server, database
            )
            bare_rate, bare_cpu = throughput(
                port, None, "/bench/bare/", args.clients, args.seconds, server, database
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    print()
    print(f"data:    {mix}; {slot_count} slots; {organisations} organisations")
    print(
        f"server:  gunicorn, {args.workers} {args.worker_class} workers x {args.threads} threads,"
        f" production settings, PostgreSQL; {os.cpu_count()} cores shared with the clients"
    )
    print()
    print(f"one client, {args.repeats} requests per search (ms):")
    print(
        f"  {'search':26} {'API med':>8} {'API p95':>8} {'bare med':>9} {'bare p95':>9} "
        f"{'ratio':>6}"
    )
    for row in rows:
        print(
            f"  {row['search']:26} {row['api_median']:8.2f} {row['api_p95']:8.2f} "
            f"{row['bare_median']:9.2f} {row['bare_p95']:9.2f} "
            f"{row['api_median'] / row['bare_median']:6.2f}"
        )
    typical = [row for row in rows if not row["search"].startswith("(extra)")]
    api_median = statistics.median(r["api_median"] for r in typical)
    bare_median = statistics.median(r["bare_median"] for r in typical)
    worst_p95 = max(r["api_p95"] for r in typical)
    ratio = max(r["api_median"] / r["bare_median"] for r in typical)
    print()
    print(f"{args.clients} clients, {args.seconds:.0f} s each:")
    cores = os.cpu_count() or 1
    for name, rate, split in (("API ", api_rate, api_cpu), ("bare", bare_rate, bare_cpu)):
        print(
            f"  {name}  {rate:8.1f} requests/s   CPU ms per request: {sum(split):5.2f} "
            f"(gunicorn {split[0]:.2f}, PostgreSQL {split[1]:.2f}, clients {split[2]:.2f})"
            f" -> {cores * 1000 / sum(split):5.0f}/s with the {cores} cores to itself"
        )
    print(
        f"  API / bare: {api_rate / bare_rate:.2f} measured, "
        f"{sum(bare_cpu) / sum(api_cpu):.2f} by CPU cost"
    )
    print()
    verdicts = [
        (
            f"API median / bare median <= {TARGET_RATIO}",
            f"{ratio:.2f} (worst search)",
            ratio <= TARGET_RATIO,
        ),
        (
            f"API p95 <= {TARGET_P95_MS:.0f} ms, one client",
            f"{worst_p95:.2f} ms (worst search)",
            worst_p95 <= TARGET_P95_MS,
        ),
        (
            f"API >= {TARGET_RATE:.0f} requests/s, {args.clients} clients",
            f"{api_rate:.0f}/s",
            api_rate >= TARGET_RATE,
        ),
    ]
    with open("/proc/loadavg") as loadavg:
        load = loadavg.read().split()[:3]
    print(f"medians over the five searches: API {api_median:.2f} ms, bare {bare_median:.2f} ms")
    print(f"machine load average at the end (1, 5, 15 min): {' '.join(load)}")
    for target, value, ok in verdicts:
        print(f"  {'met ' if ok else 'MISS'}  {target:40} {value}")


if __name__ == "__main__":
    main()

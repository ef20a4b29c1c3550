"""Bookings per second over HTTP, beside a bare Django endpoint measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiezmarkt REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python benchmarks/booking.py [--requests 3000] [--clients 16] [--rounds 3]

Needs PostgreSQL and Redis (it makes and drops its own database, <name>_bench, and empties the
Redis database it is given: the booking e-mails are queued there, no worker sends them).
What it does:

1. serves Kiezmarkt with gunicorn (production settings and gunicorn.conf.py, the production
   web process's workers and threads) plus one extra URL,
   /bench/bare/: a bare Django view that takes one row lock and makes three inserts in one
   transaction, the floor any booking request stands on;
2. contested: CLIENTS clients POST loans of one item (few units, a few days) at once: most are
   refused with 409 once it is full;
3. then ROUNDS turns (default 3) of these four, so that other work on the machine falls on
   each alike (their ratios hold while the absolute figures move with the load):
   bare:      CLIENTS keep-alive HTTP clients call /bench/bare/, each locking its own row;
   api read:  the same clients GET /api/v1/auth/me/ with their tokens: what the API's framework
              (DRF, token look-up, a serializer) costs before a booking does anything; a second
              baseline, printed for orientation (the targets compare with the bare endpoint);
   distinct:  CLIENTS clients POST /api/v1/bookings/ (equipment loans), each for its own item;
   refused:   the contested requests again, now that the item is full: every one a 409, the
              cost of saying no;
6. checks with SQL that no unit is lent twice at any instant and no item beyond its quantity,
   that every 201 is one booking, and that no request got a 5xx;
7. prints CPU per request (first: it depends far less on the machine's load than rates do),
   rates and p95 latencies against the targets: <= 6 ms CPU per booking on distinct items and
   >= 0.3 x the bare endpoint by CPU cost, <= 4 ms CPU per refused request, the contested item
   booked exactly to its capacity, no over-allocation, no 5xx.
"""

import argparse
import http.client
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project and benchmarks.* importable
from benchmarks.measure import backend_pids, cpu_seconds, cpu_used, p95, server_pids  # noqa: E402

TARGET_CPU_MS = 6.0
TARGET_CPU_RATIO = 0.3
TARGET_REFUSED_CPU_MS = 4.0
CONTESTED_UNITS = 20
CONTESTED_DAYS = 5

# gunicorn imports these (written to a temporary directory on its PYTHONPATH): production
# settings with one more URL, so the bare view shares the server, the middleware and the
# database connections of the real endpoint.
BENCH_SETTINGS = """
from marketplace.settings.production import *  # noqa
ROOT_URLCONF = "bench_urls"
# Refused bookings (409) are expected here; logging each would only cost time.
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}
"""
BENCH_URLS = """
from django.urls import path
from marketplace.urls import urlpatterns as kiezmarkt
from benchmarks.booking import bare_view
from django.views.decorators.csrf import csrf_exempt
urlpatterns = [path("bench/bare/", csrf_exempt(bare_view)), *kiezmarkt]
"""


def bare_view(request):
    """One locked transaction with three inserts: the least a booking must do. Exempt from
    CSRF like the token-authenticated API (DRF's views are)."""
    from django.db import connection, transaction
    from django.http import JsonResponse

    row = int(request.GET.get("row", "1"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM bench_bare_row WHERE id = %s FOR UPDATE", [row])
        for note in ("booking", "event", "notification"):
            cursor.execute("INSERT INTO bench_bare_log (row_id, note) VALUES (%s, %s)", [row, note])
    return JsonResponse({"row": row}, status=201)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.production",
        SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(clients: int) -> dict:
    """A company with CLIENTS + 1 items, a social organisation with CLIENTS members (tokens)."""
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from listings.models import Category, Equipment, ListingStatus
    from marketplace.models import Membership, Organisation, Role, User

    company = Organisation.objects.create(
        kind="company", name="Kiezbäckerei Bench GmbH", slug="bench-company", status="approved"
    )
    social = Organisation.objects.create(
        kind="social", name="Nachbarschaftshaus Bench e.V.", slug="bench-social", status="approved"
    )
    admin = User.objects.create_user("admin@bench.example", "x", full_name="Carla Admin")
    Membership.objects.create(user=admin, organisation=company, role=Role.ADMIN)
    category = Category.objects.first() or Category.objects.create(slug="bench", name_de="Bench")

    def item(title: str, quantity: int) -> Equipment:
        return Equipment.objects.create(
            organisation=company,
            category=category,
            title=title,
            description="Tisch und Bänke",
            status=ListingStatus.PUBLISHED,
            published_at=timezone.now(),
            quantity=quantity,
            pickup_street="Wassertorstraße 48",
            pickup_postcode="10969",
            max_loan_days=30,
        )

    tokens = []
    for n in range(clients):
        person = User.objects.create_user(f"client{n}@bench.example", "x", full_name=f"Client {n}")
        Membership.objects.create(user=person, organisation=social, role=Role.MEMBER)
        tokens.append(Token.objects.create(user=person).key)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare_row (id integer PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE bench_bare_log (id bigserial PRIMARY KEY, row_id integer, note text)"
        )
        cursor.execute("INSERT INTO bench_bare_row SELECT generate_series(1, %s)", [clients])
    return {
        "tokens": tokens,
        "items": [item(f"Biertischgarnitur {n}", 500).pk for n in range(clients)],
        "contested": item("Die eine Hüpfburg", CONTESTED_UNITS).pk,
        "social": social.pk,
    }


def start_gunicorn(port: int, args, env: dict, directory: str) -> subprocess.Popen:
    Path(directory, "bench_settings.py").write_text(BENCH_SETTINGS)
    Path(directory, "bench_urls.py").write_text(BENCH_URLS)
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([directory, str(ROOT)]),
        # Refused bookings (409) are expected here; their log lines would only cost time.
        "LOG_LEVEL": "ERROR",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "marketplace.wsgi:application",
            f"--config={ROOT / 'gunicorn.conf.py'}",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            f"--worker-class={args.worker_class}",
            f"--threads={args.threads}",
            "--backlog=256",
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
            conn.request("GET", "/api/v1/bookings/")  # 401 without a token: up
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


@dataclass
class Phase:
    seconds: float
    latencies: list[float]
    statuses: Counter
    # CPU milliseconds per request in gunicorn, PostgreSQL and the benchmark's clients.
    cpu_ms: tuple[float, float, float]

    @classmethod
    def joined(cls, earlier: "Phase | None", later: "Phase") -> "Phase":
        """One phase measured in turns: times and counts added, CPU per request averaged."""
        if earlier is None:
            return later
        before, after = len(earlier.latencies), len(later.latencies)
        cpu = tuple(
            (a * before + b * after) / max(before + after, 1)
            for a, b in zip(earlier.cpu_ms, later.cpu_ms, strict=True)
        )
        return cls(
            earlier.seconds + later.seconds,
            earlier.latencies + later.latencies,
            earlier.statuses + later.statuses,
            cpu,
        )

    def rate(self, status: int) -> float:
        return self.statuses[status] / self.seconds

    def cpu(self) -> str:
        web, db, clients = self.cpu_ms
        return (
            f"CPU ms/request {web + db + clients:5.2f} "
            f"(web {web:.2f}, db {db:.2f}, clients {clients:.2f})"
        )


def run_phase(port: int, plans: list[list[tuple[str, str, dict]]], server, database: str) -> Phase:
    """Each plan is one client's (path, token, body) requests, sent in order over one keep-alive
    connection; all clients start together."""
    barrier = threading.Barrier(len(plans) + 1)
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def client(plan):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes = [], Counter()
        barrier.wait()
        for path, token, body in plan:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Token {token}"
            payload = json.dumps(body) if body is not None else None
            started = time.perf_counter()
            conn.request("POST" if body is not None else "GET", path, payload, headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            codes[response.status] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    threads = [threading.Thread(target=client, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    web_before = cpu_seconds(server_pids(server))
    db_before = cpu_seconds(backend_pids(database))
    own_before = time.process_time()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    used = (
        cpu_used(web_before, cpu_seconds(server_pids(server))),
        cpu_used(db_before, cpu_seconds(backend_pids(database))),
        time.process_time() - own_before,
    )
    requests = max(len(latencies), 1)
    return Phase(seconds, latencies, statuses, tuple(x * 1000 / requests for x in used))


def loan(item: int, day: int, organisation: int) -> dict:
    import datetime as dt

    start = dt.date.today() + dt.timedelta(days=day)
    return {
        "kind": "equipment",
        "item": item,
        "units": 1,
        "pickup_on": str(start),
        "return_on": str(start),
        "purpose": "Hoffest",
        "organisation": organisation,
    }


def plans_bare(data: dict, per_client: int) -> list:
    return [
        [(f"/bench/bare/?row={n + 1}", "", {}) for _ in range(per_client)]
        for n in range(len(data["tokens"]))
    ]


def plans_api_read(data: dict, per_client: int) -> list:
    return [[("/api/v1/auth/me/", token, None)] * per_client for token in data["tokens"]]


def plans_distinct(data: dict, per_client: int, offset: int) -> list:
    return [
        [
            ("/api/v1/bookings/", token, loan(item, 1 + (offset + k) % 300, data["social"]))
            for k in range(per_client)
        ]
        for token, item in zip(data["tokens"], data["items"], strict=True)
    ]


def plans_contested(data: dict, per_client: int) -> list:
    return [
        [
            (
                "/api/v1/bookings/",
                token,
                loan(data["contested"], 1 + (n + k) % CONTESTED_DAYS, data["social"]),
            )
            for k in range(per_client)
        ]
        for n, token in enumerate(data["tokens"])
    ]


OVER_ALLOCATION = [
    (
        "units lent twice at one instant",
        """SELECT count(*) FROM listings_equipmentallocation a
           JOIN listings_equipmentallocation b ON a.item_id = b.item_id
            AND a.unit_number = b.unit_number AND a.id < b.id
            AND a.start < b."end" AND b.start < a."end" """,
    ),
    (
        "item-days beyond the quantity",
        """SELECT count(*) FROM (
             SELECT a.item_id, d.day FROM listings_equipmentallocation a
             JOIN listings_equipment e ON e.listing_ptr_id = a.item_id
             CROSS JOIN LATERAL generate_series(a.start, a."end" - 1, interval '1 day') AS d(day)
             GROUP BY a.item_id, d.day, e.quantity HAVING count(*) > e.quantity) AS over""",
    ),
    (
        "held bookings without their units",
        """SELECT count(*) FROM bookings_booking b WHERE b.hold_id IS NOT NULL AND b.units <>
             (SELECT count(*) FROM listings_equipmentallocation a WHERE a.hold_id = b.hold_id)""",
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="per phase")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--rounds", type=int, default=3, help="turns of bare, read, distinct and refused"
    )
    # Defaults: what the production web process runs with (gunicorn.conf.py).
    web = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    parser.add_argument("--workers", type=int, default=web["workers"], help="worker processes")
    parser.add_argument("--worker-class", default=web["worker_class"], choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=web["threads"], help="threads per worker")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        raise SystemExit("set DATABASE_URL=postgres://... and REDIS_URL=redis://.../<db>")

    setup_django()
    from django.db import connection

    from marketplace.celery import app

    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"] = {**connection.settings_dict["TEST"], "NAME": f"{name}_bench"}
    bench_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server = None
    per_client = max(args.requests // args.clients, 1)
    per_round = max(per_client // args.rounds, 1)
    try:
        app.control.purge()
        data = seed(args.clients)
        connection.close()
        env = {
            **os.environ,
            "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + bench_db,
        }
        port = free_port()
        with tempfile.TemporaryDirectory() as directory:
            server = start_gunicorn(port, args, env, directory)
            # Warm-up: every worker opens its database connection and loads its code.
            run = partial(run_phase, port, server=server, database=bench_db)
            run(plans_bare(data, 20))
            run(plans_distinct(data, 20, offset=200))

            cont = run(plans_contested(data, per_client))
            # The other phases in turns, so that whatever else the machine does meanwhile
            # falls on each of them alike: their ratios hold even while the figures move.
            bare = read = dist = refused = None
            for turn in range(args.rounds):
                bare = Phase.joined(bare, run(plans_bare(data, per_round)))
                read = Phase.joined(read, run(plans_api_read(data, per_round)))
                dist = Phase.joined(dist, run(plans_distinct(data, per_round, turn * per_round)))
                refused = Phase.joined(refused, run(plans_contested(data, per_round)))

        from bookings.models import Booking

        with connection.cursor() as cursor:
            checks = []
            for label, query in OVER_ALLOCATION:
                cursor.execute(query)
                checks.append((label, cursor.fetchone()[0]))
        contested_bookings = Booking.objects.filter(listing_id=data["contested"]).count()
        all_bookings = Booking.objects.count()
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        app.control.purge()
        connection.close()
        connection.creation.destroy_test_db(name, verbosity=0)

    total = args.clients * per_round * args.rounds
    bare_rate = bare.rate(201)
    dist_rate = dist.rate(201)
    ratio = dist_rate / bare_rate
    read_rate = read.rate(200)
    cont_rate = args.clients * per_client / cont.seconds
    server_errors = sum(
        n
        for phase in (bare, read, dist, cont, refused)
        for code, n in phase.statuses.items()
        if code >= 500
    )
    over = sum(count for _label, count in checks)
    capacity = CONTESTED_UNITS * CONTESTED_DAYS
    print(
        f"setup:      gunicorn, {args.workers} {args.worker_class} workers x {args.threads} "
        f"threads; {args.clients} keep-alive clients; {total} requests per phase; PostgreSQL"
    )
    print(
        f"bare:       {bare_rate:8.1f} requests/s   p95 {p95(bare.latencies):6.1f} ms   "
        f"statuses {dict(bare.statuses)} (one locked transaction, three inserts)"
    )
    print(f"            {bare.cpu()}")
    print(
        f"api read:   {read_rate:8.1f} requests/s   p95 {p95(read.latencies):6.1f} ms   "
        f"statuses {dict(read.statuses)} (GET /api/v1/auth/me/ with a token: no booking work)"
    )
    print(f"            {read.cpu()}")
    print(
        f"distinct:   {dist_rate:8.1f} bookings/s   p95 {p95(dist.latencies):6.1f} ms   "
        f"statuses {dict(dist.statuses)}"
    )
    print(f"            {dist.cpu()}")
    print(
        f"ratio:      {ratio:8.2f}   (distinct bookings/s / bare requests/s); by CPU cost "
        f"{sum(bare.cpu_ms) / sum(dist.cpu_ms):.2f}, API read / bare by CPU cost "
        f"{sum(bare.cpu_ms) / sum(read.cpu_ms):.2f}"
    )
    print(
        f"contested:  {cont_rate:8.1f} requests/s   p95 {p95(cont.latencies):6.1f} ms   "
        f"statuses {dict(cont.statuses)}; {contested_bookings} booked of {capacity} unit-days"
    )
    print(f"            {cont.cpu()}")
    print(
        f"refused:    {total / refused.seconds:8.1f} requests/s   "
        f"p95 {p95(refused.latencies):6.1f} ms   statuses {dict(refused.statuses)} "
        "(the full item again: every answer a 409)"
    )
    print(f"            {refused.cpu()}")
    # Other work on this 2-core machine takes CPU from both server and clients: say how much.
    print(f"load:       {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min averages)")
    for label, count in checks:
        print(f"check:      {label}: {count}")
    ok_count = all_bookings == dist.statuses[201] + cont.statuses[201] + 20 * args.clients
    print(f"check:      bookings in the database = 201 responses: {'yes' if ok_count else 'NO'}")
    dist_cpu, refused_cpu = sum(dist.cpu_ms), sum(refused.cpu_ms)
    cpu_ratio = sum(bare.cpu_ms) / dist_cpu
    print(
        f"CPU:        {dist_cpu:.2f} ms per booking, {refused_cpu:.2f} ms per refused request; "
        f"bare {sum(bare.cpu_ms):.2f} ms, api read {sum(read.cpu_ms):.2f} ms; "
        f"booking by CPU cost {cpu_ratio:.2f} x bare"
    )
    ok = (
        dist_cpu <= TARGET_CPU_MS
        and cpu_ratio >= TARGET_CPU_RATIO
        and refused_cpu <= TARGET_REFUSED_CPU_MS
        and refused.statuses[409] == total
        and over == 0
        and server_errors == 0
        and contested_bookings == capacity
        and ok_count
    )
    print(
        f"targets:    <= {TARGET_CPU_MS:.0f} ms CPU per booking, >= {TARGET_CPU_RATIO:.1f} x bare "
        f"by CPU cost, <= {TARGET_REFUSED_CPU_MS:.0f} ms CPU per refused request, the contested "
        "item booked to capacity, no over-allocation, no 5xx: " + ("met" if ok else "NOT met")
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

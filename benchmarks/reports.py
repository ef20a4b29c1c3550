"""The network report for three years over 100,000 bookings, 20,000 donations and 500
organisations, beside a baseline of one hand-written SQL aggregate over the same tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiez_reports \
        .venv/bin/python benchmarks/reports.py [--runs 30] [--bookings 100000] \
        [--donations 20000] [--organisations 500] [--keep]

Runs on PostgreSQL when DATABASE_URL points there (it makes and drops its own database,
<name>_reports_bench), else on the embedded SQLite (in memory). With --keep (PostgreSQL) the
database stays after the run and a later --keep run measures it again without filling it anew.
What it does:

1. fills the tables: ORGANISATIONS organisations (half companies, half social organisations;
   each company works with about eight social organisations), one offer of each kind per
   company, BOOKINGS bookings of all kinds and states over 2023-2025 with the steps of the
   referrals, DONATIONS donations (some from private donors) with receipts, a few suspensions,
   people; then VACUUM ANALYZE (a database in use is vacuumed by autovacuum; the report reads
   each kind of booking from its covering index, which needs the visibility map set);
2. report:   GET /api/v1/reports/network/?from=2023-01&until=2025-12 as the coordinator, RUNS
             times after two warm-ups (every figure and the per-organisation table, as JSON,
             through Django's test client in this process);
3. baseline: one hand-written SQL aggregate over the same tables (bookings by kind and pair,
             donations by pair, UNION ALL) for the same period, RUNS times;
4. pdf:      the PDF report with its charts and network picture, five times.

CPU per request first (this process plus the PostgreSQL backend; parallel query is switched
off for the benchmark's connection, so that the backend's CPU is all the database spent), the
baseline's beside it, then p95 latency over the runs. Targets: report p95 <= 300 ms and <= 3x the
baseline; PDF <= 2 s.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import cpu_seconds, cpu_used, p95

ROOT = Path(__file__).resolve().parent.parent
PERIOD = {"from": "2023-01", "until": "2025-12"}
TARGET_P95_MS = 300.0
TARGET_RATIO = 3.0
TARGET_PDF_S = 2.0
COORDINATOR = "koordination@bench.example"

BASELINE_SQL = """
SELECT kind, provider_id, requester_id, count(*), sum(hours_given), sum(units)
FROM bookings_booking
WHERE starts_at >= %s AND starts_at < %s
  AND state IN ('completed', 'hours_confirmed', 'handed_over', 'overdue', 'returned', 'hired')
GROUP BY kind, provider_id, requester_id
UNION ALL
SELECT 'donation', donor_organisation_id, recipient_id, count(*), sum(amount), NULL
FROM donations_donation
WHERE donated_on >= %s AND donated_on < %s AND state = 'confirmed'
GROUP BY donor_organisation_id, recipient_id
"""


def setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.test",
        CELERY_TASK_ALWAYS_EAGER="true",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def berlin(day: dt.date, hour: int = 10) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Berlin"))


def fill(organisations: int, bookings: int, donations: int) -> None:
    from bookings.models import Booking, BookingEvent
    from donations.models import Donation, Receipt
    from listings.models import Category, Equipment, JobOffer, VolunteerAction, VolunteerSlot
    from marketplace.models import (
        Membership,
        Organisation,
        OrganisationStatusChange,
        User,
        VolunteerHourRate,
    )

    rng = random.Random(13)
    start, days = dt.date(2022, 10, 1), 365 * 3 + 120
    long_ago = berlin(dt.date(2022, 1, 1))
    half = organisations // 2
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                kind="company" if i < half else "social",
                name=f"{'Firma' if i < half else 'Verein'} {i:04d}",
                slug=f"bench-{i}",
                status="approved",
                district=rng.choice(["Kreuzberg", "Neukölln", "Mitte"]),
            )
            for i in range(organisations)
        ]
    )
    Organisation.objects.update(created_at=long_ago)
    companies, socials = orgs[:half], orgs[half:]
    OrganisationStatusChange.objects.bulk_create(
        [
            OrganisationStatusChange(
                organisation=org,
                from_status="pending",
                to_status="approved",
                at=berlin(start + dt.timedelta(days=rng.randrange(days))),
            )
            for org in orgs
        ]
    )
    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.example", full_name=f"Person {i}")
            for i in range(2 * organisations)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation=orgs[i % organisations])
            for i, user in enumerate(users)
        ]
    )
    VolunteerHourRate.objects.create(valid_from=dt.date(2020, 1, 1), euros=Decimal("18.00"))
    VolunteerHourRate.objects.create(valid_from=dt.date(2024, 7, 1), euros=Decimal("20.00"))

    category = Category.objects.first()
    offers = {}
    for company in companies:
        common = {
            "organisation": company,
            "category": category,
            "status": "published",
            "published_at": long_ago,
            "description": "Bench",
        }
        action = VolunteerAction.objects.create(title="Einsatz", **common)
        slot = VolunteerSlot.objects.create(
            action=action,
            start=long_ago,
            end=long_ago + dt.timedelta(hours=4),
            volunteers_available=1000,
        )
        item = Equipment.objects.create(
            title="Tische",
            quantity=5,
            pickup_street="Straße 1",
            pickup_postcode="10969",
            pickup_city="Berlin",
            max_loan_days=14,
            **common,
        )
        job = JobOffer.objects.create(
            title="Stelle",
            employment_type="teilzeit",
            hours_per_week=Decimal("20"),
            positions=1000,
            place="Berlin",
            application_deadline=dt.date(2030, 1, 1),
            contact_name="Bench",
            **common,
        )
        partners = rng.sample(socials, min(8, len(socials)))
        offers[company.pk] = (action, slot, item, job, partners)

    kinds = ["volunteer"] * 50 + ["equipment"] * 35 + ["job"] * 15
    states = {
        "volunteer": ["hours_confirmed"] * 6 + ["completed"] * 2 + ["cancelled", "declined"],
        "equipment": ["returned"] * 6 + ["handed_over", "overdue", "cancelled", "confirmed"],
        "job": ["hired"] * 2 + ["rejected"] * 3 + ["interviewing", "submitted", "withdrawn"],
    }
    batch, events = [], []
    for n in range(bookings):
        company = companies[n % len(companies)]
        action, slot, item, job, partners = offers[company.pk]
        social = rng.choice(partners)
        kind = rng.choice(kinds)
        state = rng.choice(states[kind])
        day = start + dt.timedelta(days=rng.randrange(days))
        when = berlin(day)
        fields = {
            "kind": kind,
            "state": state,
            "requester": social,
            "provider": company,
            "created_at": when - dt.timedelta(days=10),
            "starts_at": when,
        }
        if kind == "volunteer":
            fields.update(listing=action, slot=slot, volunteers=rng.randint(1, 8))
            if state in ("hours_confirmed", "completed"):
                fields.update(
                    volunteers_given=fields["volunteers"], hours_given=Decimal(rng.randint(2, 40))
                )
        elif kind == "equipment":
            length = rng.randint(1, 14)
            fields.update(
                listing=item,
                units=rng.randint(1, 5),
                # both days inclusive (bookings.selectors.loan_days)
                pickup_on=day,
                return_on=day + dt.timedelta(days=length - 1),
            )
            if state in ("returned", "handed_over", "overdue"):
                fields["handed_over_at"] = when
        else:
            fields.update(
                listing=job,
                candidate_consent=True,
                consent_date=day,
                candidate_name="Anonym",
                created_at=when,
            )
            if state in ("hired", "rejected", "withdrawn"):
                fields["ended_at"] = when + dt.timedelta(days=20)
        batch.append(Booking(**fields))
        if len(batch) == 5000:
            created = Booking.objects.bulk_create(batch)
            events += _steps(created)
            batch = []
    if batch:
        events += _steps(Booking.objects.bulk_create(batch))
    BookingEvent.objects.bulk_create(events, batch_size=5000)

    gifts = []
    for n in range(donations):
        company = companies[n % len(companies)]
        social = rng.choice(offers[company.pk][4])
        private = n % 5 == 0
        kind = "goods" if n % 4 == 0 else "money"
        name = f"Privat {n % 700}" if private else company.name
        gifts.append(
            Donation(
                kind=kind,
                state=rng.choice(["confirmed"] * 8 + ["recorded", "rejected"]),
                recipient=social,
                donor_organisation=None if private else company,
                donor_name=name,
                donor_address="Straße 1, 10969 Berlin",
                donor_key=f"person:{n % 700}" if private else f"org:{company.pk}",
                amount=Decimal(rng.randint(20, 5000)),
                donated_on=start + dt.timedelta(days=rng.randrange(days)),
                description="Sachspende" if kind == "goods" else "",
                origin="business" if kind == "goods" else "",
            )
        )
    gifts = Donation.objects.bulk_create(gifts, batch_size=5000)
    Receipt.objects.bulk_create(
        [
            Receipt(
                organisation=gift.recipient,
                year=gift.donated_on.year,
                sequence=i + 1,
                number=f"B-{i + 1}",
                kind="money",
                donor_organisation=gift.donor_organisation,
                donor_key=gift.donor_key,
                donor_name=gift.donor_name,
                donor_address=gift.donor_address,
                amount=gift.amount,
                issued_on=gift.donated_on,
                machine_signed=True,
                pdf=b"%PDF-bench",
                sha256="0" * 64,
            )
            for i, gift in enumerate(gifts)
            if gift.state == "confirmed" and i % 4 == 0
        ],
        batch_size=5000,
    )


def _steps(created) -> list:
    from bookings.models import BookingEvent

    steps = []
    for booking in created:
        if booking.kind != "job":
            continue
        at = booking.created_at
        steps.append(BookingEvent(booking=booking, action="submit", to_state="submitted", at=at))
        if booking.state in ("interviewing", "hired", "rejected"):
            steps.append(
                BookingEvent(
                    booking=booking,
                    action="interview",
                    from_state="submitted",
                    to_state="interviewing",
                    at=at + dt.timedelta(days=7),
                )
            )
        if booking.state in ("hired", "rejected"):
            steps.append(
                BookingEvent(
                    booking=booking,
                    action=booking.state,
                    from_state="interviewing",
                    to_state=booking.state,
                    at=booking.ended_at,
                )
            )
    return steps


def backend_cpu():
    """The CPU seconds of this connection's PostgreSQL backend (0 on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return cpu_seconds([pid])


def timed(call, runs: int) -> tuple[list[float], float, float]:
    """Latencies of `runs` calls (after two warm-ups) and CPU ms per call: in this process
    (Django, Python) and in the PostgreSQL backend."""
    for _ in range(2):
        call()
    latencies = []
    backend_before, here_before = backend_cpu(), time.process_time()
    for _ in range(runs):
        began = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - began)
    here = time.process_time() - here_before
    backend = cpu_used(backend_before, backend_cpu())
    return latencies, here * 1000 / runs, backend * 1000 / runs


def _kept(connection) -> bool:
    """Whether the benchmark's database from an earlier --keep run is there, filled and migrated
    to this code (then the connection points to it)."""
    from django.db import DatabaseError
    from django.db.migrations.executor import MigrationExecutor

    from bookings.models import Booking

    connection.settings_dict["NAME"] = connection.settings_dict["TEST"]["NAME"]
    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return False  # older schema: fill anew
        return Booking.objects.exists()
    except DatabaseError:
        return False
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--donations", type=int, default=20_000)
    parser.add_argument("--organisations", type=int, default=500)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the filled database, and reuse one kept before (PostgreSQL only)",
    )
    args = parser.parse_args()
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")

    setup_django()
    from django.db import connection
    from django.test import Client

    from marketplace.models import User
    from marketplace.runtime import settle_garbage_collector
    from tests.factories import CoordinatorFactory

    name = connection.settings_dict["NAME"]
    if postgres:
        test = {**connection.settings_dict["TEST"], "NAME": f"{name}_reports_bench"}
        connection.settings_dict["TEST"] = test
    keep = args.keep and postgres
    reused = keep and _kept(connection)
    if not reused:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        began = time.perf_counter()
        if not reused:
            fill(args.organisations, args.bookings, args.donations)
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        fill_seconds = time.perf_counter() - began
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET max_parallel_workers_per_gather = 0")

        client = Client()
        coordinator = User.objects.filter(email=COORDINATOR).first() or CoordinatorFactory(
            email=COORDINATOR
        )
        client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")

        def report():
            response = client.get("/api/v1/reports/network/", PERIOD)
            assert response.status_code == 200, response.content[:300]

        def pdf():
            response = client.get("/berichte/netzwerk/export.pdf", PERIOD)
            assert response.status_code == 200

        from reports.periods import period_from_params

        period = period_from_params(PERIOD)

        def baseline():
            with connection.cursor() as cursor:
                cursor.execute(
                    BASELINE_SQL,
                    [period.start, period.end, period.start_date, period.end_date],
                )
                cursor.fetchall()

        # As a web process runs it: the collector settled once Django is loaded (wsgi.py).
        settle_garbage_collector()
        report_latencies, report_python, report_db = timed(report, args.runs)
        baseline_latencies, baseline_python, baseline_db = timed(baseline, args.runs)
        pdf_latencies, pdf_python, pdf_db = timed(pdf, 5)
        body = client.get("/api/v1/reports/network/", PERIOD).json()
    finally:
        if keep:
            connection.close()
        else:
            connection.creation.destroy_test_db(name, verbosity=0)

    database = "PostgreSQL" if postgres else "SQLite (in memory)"
    load = os.getloadavg()[0]
    report_p95, baseline_p95 = p95(report_latencies), p95(baseline_latencies)
    ratio = report_p95 / baseline_p95
    print(f"database:  {database}, {os.cpu_count()} CPU cores, load average {load:.1f}")
    print(
        f"data:      {args.organisations} organisations, {args.bookings} bookings, "
        f"{args.donations} donations (filled in {fill_seconds:.0f} s); "
        f"{body['totals']['pairs']} cooperating pairs, {len(body['organisations'])} table rows"
    )
    report_cpu, baseline_cpu = report_python + report_db, baseline_python + baseline_db
    cpu_ratio = report_cpu / baseline_cpu
    print(
        f"summary:   report {report_cpu:.1f} ms CPU/request, baseline {baseline_cpu:.1f} ms "
        f"({cpu_ratio:.1f}x); p95 over {args.runs} runs {report_p95:.1f} ms, baseline "
        f"{baseline_p95:.1f} ms ({ratio:.1f}x)"
    )
    for label, python, db, latencies, note in (
        ("report", report_python, report_db, report_latencies, f"{args.runs} runs"),
        ("baseline", baseline_python, baseline_db, baseline_latencies, "one SQL aggregate"),
        ("pdf", pdf_python, pdf_db, pdf_latencies, "figures, charts, picture, table; 5 runs"),
    ):
        print(
            f"{label + ':':10} {python + db:7.1f} ms CPU/request (Python {python:6.1f}, "
            f"PostgreSQL {db:6.1f})   p95 {p95(latencies):7.1f} ms   "
            f"median {statistics.median(latencies) * 1000:7.1f} ms   ({note})"
        )
    print(f"ratio:     {cpu_ratio:.1f}x the baseline by CPU, {ratio:.1f}x by p95")
    verdict = "met" if report_p95 <= TARGET_P95_MS and ratio <= TARGET_RATIO else "NOT met"
    print(
        f"target:    report p95 <= {TARGET_P95_MS:.0f} ms and <= {TARGET_RATIO:.0f}x baseline "
        f"(now {ratio:.1f}x): {verdict}; PDF <= {TARGET_PDF_S:.0f} s: "
        f"{'met' if p95(pdf_latencies) <= TARGET_PDF_S * 1000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()

"""Donation receipts per second, and the time for collective receipts for 1,000 donors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiez_donations \
        .venv/bin/python benchmarks/receipts.py [--count 500] [--donors 1000]

Runs on PostgreSQL when DATABASE_URL points there (it makes and drops its own database,
<name>_receipts_bench), else on the embedded SQLite (in memory). Celery tasks go to an
in-memory broker: what is measured is issuing a receipt, not sending its e-mail (the
notifications benchmark measures that). What it does:

1. render:     COUNT receipts drawn as PDF (pdf.render_receipt), nothing else;
2. issue:      COUNT confirmed money donations get their receipt through
               services.receipt_issue(), one after another, each in its own transaction:
               lock the donation and the organisation's counter, number, render, store
               the PDF and its hash, write the receipt's notification rows with the PDF;
3. issue x2:   (PostgreSQL only) the same with two threads for two organisations;
4. collective: DONORS private donors with three confirmed money donations each last year;
               the due list (one query), then one collective receipt per donor (receipt and
               annex page each).

Prints the figures and whether the target (>= 50 receipts/s for step 2) is met.
"""

import argparse
import datetime as dt
import os
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE = 50.0


def setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_world(index: int):
    from marketplace.models import Membership, Organisation, Role, TaxExemption, User

    company = Organisation.objects.create(
        kind="company",
        name=f"Bench Firma {index} GmbH",
        slug=f"bench-firma-{index}",
        street="Oranienstraße 12",
        postcode="10999",
        status="approved",
    )
    social = Organisation.objects.create(
        kind="social",
        name=f"Bench Verein {index} e.V.",
        slug=f"bench-verein-{index}",
        street="Wassertorstraße 48",
        postcode="10969",
        status="approved",
    )
    TaxExemption.objects.create(
        organisation=social,
        tax_office="Finanzamt für Körperschaften I Berlin",
        tax_number="27/640/12345",
        notice_kind="freistellung",
        notice_date=dt.date.today() - dt.timedelta(days=400),
        purposes="Förderung der Jugendhilfe und der Altenhilfe",
        machine_receipts_notified=True,
    )
    people = {}
    for role, organisation in (("company", company), ("social", social)):
        user = User.objects.create_user(
            email=f"bench-{role}-{index}@example.org", password=None, full_name=f"{role} {index}"
        )
        Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
        people[role] = user
    return company, social, people


def confirmed_donations(company, social, people, count: int, *, year: int | None = None):
    """COUNT confirmed money donations without receipts (written directly: setup, not measured)."""
    from donations.models import Donation
    from donations.selectors import donor_key_for

    day = dt.date(year, 6, 1) if year else dt.date.today() - dt.timedelta(days=3)
    return Donation.objects.bulk_create(
        Donation(
            kind="money",
            state="confirmed",
            recipient=social,
            donor_organisation=company,
            donor_name=company.name,
            donor_address="Oranienstraße 12\n10999 Berlin",
            donor_key=donor_key_for(organisation_id=company.pk),
            amount=Decimal("1322.50") + index,
            donated_on=day,
            recorded_by=people["company"],
            decided_by=people["social"],
        )
        for index in range(count)
    )


def bench_render(count: int) -> float:
    from donations import pdf

    document = pdf.ReceiptDocument(
        kind="money",
        number="2026-0001",
        issuer=pdf.Issuer("Bench Verein e.V.", ("Wassertorstraße 48", "10969 Berlin"), "Berlin"),
        donor_name="Bench Firma GmbH",
        donor_address="Oranienstraße 12\n10999 Berlin",
        amount=Decimal("1322.50"),
        exemption=pdf.Exemption(
            "freistellung",
            "Finanzamt für Körperschaften I Berlin",
            "27/640/12345",
            dt.date(2025, 3, 14),
            "Förderung der Jugendhilfe und der Altenhilfe",
            "2024",
        ),
        issued_on=dt.date.today(),
        machine_signed=True,
        donated_on=dt.date.today(),
    )
    pdf.render_receipt(document)  # warm-up: font metrics
    start = time.perf_counter()
    for _ in range(count):
        pdf.render_receipt(document)
    return count / (time.perf_counter() - start)


def issue_all(donations, by) -> None:
    from donations import services

    for donation in donations:
        services.receipt_issue(donation=donation, by=by)


def bench_issue(count: int) -> tuple[float, float]:
    """Receipts per second (wall clock) and CPU milliseconds per receipt in this process."""
    company, social, people = make_world(1)
    issue_all(confirmed_donations(company, social, people, 10), people["social"])  # warm-up
    donations = confirmed_donations(company, social, people, count)
    start, cpu = time.perf_counter(), time.process_time()
    issue_all(donations, people["social"])
    cpu_ms = (time.process_time() - cpu) * 1000 / count
    return count / (time.perf_counter() - start), cpu_ms


def bench_issue_threads(count: int) -> float:
    from django.db import connection

    worlds = [make_world(10 + index) for index in range(2)]
    work = [
        (confirmed_donations(company, social, people, count // 2), people["social"])
        for company, social, people in worlds
    ]

    def run(donations, by):
        try:
            issue_all(donations, by)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in work]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (count // 2) * 2 / (time.perf_counter() - start)


def bench_collective(donors: int) -> tuple[float, float, int]:
    from donations import services
    from donations.models import Donation, Receipt
    from donations.selectors import donor_key_for, donors_due

    _company, social, people = make_world(20)
    year = dt.date.today().year - 1
    rows = []
    for index in range(donors):
        name, address = f"Spender {index:04d}", f"Straße {index}\n10999 Berlin"
        key = donor_key_for(organisation_id=None, name=name, address=address)
        for month in (2, 6, 11):
            rows.append(
                Donation(
                    kind="money",
                    state="confirmed",
                    recipient=social,
                    donor_name=name,
                    donor_address=address,
                    donor_email=f"spender{index}@example.org",
                    donor_key=key,
                    amount=Decimal("25.00") * month,
                    donated_on=dt.date(year, month, 1),
                    recorded_by=people["social"],
                )
            )
    Donation.objects.bulk_create(rows, batch_size=1000)

    start = time.perf_counter()
    due = donors_due(social, year=year)
    due_seconds = time.perf_counter() - start
    assert len(due) == donors, len(due)

    start = time.perf_counter()
    for row in due:
        services.collective_receipt_issue(
            organisation=social, by=people["social"], donor_key=row["donor_key"], year=year
        )
    seconds = time.perf_counter() - start
    assert Receipt.objects.filter(organisation=social, kind="collective").count() == donors
    return due_seconds, seconds, donors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--donors", type=int, default=1000)
    args = parser.parse_args()
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")

    setup_django()
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if postgres:
        test = {**connection.settings_dict["TEST"], "NAME": f"{name}_receipts_bench"}
        connection.settings_dict["TEST"] = test
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        render = bench_render(args.count)
        issue, cpu_ms = bench_issue(args.count)
        threaded = bench_issue_threads(args.count) if postgres else None
        due_seconds, collective_seconds, donors = bench_collective(args.donors)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)

    database = "PostgreSQL" if postgres else "SQLite (in memory)"
    load = os.getloadavg()[0]
    print(f"database:      {database}, {os.cpu_count()} CPU cores, load average {load:.1f}")
    print(f"render only:   {render:8.1f} PDFs/s       (reportlab canvas, one process)")
    print(
        f"issue:         {issue:8.1f} receipts/s   ({args.count} receipts, one after another; "
        f"{cpu_ms:.1f} ms CPU each in this process)"
    )
    if threaded is not None:
        print(f"issue x2:      {threaded:8.1f} receipts/s   (two threads, two organisations)")
    print(f"due list:      {due_seconds * 1000:8.1f} ms           ({donors} donors, one query)")
    print(
        f"collective:    {collective_seconds:8.1f} s            ({donors} donors × 3 donations, "
        f"{donors / collective_seconds:.1f} receipts/s)"
    )
    ok = issue >= TARGET_RATE
    print(f"target:        >= {TARGET_RATE:.0f} receipts/s: " + ("met" if ok else "NOT met"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
